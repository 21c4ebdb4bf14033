import { isYScalar, isYSeq, type YNode } from '../yaml/tree.js';
import { label, pairAt, prop, resourcesOf } from './model.js';
import { bool, intrinsic, text, UNKNOWN, value } from './resolve.js';
import type { CfnResource, CfnTemplate } from './template.js';

const API_TYPES = ['AWS::ApiGateway::RestApi', 'AWS::ApiGatewayV2::Api', 'AWS::Serverless::Api', 'AWS::Serverless::HttpApi'];
const DOMAIN_TYPES = ['AWS::ApiGateway::DomainName', 'AWS::ApiGatewayV2::DomainName'];

/** The logical id a `Ref X` or `Fn::GetAtt [X, ...]` (or `X.Attr`) names, if the node is one. */
function referencedId(t: CfnTemplate, node: YNode | null | undefined): string | undefined {
  const call = intrinsic(node);
  if (call?.name === 'Ref') return text(t, call.arg);
  if (call?.name !== 'Fn::GetAtt') return undefined;
  if (isYScalar(call.arg)) return String(call.arg.value).split('.')[0];
  return isYSeq(call.arg) ? text(t, call.arg.items[0]) : undefined;
}

/** The API resource of the template that a method's RestApiId or a route's ApiId names, if any. */
export function apiOfReference(t: CfnTemplate, node: YNode | null | undefined): CfnResource | undefined {
  const id = referencedId(t, node);
  return id === undefined ? undefined : t.resources.find((r) => r.id === id && API_TYPES.includes(r.type));
}

/**
 * Whether a MutualTlsAuthentication block names a truststore: clients must then present a
 * certificate it trusts. A URI from a parameter or a Sub that cannot be read is a
 * truststore still (API Gateway refuses the domain without one); only a known empty one is not.
 */
function requiresClientCertificate(t: CfnTemplate, mtls: YNode | null | undefined): boolean {
  const setting = pairAt(t, mtls, 'TruststoreUri');
  if (!setting || setting.value === null) return false;
  const uri = value(t, setting.value);
  if (uri === UNKNOWN) return true;
  return typeof uri === 'string' && uri.trim() !== '';
}

/**
 * The custom domain name resource of the template a mapping's DomainName names: by Ref, by
 * the name written out, or by the parameter that both take the name from.
 */
function domainOf(t: CfnTemplate, node: YNode | null | undefined): CfnResource | undefined {
  const id = referencedId(t, node);
  if (id !== undefined && !t.parameters.has(id)) return t.resources.find((r) => r.id === id && DOMAIN_TYPES.includes(r.type));
  const name = text(t, node);
  return resourcesOf(t, ...DOMAIN_TYPES).find((d) => {
    const own = prop(t, d, 'DomainName')?.value;
    if (id !== undefined && intrinsic(own)?.name === 'Ref' && referencedId(t, own) === id) return true;
    return name !== undefined && text(t, own)?.toLowerCase() === name.toLowerCase();
  });
}

/**
 * The custom domain names with mutual TLS that are the only way to an API of the
 * template, or undefined when anyone may reach it without a client certificate (or that
 * cannot be told). The API must switch off its default execute-api endpoint
 * (DisableExecuteApiEndpoint: true, in its Globals for a SAM API), and every way to it the
 * template shows must be a custom domain name whose MutualTlsAuthentication names a
 * truststore: the API mappings (AWS::ApiGatewayV2::ApiMapping,
 * AWS::ApiGateway::BasePathMapping) that map it, and a SAM API's own `Domain`. A mapping to
 * a domain name the template does not define, or to one without mutual TLS, leaves it open;
 * so does a disabled endpoint with no mapping in the template (the domain is then
 * elsewhere, and unknown).
 */
export function mutualTlsOnlyDomains(t: CfnTemplate, api: CfnResource): string[] | undefined {
  const kind = api.type === 'AWS::Serverless::Api' ? 'Api' : api.type === 'AWS::Serverless::HttpApi' ? 'HttpApi' : undefined;
  const setting = (key: string) => prop(t, api, key) ?? (kind ? pairAt(t, t.globals, kind, key) : undefined);
  if (bool(t, setting('DisableExecuteApiEndpoint')?.value) !== true) return undefined;
  const ways: Array<string | undefined> = [];
  const samDomain = kind ? setting('Domain') : undefined;
  if (samDomain) {
    const name = text(t, pairAt(t, samDomain.value, 'DomainName')?.value) ?? `the Domain of ${label(api)}`;
    ways.push(requiresClientCertificate(t, pairAt(t, samDomain.value, 'MutualTlsAuthentication')?.value) ? name : undefined);
  }
  for (const mapping of resourcesOf(t, 'AWS::ApiGatewayV2::ApiMapping', 'AWS::ApiGateway::BasePathMapping')) {
    const target = prop(t, mapping, mapping.type === 'AWS::ApiGatewayV2::ApiMapping' ? 'ApiId' : 'RestApiId');
    if (referencedId(t, target?.value) !== api.id) continue;
    const domain = domainOf(t, prop(t, mapping, 'DomainName')?.value);
    ways.push(domain && requiresClientCertificate(t, prop(t, domain, 'MutualTlsAuthentication')?.value) ? label(domain) : undefined);
  }
  if (ways.length === 0 || ways.some((way) => way === undefined)) return undefined;
  return [...new Set(ways as string[])];
}
