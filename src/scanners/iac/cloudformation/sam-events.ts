import { isYMap, type YNode, type YPair } from '../yaml/tree.js';
import { pairAt, resourcesOf } from './model.js';
import { bool, intrinsic, plainValue, text } from './resolve.js';
import { mutualTlsOnlyDomains } from './api-domains.js';
import type { CfnResource, CfnTemplate } from './template.js';

/**
 * The API events of SAM functions (`Events: X: Type: Api | HttpApi`): each becomes a
 * method of a REST API or a route of an HTTP API when SAM transforms the template, with
 * the authorization the event, its API resource and the template's Globals give it.
 */
export interface SamApiEvent {
  fn: CfnResource;
  name: string;
  /** The event's key line. */
  line: number;
  kind: 'Api' | 'HttpApi';
  /** `GET /items`, or `$default` for an HTTP API event without path and method. */
  route: string;
}

export function* samApiEvents(t: CfnTemplate): Generator<SamApiEvent & { properties: YNode | null | undefined }> {
  for (const fn of resourcesOf(t, 'AWS::Serverless::Function')) {
    const events = pairAt(t, fn.properties, 'Events')?.value;
    if (!isYMap(events)) continue;
    for (const event of events.pairs) {
      const kind = text(t, pairAt(t, event.value, 'Type')?.value);
      if (kind !== 'Api' && kind !== 'HttpApi') continue;
      const properties = pairAt(t, event.value, 'Properties')?.value;
      const method = text(t, pairAt(t, properties, 'Method')?.value);
      const path = text(t, pairAt(t, properties, 'Path')?.value);
      const route = method && path ? `${method.toUpperCase()} ${path}` : '$default';
      yield { fn, name: event.key, line: event.keyLine, kind, route, properties };
    }
  }
}

/**
 * What decides who may call an event's route, if anything: authorized, open (with the line
 * that opens it, and whether an API key is required: it identifies callers but does not
 * authenticate them), or unknown.
 */
export type EventAuth = { open: false } | { open: true; line: number; keyed: boolean };

/**
 * Whether anyone can call the route an API event creates. It is authorized by an
 * `Auth.Authorizer` on the event (other than NONE), or a default authorizer (unless the
 * event's Authorizer is NONE) of its API (the `AWS::Serverless::Api`/`HttpApi` it
 * references, else the implicit API) or of the template's Globals. An API key the event
 * requires, or its API requires (unless the event's ApiKeyRequired is false), does not
 * authorize it: the route is open and `keyed`. An API defined by an
 * OpenAPI document, a private REST API, one whose resource policy admits only some
 * networks or accounts, an API of another stack and CORS preflight routes are not judged
 * (undefined). An API reached only through custom domain names with mutual TLS
 * (api-domains.ts) is not open: its callers need a client certificate.
 */
export function eventAuth(t: CfnTemplate, event: SamApiEvent & { properties: YNode | null | undefined }): EventAuth | undefined {
  if (/^OPTIONS /i.test(event.route)) return undefined;
  const own = pairAt(t, event.properties, 'Auth', 'Authorizer');
  if (own) {
    const name = text(t, own.value);
    if (name === undefined) return undefined;
    if (name.toUpperCase() !== 'NONE') return { open: false };
  }
  // A REST event's own `Auth.ResourcePolicy` (SAM adds its statements to the API's policy, for this path) limits its callers as the API's does.
  if (event.kind === 'Api' && restrictsCallers(t, pairAt(t, event.properties, 'Auth', 'ResourcePolicy')?.value)) return undefined;
  // `Authorizer: NONE` takes the method out of the API's default authorizer, not out of a private
  // API, a resource policy or a required API key.
  const line = own ? own.keyLine : event.line;
  const ownKey = bool(t, pairAt(t, event.properties, 'Auth', 'ApiKeyRequired')?.value);
  let keyed = ownKey === true;
  const api = apiOf(t, event);
  if (api === undefined) return undefined;
  if (api !== 'implicit' && mutualTlsOnlyDomains(t, api)) return { open: false };
  const sources = [...(api === 'implicit' ? [] : [api.properties]), pairAt(t, t.globals, event.kind)?.value];
  for (const props of sources) {
    if (!props) continue;
    if (pairAt(t, props, 'DefinitionBody') || pairAt(t, props, 'DefinitionUri')) return undefined;
    if (isPrivate(t, pairAt(t, props, 'EndpointConfiguration'))) return undefined;
    if (restrictsCallers(t, pairAt(t, props, 'Auth', 'ResourcePolicy')?.value)) return undefined;
    const defaultAuthorizer = own ? undefined : text(t, pairAt(t, props, 'Auth', 'DefaultAuthorizer')?.value);
    if (defaultAuthorizer !== undefined && defaultAuthorizer.toUpperCase() !== 'NONE') return { open: false };
    // An event's `ApiKeyRequired: false` takes its method out of the API's required key.
    if (ownKey !== false && bool(t, pairAt(t, props, 'Auth', 'ApiKeyRequired')?.value) === true) keyed = true;
  }
  return { open: true, line, keyed };
}

/** The API resource of the template an event attaches to, 'implicit' for SAM's implicit API, undefined when it cannot be told. */
function apiOf(t: CfnTemplate, event: SamApiEvent & { properties: YNode | null | undefined }): CfnResource | 'implicit' | undefined {
  const reference = pairAt(t, event.properties, event.kind === 'Api' ? 'RestApiId' : 'ApiId');
  if (!reference) return 'implicit';
  const ref = intrinsic(reference.value);
  const id = ref?.name === 'Ref' ? text(t, ref.arg) : undefined;
  const type = event.kind === 'Api' ? 'AWS::Serverless::Api' : 'AWS::Serverless::HttpApi';
  return t.resources.find((r) => r.id === id && r.type === type);
}

/** SAM resource policy settings that limit who can reach the API: networks, VPCs, endpoints, accounts. */
const CALLER_LISTS = ['IpRangeWhitelist', 'SourceVpcWhitelist', 'IntrinsicVpcWhitelist', 'IntrinsicVpceWhitelist', 'AwsAccountWhitelist'];
/** Condition keys of a custom statement that limit the callers the same way. */
const CALLER_CONDITION = /aws:(?:SourceIp|SourceVpce?|PrincipalOrgID|PrincipalAccount|SourceAccount)\b/i;

/** Whether an API's `Auth.ResourcePolicy` limits who can call it, so that no authorizer is needed to keep the public out. */
function restrictsCallers(t: CfnTemplate, policy: YNode | null | undefined): boolean {
  if (!policy) return false;
  if (CALLER_LISTS.some((key) => pairAt(t, policy, key) !== undefined)) return true;
  const custom = pairAt(t, policy, 'CustomStatements')?.value;
  return custom !== undefined && CALLER_CONDITION.test(JSON.stringify(plainValue(t, custom)) ?? '');
}

function isPrivate(t: CfnTemplate, endpoint: YPair | undefined): boolean {
  if (!endpoint) return false;
  const type = text(t, endpoint.value) ?? text(t, pairAt(t, endpoint.value, 'Type')?.value);
  return type?.toUpperCase() === 'PRIVATE';
}
