import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/index.js';

/**
 * The listeners of terraform-aws-modules/alb, per release: the `listeners` map of 9.x on,
 * the `http_tcp_listeners` and `https_listeners` lists of 5.x-8.x. Each case is a module
 * call written for this test.
 */

/** `rule:line:severity` of the findings of these rules. */
function hits(source: string, ...rules: string[]): string[] {
  return analyseFile('main.tf', source, () => {})
    .findings.filter((f) => rules.includes(f.ruleId.replace('iac/tf-aws-', '')))
    .map((f) => `${f.ruleId.replace('iac/tf-aws-', '')}:${f.location.startLine}:${f.severity}`)
    .sort();
}

const alb = (version: string | undefined, inputs: string) => `module "alb" {\n  source  = "terraform-aws-modules/alb/aws"\n${version ? `  version = "${version}"\n` : ''}${inputs}}\n`;
const HTTP = 'lb-http-listener';
const TLS = 'tls-outdated';

describe('terraform modules/alb: listeners of 9.x on (the listeners map)', () => {
  it('reports a listener that forwards plain HTTP, on its protocol, or on its object when the protocol is the module default', () => {
    const source = alb('~> 9.0', '  listeners = {\n    http = {\n      port     = 80\n      protocol = "HTTP"\n      forward  = { target_group_key = "web" }\n    }\n    plain = {\n      port    = 8080\n      forward = { target_group_key = "web" }\n    }\n  }\n');
    assert.deepEqual(hits(source, HTTP), [`${HTTP}:10:medium`, `${HTTP}:7:medium`]);
  });

  it('does not report a listener that redirects to HTTPS, nor an HTTPS one', () => {
    const source = alb(
      '~> 10.0',
      '  listeners = {\n    http = {\n      port     = 80\n      protocol = "HTTP"\n      redirect = {\n        port        = "443"\n        protocol    = "HTTPS"\n        status_code = "HTTP_301"\n      }\n    }\n    https = {\n      port            = 443\n      protocol        = "HTTPS"\n      certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/web"\n      forward         = { target_group_key = "web" }\n    }\n  }\n',
    );
    assert.deepEqual(hits(source, HTTP, TLS), []);
  });

  it('reports a redirect that stays on HTTP', () => {
    const source = alb('~> 9.0', '  listeners = {\n    http = {\n      port     = 80\n      protocol = "HTTP"\n      redirect = {\n        port        = "8080"\n        protocol    = "HTTP"\n        status_code = "HTTP_302"\n      }\n    }\n  }\n');
    assert.deepEqual(hits(source, HTTP), [`${HTTP}:7:medium`]);
  });

  it('reports an outdated ssl_policy given to a listener; the module default for HTTPS is TLS 1.2+', () => {
    const source = alb(
      '~> 9.0',
      '  listeners = {\n    old = {\n      port            = 443\n      protocol        = "HTTPS"\n      certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/web"\n      ssl_policy      = "ELBSecurityPolicy-2016-08"\n    }\n    new = {\n      port            = 8443\n      protocol        = "HTTPS"\n      certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/web"\n    }\n  }\n',
    );
    assert.deepEqual(hits(source, TLS), [`${TLS}:9:medium`]);
  });

  it('gives low severity on an internal load balancer', () => {
    const source = alb('~> 9.0', '  internal  = true\n  listeners = {\n    http = {\n      port     = 80\n      protocol = "HTTP"\n      forward  = { target_group_key = "api" }\n    }\n  }\n');
    assert.deepEqual(hits(source, HTTP), [`${HTTP}:8:low`]);
  });

  it('reads listeners taken from a local, on the input line, and leaves those it cannot read alone', () => {
    const local = 'locals {\n  listeners = {\n    http = { port = 80, protocol = "HTTP", forward = { target_group_key = "web" } }\n  }\n}\n';
    assert.deepEqual(hits(local + alb('~> 9.0', '  listeners = local.listeners\n'), HTTP), [`${HTTP}:9:medium`]);
    assert.deepEqual(hits(alb('~> 9.0', '  listeners = var.listeners\n'), HTTP), []);
  });

  it('makes no listener when the module creates nothing', () => {
    assert.deepEqual(hits(alb('~> 9.0', '  create    = false\n  listeners = { http = { port = 80, protocol = "HTTP" } }\n'), HTTP), []);
    assert.deepEqual(hits(alb('~> 9.0', '  putin_khuylo = false\n  listeners    = { http = { port = 80, protocol = "HTTP" } }\n'), HTTP), []);
  });

  it('counts a TLS listener of a network load balancer made by the module for its access logs', () => {
    const nlb = (listener: string) => alb('~> 9.0', `  load_balancer_type = "network"\n  listeners = {\n    ${listener}\n  }\n`);
    assert.deepEqual(hits(nlb('tls = { port = 443, protocol = "TLS", certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/web" }'), 'lb-no-access-logs'), ['lb-no-access-logs:1:low']);
    assert.deepEqual(hits(nlb('tcp = { port = 5432, protocol = "TCP" }'), 'lb-no-access-logs'), []);
  });
});

describe('terraform modules/alb: listeners of 5.x-8.x (http_tcp_listeners, https_listeners)', () => {
  it('reports an HTTP listener that forwards (the default action_type), not one that redirects to HTTPS', () => {
    const source = alb(
      '8.7.0',
      '  http_tcp_listeners = [\n    {\n      port     = 80\n      protocol = "HTTP"\n    },\n    {\n      port        = 81\n      protocol    = "HTTP"\n      action_type = "redirect"\n      redirect = {\n        port        = "443"\n        protocol    = "HTTPS"\n        status_code = "HTTP_301"\n      }\n    },\n    {\n      port     = 5432\n      protocol = "TCP"\n    },\n  ]\n',
    );
    assert.deepEqual(hits(source, HTTP), [`${HTTP}:7:medium`]);
  });

  it('reports https_listeners left at listener_ssl_policy_default, whose default is ELBSecurityPolicy-2016-08', () => {
    const listeners = '  https_listeners = [\n    {\n      port            = 443\n      certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/web"\n    },\n    {\n      port            = 8443\n      certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/web"\n      ssl_policy      = "ELBSecurityPolicy-TLS13-1-2-2021-06"\n    },\n  ]\n';
    assert.deepEqual(hits(alb('~> 6.0', listeners), TLS, HTTP), [`${TLS}:5:medium`]);
    // The module input that sets the default for every listener: reported where it is set, or not at all.
    assert.deepEqual(hits(alb('~> 6.0', `  listener_ssl_policy_default = "ELBSecurityPolicy-TLS13-1-2-2021-06"\n${listeners}`), TLS), []);
    assert.deepEqual(hits(alb('5.16.0', `  listener_ssl_policy_default = "ELBSecurityPolicy-TLS-1-1-2017-01"\n${listeners}`), TLS), [`${TLS}:4:medium`]);
  });

  it('gives low severity on an internal load balancer', () => {
    assert.deepEqual(hits(alb('~> 8.0', '  internal           = true\n  http_tcp_listeners = [{ port = 80, protocol = "HTTP" }]\n'), HTTP), [`${HTTP}:5:low`]);
  });

  it('leaves 3.x-4.x alone (listeners counted by http_tcp_listeners_count), and reads the lists when the version is not known', () => {
    const lists = '  http_tcp_listeners = [{ port = 80, protocol = "HTTP" }]\n';
    assert.deepEqual(hits(alb('4.2.0', `${lists}  http_tcp_listeners_count = 1\n`), HTTP), []);
    assert.deepEqual(hits(alb(undefined, `${lists}  http_tcp_listeners_count = 1\n`), HTTP), []);
    // Only 5.x-8.x take the lists without a count.
    assert.deepEqual(hits(alb(undefined, lists), HTTP), [`${HTTP}:3:medium`]);
    assert.deepEqual(hits(alb('>= 8.0', lists), HTTP), [`${HTTP}:4:medium`]);
    assert.deepEqual(hits(alb('8.7.0', `  create_lb = false\n${lists}`), HTTP), []);
  });
});
