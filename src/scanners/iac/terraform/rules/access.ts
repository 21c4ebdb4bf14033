import { API_KEY_IS_NOT_AUTHENTICATION } from '../../aws-api-keys.js';
import { isWorld } from '../../cidr.js';
import type { Value } from '../hcl/evaluate.js';
import { attribute, blocksOf, instancesOfResource, isFalseValue, isTrueValue, label, mentioned, moduleResourcesOf, referrers, resourcesOf, textOf, valueOf, type TfInput, type TfResource } from '../model.js';
import { documentOf } from '../policy.js';
import { known, sections, tfRule, type TfRule } from './common.js';
import { blocksMade, fileInstance, settingAt } from './instances.js';

const DOMAIN_TYPES = ['aws_api_gateway_domain_name', 'aws_apigatewayv2_domain_name'];

/**
 * The custom domain names with mutual TLS that are the only way to an API (a REST API, or an
 * HTTP or WebSocket API of API Gateway V2), or undefined when a caller without a client
 * certificate may reach it (or that cannot be told): the API
 * sets disable_execute_api_endpoint = true, and every mapping of the module that maps it
 * (aws_api_gateway_base_path_mapping, aws_apigatewayv2_api_mapping) goes to a domain name
 * of the module whose mutual_tls_authentication names a truststore. No mapping in the
 * module (the domain is elsewhere) is unknown.
 */
function mutualTlsOnlyDomains(input: TfInput, api: TfResource): string[] | undefined {
  if (!isTrueValue(valueOf(input, api.block, 'disable_execute_api_endpoint'))) return undefined;
  const mappings = referrers(input, api, ['aws_api_gateway_base_path_mapping', 'aws_apigatewayv2_api_mapping'], 'api_id');
  if (mappings.length === 0) return undefined;
  const domains: string[] = [];
  for (const mapping of mappings) {
    const domain = domainOf(input, mapping);
    if (!domain || !requiresClientCertificate(input, domain)) return undefined;
    domains.push(label(domain));
  }
  return [...new Set(domains)];
}

/**
 * The custom domain name of the module that a mapping's domain_name names: by reference, by
 * the name written out, or by the variable or local that both take the name from
 * (`domain_name = var.domain_name` on each, as modules write it).
 */
function domainOf(input: TfInput, mapping: TfResource): TfResource | undefined {
  const expr = attribute(mapping.block, 'domain_name')?.expr;
  if (!expr) return undefined;
  const referenced = mentioned(input, expr).find((r) => r.kind === 'resource' && DOMAIN_TYPES.includes(r.type));
  if (referenced) return referenced;
  const written = valueOf(input, mapping.block, 'domain_name');
  const source = namedValue(textOf(input, expr));
  return moduleResourcesOf(input, ...DOMAIN_TYPES).find((d) => {
    if (typeof written === 'string' && valueOf(input, d.block, 'domain_name') === written) return true;
    const own = attribute(d.block, 'domain_name')?.expr;
    return source !== undefined && own !== undefined && namedValue(textOf(input, own)) === source;
  });
}

/** A variable or local written alone (`var.domain_name`, `local.api_domain`), else undefined. */
function namedValue(text: string): string | undefined {
  const trimmed = text.trim();
  return /^(?:var|local)\.[A-Za-z_][\w-]*$/.test(trimmed) ? trimmed : undefined;
}

/**
 * Whether a domain name's mutual_tls_authentication names a truststore: clients must then
 * present a certificate it trusts. A truststore_uri that cannot be read (a variable without
 * a default) is a truststore still, as API Gateway refuses mutual TLS without one; a null or
 * empty one is not, nor one in a dynamic block that may make no block at all.
 */
function requiresClientCertificate(input: TfInput, domain: TfResource): boolean {
  const uri = settingAt(domain.block, ['mutual_tls_authentication', 'truststore_uri'], fileInstance(input)).value;
  if (uri === undefined || uri === null) return false;
  if (!known(uri)) return domain.block.body.blocks.some((b) => b.type === 'mutual_tls_authentication');
  return typeof uri === 'string' && uri.trim() !== '';
}

const apiMethodWithoutAuth: TfRule = tfRule({
  id: 'iac/tf-aws-apigw-method-no-auth',
  title: 'API Gateway method open without authorization',
  description:
    'An API Gateway REST method has authorization = "NONE": anyone on the internet who knows the URL can call it, and the back end (a Lambda function, a service behind a VPC link) must defend itself. CORS preflight (OPTIONS) methods are not reported. A method that requires an API key (api_key_required = true) is reported at low severity: API keys identify callers for usage plans and throttling, but AWS documents that they are not for authentication or authorization, and they are often shipped in client code. A method of an API whose default execute-api endpoint is switched off (disable_execute_api_endpoint = true) and that the module maps only to custom domain names with mutual TLS (mutual_tls_authentication with a truststore, by aws_api_gateway_base_path_mapping or aws_apigatewayv2_api_mapping) is not reported: only clients with a certificate the truststore accepts reach it. With the default endpoint left on, the API stays callable without a certificate and is reported.',
  remediation: 'Use authorization = "AWS_IAM", "COGNITO_USER_POOLS" or "CUSTOM" with an authorizer_id (an API key can stay for usage plans); if the method is meant to be public, say so with a secloop-ignore comment and protect it with a usage plan and AWS WAF.',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-306'],
  examples: {
    positive: [
      'resource "aws_api_gateway_method" "orders" {\n  rest_api_id   = aws_api_gateway_rest_api.shop.id\n  resource_id   = aws_api_gateway_resource.orders.id\n  http_method   = "POST"\n  # expect\n  authorization = "NONE"\n}\n',
      // An API key only (reported at low severity): it identifies the caller, it does not authenticate.
      'resource "aws_api_gateway_method" "orders" {\n  rest_api_id      = aws_api_gateway_rest_api.shop.id\n  resource_id      = aws_api_gateway_resource.orders.id\n  http_method      = "POST"\n  api_key_required = true\n  # expect\n  authorization    = "NONE"\n}\n',
      // Mutual TLS on a domain name does not close the default execute-api endpoint, which takes no certificate.
      'resource "aws_api_gateway_rest_api" "shop" {\n  name = "shop"\n}\n\nresource "aws_api_gateway_method" "orders" {\n  rest_api_id   = aws_api_gateway_rest_api.shop.id\n  resource_id   = aws_api_gateway_resource.orders.id\n  http_method   = "POST"\n  # expect\n  authorization = "NONE"\n}\n\nresource "aws_api_gateway_domain_name" "shop" {\n  domain_name              = "api.example.org"\n  regional_certificate_arn = aws_acm_certificate.shop.arn\n  endpoint_configuration {\n    types = ["REGIONAL"]\n  }\n  mutual_tls_authentication {\n    truststore_uri = "s3://example-truststore/clients.pem"\n  }\n}\n\nresource "aws_api_gateway_base_path_mapping" "shop" {\n  api_id      = aws_api_gateway_rest_api.shop.id\n  stage_name  = aws_api_gateway_stage.prod.stage_name\n  domain_name = aws_api_gateway_domain_name.shop.domain_name\n}\n',
    ],
    negative: [
      'resource "aws_api_gateway_method" "orders" {\n  rest_api_id   = aws_api_gateway_rest_api.shop.id\n  resource_id   = aws_api_gateway_resource.orders.id\n  http_method   = "POST"\n  authorization = "COGNITO_USER_POOLS"\n  authorizer_id = aws_api_gateway_authorizer.users.id\n}\n',
      'resource "aws_api_gateway_method" "preflight" {\n  rest_api_id   = aws_api_gateway_rest_api.shop.id\n  resource_id   = aws_api_gateway_resource.orders.id\n  http_method   = "OPTIONS"\n  authorization = "NONE"\n}\n',
      // The default execute-api endpoint is off and the only way in is a domain name with mutual TLS: callers need a client certificate.
      'resource "aws_api_gateway_rest_api" "shop" {\n  name = "shop"\n  disable_execute_api_endpoint = true\n}\n\nresource "aws_api_gateway_method" "orders" {\n  rest_api_id   = aws_api_gateway_rest_api.shop.id\n  resource_id   = aws_api_gateway_resource.orders.id\n  http_method   = "POST"\n  authorization = "NONE"\n}\n\nresource "aws_api_gateway_domain_name" "shop" {\n  domain_name              = "api.example.org"\n  regional_certificate_arn = aws_acm_certificate.shop.arn\n  endpoint_configuration {\n    types = ["REGIONAL"]\n  }\n  mutual_tls_authentication {\n    truststore_uri = "s3://example-truststore/clients.pem"\n  }\n}\n\nresource "aws_api_gateway_base_path_mapping" "shop" {\n  api_id      = aws_api_gateway_rest_api.shop.id\n  stage_name  = aws_api_gateway_stage.prod.stage_name\n  domain_name = aws_api_gateway_domain_name.shop.domain_name\n}\n',
    ],
  },
  *check(input) {
    for (const method of resourcesOf(input, 'aws_api_gateway_method')) {
      const a = attribute(method.block, 'authorization');
      const value = valueOf(input, method.block, 'authorization');
      if (!a || typeof value !== 'string' || value.toUpperCase() !== 'NONE') continue;
      const verb = valueOf(input, method.block, 'http_method');
      if (typeof verb !== 'string' || verb.toUpperCase() === 'OPTIONS') continue;
      // Reached only through domain names with mutual TLS: callers need a client certificate.
      const api = mentioned(input, attribute(method.block, 'rest_api_id')?.expr).find((r) => r.kind === 'resource' && r.type === 'aws_api_gateway_rest_api');
      if (api && mutualTlsOnlyDomains(input, api)) continue;
      // An API key identifies the caller for a usage plan; it does not authenticate (AWS says not to rely on it for access control).
      if (isTrueValue(valueOf(input, method.block, 'api_key_required')))
        yield { line: a.line, message: `${label(method)} (${verb.toUpperCase()}) requires only an API key: ${API_KEY_IS_NOT_AUTHENTICATION}.`, resource: label(method), severity: 'low' };
      else yield { line: a.line, message: `${label(method)} (${verb.toUpperCase()}) can be called without authorization.`, resource: label(method) };
    }
  },
});

/** The API Gateway V2 API (HTTP or WebSocket) that a route's api_id names in the module, if any. */
function v2ApiOf(input: TfInput, route: TfResource): TfResource | undefined {
  return mentioned(input, attribute(route.block, 'api_id')?.expr).find((r) => r.kind === 'resource' && r.type === 'aws_apigatewayv2_api');
}

/**
 * The protocol of a route's API: its protocol_type when the module shows it, else what the
 * route key says (`GET /orders` is an HTTP route, `$connect` a WebSocket one); undefined
 * when neither tells (`$default` of an API defined elsewhere).
 */
function routeProtocol(input: TfInput, api: TfResource | undefined, key: string): string | undefined {
  const written = api ? valueOf(input, api.block, 'protocol_type') : undefined;
  if (typeof written === 'string') return written.toUpperCase();
  if (key === '$connect') return 'WEBSOCKET';
  return /^[A-Z]+ \//i.test(key) ? 'HTTP' : undefined;
}

const hclLines = (...l: string[]) => l.join('\n') + '\n';

/** An HTTP API, a route of it, and a custom domain name with mutual TLS that maps it (examples). */
const mutualTlsHttpApi = (disabled: boolean) =>
  hclLines(
    'resource "aws_apigatewayv2_api" "orders" {',
    '  name                         = "orders"',
    '  protocol_type                = "HTTP"',
    `  disable_execute_api_endpoint = ${disabled}`,
    '}',
    '',
    ...(disabled ? [] : ['# expect']),
    'resource "aws_apigatewayv2_route" "list" {',
    '  api_id    = aws_apigatewayv2_api.orders.id',
    '  route_key = "GET /orders"',
    '}',
    '',
    'resource "aws_apigatewayv2_domain_name" "orders" {',
    '  domain_name = "api.example.org"',
    '  domain_name_configuration {',
    '    certificate_arn = aws_acm_certificate.orders.arn',
    '    endpoint_type   = "REGIONAL"',
    '    security_policy = "TLS_1_2"',
    '  }',
    '  mutual_tls_authentication {',
    '    truststore_uri = "s3://example-truststore/clients.pem"',
    '  }',
    '}',
    '',
    'resource "aws_apigatewayv2_api_mapping" "orders" {',
    '  api_id      = aws_apigatewayv2_api.orders.id',
    '  domain_name = aws_apigatewayv2_domain_name.orders.id',
    '  stage       = "prod"',
    '}',
  );

const apiRouteWithoutAuth: TfRule = tfRule({
  id: 'iac/tf-aws-apigw-v2-route-no-auth',
  title: 'API Gateway HTTP or WebSocket route open without authorization',
  description:
    'An API Gateway V2 route has authorization_type = "NONE" (the default when unset): anyone on the internet who knows the URL can call it, since HTTP and WebSocket APIs are always reachable from the internet, and the back end must defend itself. For a WebSocket API only the $connect route is judged, as the connection is authorized there once; a $connect route that requires only an API key (api_key_required, WebSocket APIs) is reported at low severity, as API keys identify callers but AWS documents that they are not for authentication or authorization. A quick-create HTTP API (target on aws_apigatewayv2_api) gets such a $default route. CORS preflight (OPTIONS) routes, and $default routes of an API the module does not show (it may be a WebSocket one), are not reported. An API whose default execute-api endpoint is switched off (disable_execute_api_endpoint = true) and that the module maps only to custom domain names with mutual TLS (mutual_tls_authentication with a truststore, by aws_apigatewayv2_api_mapping) is not reported: only clients with a certificate the truststore accepts reach it. With the default endpoint left on, the API stays callable without a certificate and is reported.',
  remediation: 'Set authorization_type to "JWT" (with an authorizer_id), "CUSTOM" (a Lambda authorizer) or "AWS_IAM" on the route; if the route is meant to be public, say so with a secloop-ignore comment and protect it with throttling and AWS WAF.',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-306'],
  examples: {
    positive: [
      'resource "aws_apigatewayv2_api" "orders" {\n  name          = "orders"\n  protocol_type = "HTTP"\n}\n\nresource "aws_apigatewayv2_route" "list" {\n  api_id             = aws_apigatewayv2_api.orders.id\n  route_key          = "GET /orders"\n  # expect\n  authorization_type = "NONE"\n}\n\n# expect\nresource "aws_apigatewayv2_route" "create" {\n  api_id    = aws_apigatewayv2_api.orders.id\n  route_key = "POST /orders"\n}\n',
      'resource "aws_apigatewayv2_api" "chat" {\n  name                       = "chat"\n  protocol_type              = "WEBSOCKET"\n  route_selection_expression = "$request.body.action"\n}\n\n# expect\nresource "aws_apigatewayv2_route" "connect" {\n  api_id    = aws_apigatewayv2_api.chat.id\n  route_key = "$connect"\n}\n',
      // An API key is no authentication: the $connect route that requires only one is reported at low severity.
      'resource "aws_apigatewayv2_api" "chat" {\n  name          = "chat"\n  protocol_type = "WEBSOCKET"\n}\n\nresource "aws_apigatewayv2_route" "connect" {\n  api_id             = aws_apigatewayv2_api.chat.id\n  route_key          = "$connect"\n  api_key_required   = true\n  # expect\n  authorization_type = "NONE"\n}\n',
      'resource "aws_apigatewayv2_api" "quick" {\n  name          = "quick"\n  protocol_type = "HTTP"\n  # expect\n  target        = aws_lambda_function.handler.arn\n}\n',
      // A module's map of routes: each route read with its own each.key and each.value (api_key_required null on an HTTP API).
      'resource "aws_apigatewayv2_api" "orders" {\n  name          = "orders"\n  protocol_type = "HTTP"\n}\n\nresource "aws_apigatewayv2_route" "this" {\n  for_each           = { "GET /orders" = "JWT", "POST /orders" = "NONE" }\n  api_id             = aws_apigatewayv2_api.orders.id\n  route_key          = each.key\n  api_key_required   = null\n  # expect\n  authorization_type = each.value\n}\n',
      // Mutual TLS on a domain name does not close the default execute-api endpoint, which takes no certificate.
      mutualTlsHttpApi(false),
    ],
    negative: [
      'resource "aws_apigatewayv2_api" "orders" {\n  name          = "orders"\n  protocol_type = "HTTP"\n}\n\nresource "aws_apigatewayv2_route" "list" {\n  api_id             = aws_apigatewayv2_api.orders.id\n  route_key          = "GET /orders"\n  authorization_type = "JWT"\n  authorizer_id      = aws_apigatewayv2_authorizer.users.id\n}\n\nresource "aws_apigatewayv2_route" "preflight" {\n  api_id    = aws_apigatewayv2_api.orders.id\n  route_key = "OPTIONS /orders"\n}\n',
      // Messages of a WebSocket API travel on a connection authorized at $connect.
      'resource "aws_apigatewayv2_api" "chat" {\n  name          = "chat"\n  protocol_type = "WEBSOCKET"\n}\n\nresource "aws_apigatewayv2_route" "connect" {\n  api_id             = aws_apigatewayv2_api.chat.id\n  route_key          = "$connect"\n  authorization_type = "CUSTOM"\n  authorizer_id      = aws_apigatewayv2_authorizer.token.id\n}\n\nresource "aws_apigatewayv2_route" "send" {\n  api_id    = aws_apigatewayv2_api.chat.id\n  route_key = "sendmessage"\n}\n\nresource "aws_apigatewayv2_route" "fallback" {\n  api_id    = aws_apigatewayv2_api.chat.id\n  route_key = "$default"\n}\n',
      // An API of another configuration: its $default route may be a WebSocket one.
      'resource "aws_apigatewayv2_route" "fallback" {\n  api_id    = var.api_id\n  route_key = "$default"\n}\n',
      'resource "aws_apigatewayv2_api" "orders" {\n  name          = "orders"\n  protocol_type = "HTTP"\n}\n\nresource "aws_apigatewayv2_route" "this" {\n  for_each           = { "GET /orders" = "JWT", "POST /orders" = "AWS_IAM" }\n  api_id             = aws_apigatewayv2_api.orders.id\n  route_key          = each.key\n  authorization_type = each.value\n}\n',
      // The default execute-api endpoint is off and the only way in is a domain name with mutual TLS: callers need a client certificate.
      mutualTlsHttpApi(true),
    ],
  },
  *check(input) {
    for (const route of resourcesOf(input, 'aws_apigatewayv2_route')) {
      // A module's map of routes: each route (resourcesOf gives each instance) with its own each.key and each.value.
      const key = valueOf(input, route.block, 'route_key');
      if (typeof key !== 'string') continue;
      const api = v2ApiOf(input, route);
      const protocol = routeProtocol(input, api, key);
      if (protocol === 'WEBSOCKET' ? key !== '$connect' : protocol !== 'HTTP') continue;
      if (/^OPTIONS /i.test(key)) continue;
      // null (a module's `is_websocket ? ... : null`) leaves the default, false; a key given by an unknown value may be either.
      const keyedValue = valueOf(input, route.block, 'api_key_required');
      const keyed = isTrueValue(keyedValue);
      if (!keyed && keyedValue !== undefined && keyedValue !== null && !isFalseValue(keyedValue)) continue;
      const a = attribute(route.block, 'authorization_type');
      const value = valueOf(input, route.block, 'authorization_type');
      const written = a !== undefined && value !== null;
      if (written && (typeof value !== 'string' || value.toUpperCase() !== 'NONE')) continue;
      // Reached only through domain names with mutual TLS: callers need a client certificate.
      if (api && mutualTlsOnlyDomains(input, api)) continue;
      // An instance keyed by its route key is named by it already: aws_apigatewayv2_route.this["POST /start"].
      const named = route.instance?.key === key ? label(route) : `${label(route)} (${key})`;
      const line = written ? a.line : route.block.line;
      // An API key (WebSocket APIs) identifies the caller for a usage plan; it does not authenticate.
      if (keyed) yield { line, message: `${named} requires only an API key: ${API_KEY_IS_NOT_AUTHENTICATION}.`, resource: label(route), severity: 'low' };
      else yield { line, message: `${named} can be called without authorization${written ? '' : ' (authorization_type defaults to "NONE")'}.`, resource: label(route) };
    }
    for (const api of resourcesOf(input, 'aws_apigatewayv2_api')) {
      const target = attribute(api.block, 'target');
      const protocol = valueOf(input, api.block, 'protocol_type');
      if (!target || valueOf(input, api.block, 'target') === null || typeof protocol !== 'string' || protocol.toUpperCase() !== 'HTTP') continue;
      if (mutualTlsOnlyDomains(input, api)) continue;
      yield { line: target.line, message: `${label(api)} is a quick-create HTTP API: its $default route can be called without authorization.`, resource: label(api) };
    }
  },
});

const functionUrlWithoutAuth: TfRule = tfRule({
  id: 'iac/tf-aws-lambda-url-no-auth',
  title: 'Lambda function URL without authentication',
  description:
    'An aws_lambda_function_url has authorization_type = "NONE": anyone on the internet can call the function directly, bypassing any API gateway, WAF, throttling or authorizer in front of the application. The aws_lambda_permission with function_url_auth_type = "NONE" that such a URL needs is this finding too, not a public-principal one.',
  remediation: 'Use authorization_type = "AWS_IAM" and sign requests, or put the function behind API Gateway or CloudFront with authentication; keep "NONE" only for functions that check callers themselves, and say so with a secloop-ignore comment.',
  severity: 'medium',
  cwe: ['CWE-306'],
  examples: {
    positive: ['resource "aws_lambda_function_url" "webhook" {\n  function_name      = aws_lambda_function.webhook.function_name\n  # expect\n  authorization_type = "NONE"\n}\n'],
    negative: [
      'resource "aws_lambda_function_url" "internal" {\n  function_name      = aws_lambda_function.internal.function_name\n  authorization_type = "AWS_IAM"\n}\n',
      'resource "aws_lambda_function_url" "webhook" {\n  function_name      = aws_lambda_function.webhook.function_name\n  authorization_type = var.url_auth\n}\n',
    ],
  },
  *check(input) {
    for (const url of resourcesOf(input, 'aws_lambda_function_url')) {
      const a = attribute(url.block, 'authorization_type');
      const value = valueOf(input, url.block, 'authorization_type');
      if (a && typeof value === 'string' && value.toUpperCase() === 'NONE') yield { line: a.line, message: `${label(url)} lets anyone call the function (authorization_type = "NONE").`, resource: label(url) };
    }
  },
});

/** AMI filters that pin the publisher of the image. */
const OWNER_FILTERS = new Set(['owner-id', 'owner-alias', 'image-id']);

const amiOwnerUnpinned: TfRule = tfRule({
  id: 'iac/tf-aws-ami-owner-unpinned',
  title: 'Most recent AMI looked up without an owner',
  description:
    'A data "aws_ami" lookup takes the most recent image whose name matches a pattern, without owners or an owner filter. Anyone can publish a public AMI with a matching name (the "whoAMI" name-confusion attack): the newest one wins, and instances then boot an image the attacker controls.',
  remediation: 'Set owners to the publishing account ("099720109477" for Canonical, "amazon", or your own account id), or filter on owner-id / owner-alias.',
  severity: 'high',
  cwe: ['CWE-494'],
  examples: {
    positive: [
      'data "aws_ami" "base" {\n  # expect\n  most_recent = true\n  filter {\n    name   = "name"\n    values = ["debian-12-amd64-*"]\n  }\n}\n',
      // One lookup per image: the instance "custom" lists no owner.
      'data "aws_ami" "base" {\n  for_each    = { debian = ["136693071363"], custom = [] }\n  # expect\n  most_recent = true\n  owners      = each.value\n  filter {\n    name   = "name"\n    values = ["${each.key}-*"]\n  }\n}\n',
    ],
    negative: [
      'data "aws_ami" "base" {\n  most_recent = true\n  owners      = ["136693071363"]\n  filter {\n    name   = "name"\n    values = ["debian-12-amd64-*"]\n  }\n}\n',
      'data "aws_ami" "base" {\n  most_recent = true\n  filter {\n    name   = "owner-alias"\n    values = ["amazon"]\n  }\n  filter {\n    name   = "name"\n    values = ["al2023-ami-*"]\n  }\n}\n',
      // The account's own images: an owner known at apply.
      'data "aws_caller_identity" "current" {}\ndata "aws_ami" "runner" {\n  most_recent = true\n  owners      = [data.aws_caller_identity.current.account_id]\n  filter {\n    name   = "name"\n    values = ["github-runner-*"]\n  }\n}\n',
      // Without most_recent a pattern that matches several images is an error, not a silent pick.
      'data "aws_ami" "base" {\n  filter {\n    name   = "name"\n    values = ["debian-12-amd64-20240101"]\n  }\n}\n',
    ],
  },
  *check(input) {
    // A lookup with for_each or count, once per instance (each with its own owners and filters).
    for (const ami of input.data.filter((d) => d.type === 'aws_ami').flatMap((d) => instancesOfResource(input, d))) {
      const recent = attribute(ami.block, 'most_recent');
      if (!recent || !isTrueValue(valueOf(input, ami.block, 'most_recent'))) continue;
      const owners = attribute(ami.block, 'owners');
      // Only an empty list names no owner: [data.aws_caller_identity.current.account_id] names one known at apply.
      const listed = valueOf(input, ami.block, 'owners');
      if (owners && !(Array.isArray(listed) && listed.length === 0)) continue;
      if (blocksOf(ami.block, 'filter').some((f) => OWNER_FILTERS.has(String(valueOf(input, f, 'name'))))) continue;
      yield { line: recent.line, message: `${label(ami)} picks the most recent matching AMI from any publisher: pin owners.`, resource: label(ami) };
    }
  },
});

const MFA_METHODS = ['sms_configuration', 'software_token_mfa_configuration', 'email_mfa_configuration'];

const cognitoWithoutMfa: TfRule = tfRule({
  id: 'iac/tf-aws-cognito-no-mfa',
  title: 'Cognito user pool without multi-factor authentication',
  description:
    'mfa_configuration is "OFF" (the default) on a Cognito user pool, so a stolen or guessed password is enough to take over a user account. A pool with MFA "ON" but no MFA method configured cannot send a second factor either.',
  remediation: 'Set mfa_configuration = "ON" (or "OPTIONAL" with adaptive authentication) and configure software_token_mfa_configuration { enabled = true } or an SMS/email method.',
  severity: 'medium',
  cwe: ['CWE-308'],
  examples: {
    positive: [
      '# expect\nresource "aws_cognito_user_pool" "customers" {\n  name = "customers"\n}\n',
      'resource "aws_cognito_user_pool" "customers" {\n  name              = "customers"\n  # expect\n  mfa_configuration = "OFF"\n}\n',
      'variable "software_token_mfa_configuration" {\n  default = {}\n}\n# expect\nresource "aws_cognito_user_pool" "pool" {\n  name              = "customers"\n  mfa_configuration = "ON"\n  dynamic "software_token_mfa_configuration" {\n    for_each = length(var.software_token_mfa_configuration) > 0 ? [var.software_token_mfa_configuration] : []\n    content {\n      enabled = lookup(software_token_mfa_configuration.value, "enabled", true)\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "aws_cognito_user_pool" "customers" {\n  name              = "customers"\n  mfa_configuration = "ON"\n  software_token_mfa_configuration {\n    enabled = true\n  }\n}\n',
      'resource "aws_cognito_user_pool" "customers" {\n  name              = "customers"\n  mfa_configuration = var.mfa\n}\n',
      'variable "software_token_mfa_configuration" {\n  default = { enabled = true }\n}\nresource "aws_cognito_user_pool" "pool" {\n  name              = "customers"\n  mfa_configuration = "ON"\n  dynamic "software_token_mfa_configuration" {\n    for_each = length(var.software_token_mfa_configuration) > 0 ? [var.software_token_mfa_configuration] : []\n    content {\n      enabled = lookup(software_token_mfa_configuration.value, "enabled", true)\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const pool of resourcesOf(input, 'aws_cognito_user_pool')) {
      const a = attribute(pool.block, 'mfa_configuration');
      const value = valueOf(input, pool.block, 'mfa_configuration');
      if (a && !known(value)) continue;
      if (!a || (typeof value === 'string' && value.toUpperCase() === 'OFF')) {
        yield { line: a?.line ?? pool.block.line, message: `${label(pool)} does not require or offer MFA (mfa_configuration ${a ? '= "OFF"' : 'is not set'}).`, resource: label(pool) };
        continue;
      }
      // Only methods that may be made count: a dynamic software_token_mfa_configuration whose for_each is known empty makes none.
      if (MFA_METHODS.some((m) => blocksMade(pool.block, m, fileInstance(input)).length > 0)) continue;
      yield { line: pool.block.line, message: `${label(pool)} turns MFA on but configures no MFA method (software token, SMS or email).`, resource: label(pool) };
    }
  },
});

function objectField(value: Value | undefined, name: string): Value | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, Value>)[name] : undefined;
}

const ssmSessionNotEncrypted: TfRule = tfRule({
  id: 'iac/tf-aws-ssm-session-no-kms',
  title: 'Session Manager sessions not encrypted with a KMS key',
  description:
    'The Session Manager preferences document (document_type "Session") sets no inputs.kmsKeyId, so session data (shell input and output, which often includes secrets typed or printed on the instance) is protected only by the TLS channel, and session access is not tied to a key policy that can be audited and revoked.',
  remediation: 'Set "kmsKeyId" in the document inputs to a customer managed KMS key, and grant kms:Decrypt on it only to the roles allowed to start sessions.',
  severity: 'low',
  cwe: ['CWE-311'],
  examples: {
    positive: [
      'resource "aws_ssm_document" "session" {\n  name          = "SSM-SessionManagerRunShell"\n  document_type = "Session"\n  # expect\n  content = jsonencode({\n    schemaVersion = "1.0"\n    sessionType   = "Standard_Stream"\n    inputs = {\n      s3BucketName        = "session-logs"\n      cloudWatchLogGroupName = "/ssm/sessions"\n    }\n  })\n}\n',
    ],
    negative: [
      'resource "aws_ssm_document" "session" {\n  name          = "SSM-SessionManagerRunShell"\n  document_type = "Session"\n  content = jsonencode({\n    schemaVersion = "1.0"\n    sessionType   = "Standard_Stream"\n    inputs = {\n      kmsKeyId = aws_kms_key.sessions.key_id\n    }\n  })\n}\n',
      'resource "aws_ssm_document" "patch" {\n  name          = "patch"\n  document_type = "Command"\n  content       = jsonencode({ schemaVersion = "2.2", mainSteps = [] })\n}\n',
    ],
  },
  *check(input) {
    for (const doc of resourcesOf(input, 'aws_ssm_document')) {
      if (valueOf(input, doc.block, 'document_type') !== 'Session') continue;
      const content = attribute(doc.block, 'content');
      const format = valueOf(input, doc.block, 'document_format');
      if (!content || (typeof format === 'string' && format.toUpperCase() !== 'JSON')) continue;
      const document = documentOf(input, content.expr);
      if (document === undefined) continue;
      const key = objectField(objectField(document, 'inputs'), 'kmsKeyId');
      // A reference (an aws_kms_key attribute) cannot be read here but is a key.
      if (key !== undefined && key !== null && !(typeof key === 'string' && key.trim() === '')) continue;
      yield { line: content.line, message: `${label(doc)} does not encrypt session data with a KMS key (no inputs.kmsKeyId).`, resource: label(doc) };
    }
  },
});

const isSet = (value: Value | undefined) => value !== undefined && value !== null && value !== '';

const peeringDefaultRoute: TfRule = tfRule({
  id: 'iac/tf-aws-vpc-peering-default-route',
  title: 'Default route sent through a VPC peering connection',
  description:
    'A route table sends 0.0.0.0/0 (or ::/0) to a VPC peering connection instead of the peer\'s CIDR: every destination without a more specific route goes to the other VPC, so subnets can reach all of the peer network, and traffic meant for the internet is handed to another account or environment (CIS AWS 5.5, least-access peering routes).',
  remediation: 'Route only the peer VPC\'s CIDR (or the specific subnets that must talk) to the peering connection.',
  severity: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'resource "aws_route_table" "app" {\n  vpc_id = aws_vpc.app.id\n  route {\n    # expect\n    cidr_block                = "0.0.0.0/0"\n    vpc_peering_connection_id = aws_vpc_peering_connection.shared.id\n  }\n}\n',
      'resource "aws_route" "to_shared" {\n  route_table_id            = aws_route_table.app.id\n  # expect\n  destination_cidr_block    = "0.0.0.0/0"\n  vpc_peering_connection_id = aws_vpc_peering_connection.shared.id\n}\n',
    ],
    negative: [
      'resource "aws_route_table" "app" {\n  vpc_id = aws_vpc.app.id\n  route {\n    cidr_block                = "10.20.0.0/16"\n    vpc_peering_connection_id = aws_vpc_peering_connection.shared.id\n  }\n  route {\n    cidr_block     = "0.0.0.0/0"\n    nat_gateway_id = aws_nat_gateway.main.id\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const table of resourcesOf(input, 'aws_route_table')) {
      // The elements of a dynamic "route" block share their lines: one finding per line.
      const reported = new Set<number>();
      for (const route of sections(input, table.block, 'route')) {
        if (!isSet(route.get('vpc_peering_connection_id'))) continue;
        for (const key of ['cidr_block', 'ipv6_cidr_block']) {
          const cidr = route.get(key);
          if (typeof cidr !== 'string' || !isWorld(cidr) || reported.has(route.lineOf(key))) continue;
          reported.add(route.lineOf(key));
          yield { line: route.lineOf(key), message: `${label(table)} routes ${cidr} to a VPC peering connection.`, resource: label(table) };
        }
      }
    }
    for (const route of resourcesOf(input, 'aws_route')) {
      if (!isSet(valueOf(input, route.block, 'vpc_peering_connection_id'))) continue;
      for (const key of ['destination_cidr_block', 'destination_ipv6_cidr_block']) {
        const cidr = valueOf(input, route.block, key);
        if (typeof cidr === 'string' && isWorld(cidr)) yield { line: attribute(route.block, key)!.line, message: `${label(route)} routes ${cidr} to a VPC peering connection.`, resource: label(route) };
      }
    }
  },
});

/** Rules about who may reach or run what: API and function URL authorization, image provenance, user MFA, session and route scope. */
export const accessRules: readonly TfRule[] = [apiMethodWithoutAuth, apiRouteWithoutAuth, functionUrlWithoutAuth, amiOwnerUnpinned, cognitoWithoutMfa, ssmSessionNotEncrypted, peeringDefaultRoute];
