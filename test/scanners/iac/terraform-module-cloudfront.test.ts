import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/index.js';

/**
 * terraform-aws-modules/cloudfront read as the distribution it makes: viewer certificate,
 * cache behaviors and the map of origins. Each case is a module call written for this test.
 */

function hits(source: string, ...rules: string[]): string[] {
  return analyseFile('main.tf', source, () => {})
    .findings.filter((f) => rules.includes(f.ruleId.replace('iac/tf-aws-', '')))
    .map((f) => `${f.ruleId.replace('iac/tf-aws-', '')}:${f.location.startLine}`)
    .sort();
}

const cdn = (version: string | undefined, inputs: string) => `module "cdn" {\n  source  = "terraform-aws-modules/cloudfront/aws"\n${version ? `  version = "${version}"\n` : ''}${inputs}}\n`;
const CERT = '  viewer_certificate = {\n    acm_certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/cdn"\n    ssl_support_method  = "sni-only"\n  }\n';
const origin = (policy: string, protocols: string) =>
  `  origin = {\n    api = {\n      domain_name = "api.example.org"\n      custom_origin_config = {\n        http_port              = 80\n        https_port             = 443\n        origin_protocol_policy = "${policy}"\n        origin_ssl_protocols   = ${protocols}\n      }\n    }\n  }\n`;

describe('terraform modules/cloudfront', () => {
  it('reads minimum_protocol_version per release: TLSv1 (as the provider) before 6.0.0, TLSv1.2_2025 from it', () => {
    assert.deepEqual(hits(cdn('~> 3.0', CERT), 'tls-outdated'), ['tls-outdated:4']);
    assert.deepEqual(hits(cdn('~> 3.0', CERT.replace('  }\n', '    minimum_protocol_version = "TLSv1.2_2021"\n  }\n')), 'tls-outdated'), []);
    assert.deepEqual(hits(cdn('~> 6.0', CERT), 'tls-outdated'), []);
    assert.deepEqual(hits(cdn(undefined, CERT), 'tls-outdated'), [], 'the default differs between releases');
    // The default *.cloudfront.net certificate (the module's default before 6.0.0) is not reported.
    assert.deepEqual(hits(cdn('~> 3.0', ''), 'tls-outdated'), []);
  });

  it('reports a cache behavior that allows plain HTTP, not one that redirects', () => {
    const behaviors = (policy: string) => `  default_cache_behavior = {\n    target_origin_id       = "api"\n    viewer_protocol_policy = "${policy}"\n  }\n  ordered_cache_behavior = [{\n    path_pattern           = "/static/*"\n    target_origin_id       = "api"\n    viewer_protocol_policy = "redirect-to-https"\n  }]\n`;
    assert.deepEqual(hits(cdn('~> 5.0', behaviors('allow-all')), 'cloudfront-allows-http'), ['cloudfront-allows-http:6']);
    assert.deepEqual(hits(cdn('~> 5.0', behaviors('https-only')), 'cloudfront-allows-http'), []);
  });

  it('reads each origin of the map: plain HTTP to the origin, outdated origin protocols', () => {
    assert.deepEqual(hits(cdn('~> 4.0', origin('http-only', '["TLSv1.2"]')), 'cloudfront-origin-http', 'tls-outdated'), ['cloudfront-origin-http:10']);
    assert.deepEqual(hits(cdn('~> 4.0', origin('https-only', '["TLSv1", "TLSv1.2"]')), 'cloudfront-origin-http', 'tls-outdated'), ['tls-outdated:11']);
    assert.deepEqual(hits(cdn('~> 4.0', origin('https-only', '["TLSv1.2"]')), 'cloudfront-origin-http', 'tls-outdated'), []);
    const named = analyseFile('main.tf', cdn('~> 4.0', origin('http-only', '["TLSv1.2"]')), () => {}).findings.find((f) => f.ruleId === 'iac/tf-aws-cloudfront-origin-http');
    assert.match(named?.message ?? '', /origin api over plain HTTP/, 'the map key is the origin id');
  });

  it('makes nothing when the module creates nothing', () => {
    assert.deepEqual(hits(cdn('~> 3.0', `  create_distribution = false\n${CERT}`), 'tls-outdated'), []);
  });
});
