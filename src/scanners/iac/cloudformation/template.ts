import { LineCounter, isAlias, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { convertNode, duplicateKeyMessage, duplicatesInOrder, indentFlowContinuations, isUnderIndentedFlow, isYMap, isYScalar, isYSeq, pair, parseErrorText, UNDER_INDENTED_FLOW, withoutStacks, type YamlDuplicate, type YMap, type YNode, type YPair } from '../yaml/tree.js';
import { yamlTooDeep } from '../../../core/yaml-depth.js';
import { aliasTarget } from '../yaml/anchors.js';
import { indentQuotedContinuations, isUnclosedQuote, UNDER_INDENTED_QUOTE } from './quoted-continuations.js';
import type { PassedParameters } from './nested-stacks.js';
import { condition, UNKNOWN } from './resolve.js';

/**
 * An AWS CloudFormation (or SAM) template, YAML or JSON, read into the plain tree of
 * yaml/tree.ts with the line of every key. The short-form tags (`!Ref X`, `!Sub ...`,
 * `!GetAtt a.b`) become the long form (`{ Ref: X }`, `{ "Fn::Sub": ... }`) on the tag's
 * line, so rules see one shape whatever the template's style. JSON is read by the YAML
 * parser too (JSON is YAML 1.2), which gives its lines.
 */
export interface CfnResource {
  /** The logical id. */
  id: string;
  type: string;
  /** Line of the logical id key: where a missing property is reported. */
  line: number;
  node: YMap;
  /** The `Properties` mapping, or undefined. */
  properties: YMap | undefined;
}

export interface CfnParameter {
  name: string;
  line: number;
  node: YMap;
  /** The value the stack gets unless its deployer gives another: the Default, or what the parent templates of a nested stack pass (undefined when that is not known). */
  default: YNode | undefined;
  /** The templates of the scan that deploy this one as a nested stack and pass this parameter (nested-stacks.ts). */
  passedBy?: string[];
}

export interface CfnTemplate {
  resources: CfnResource[];
  parameters: Map<string, CfnParameter>;
  conditions: Map<string, YNode>;
  /** Named values of `Mappings` for Fn::FindInMap. */
  mappings: YNode | undefined;
  /** The `Outputs` section: what other stacks may import. */
  outputs: YNode | undefined;
  /** SAM's `Globals` section: properties every function, API or HTTP API of the template inherits. */
  globals: YNode | undefined;
  /** The template's own `Metadata` section (cdk_nag stack suppressions live there). */
  metadata: YNode | undefined;
}

const MAX_CHARS = 4 * 1024 * 1024;
const MAX_NODES = 250_000;
const MAX_DEPTH = 200;

/** Short-form tags and their long-form keys. */
const TAGS: Record<string, string> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!Sub': 'Fn::Sub',
  '!GetAtt': 'Fn::GetAtt',
  '!Join': 'Fn::Join',
  '!If': 'Fn::If',
  '!Equals': 'Fn::Equals',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!FindInMap': 'Fn::FindInMap',
  '!ImportValue': 'Fn::ImportValue',
  '!Base64': 'Fn::Base64',
  '!Cidr': 'Fn::Cidr',
  '!GetAZs': 'Fn::GetAZs',
  '!Not': 'Fn::Not',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!Transform': 'Fn::Transform',
  '!ToJsonString': 'Fn::ToJsonString',
  '!Length': 'Fn::Length',
};

class BudgetExceeded extends Error {}

function scalarAt(node: YNode, key: string): unknown {
  const value = pair(node, key)?.value;
  return isYScalar(value) ? value.value : undefined;
}

/**
 * What PyYAML (and so CloudFormation) accepts and YAML 1.2 refuses: the error each case
 * raises, how the text is rewritten to read as PyYAML reads it (no line moves), and the
 * warning. Applied in order, each rewrite on top of the ones before.
 */
const PYYAML_READINGS = [
  { raised: isUnderIndentedFlow, rewrite: indentFlowContinuations, warning: UNDER_INDENTED_FLOW },
  { raised: isUnclosedQuote, rewrite: indentQuotedContinuations, warning: UNDER_INDENTED_QUOTE },
];

export function parseTemplate(text: string, warn: (line: number, message: string) => void, passed?: PassedParameters): CfnTemplate | undefined {
  if (text.length > MAX_CHARS) {
    warn(1, `CloudFormation template is larger than ${MAX_CHARS / 1024} KiB; not parsed`);
    return undefined;
  }
  const tooDeep = yamlTooDeep(text);
  if (tooDeep) {
    warn(tooDeep.line, tooDeep.message);
    return undefined;
  }
  let lineCounter = new LineCounter();
  let doc: Document;
  const parse = (source: string, counter: LineCounter) => withoutStacks(() => parseDocument(source, { lineCounter: counter, prettyErrors: false, uniqueKeys: false, merge: true }) as unknown as Document);
  try {
    doc = parse(text, lineCounter);
    // CloudFormation parses YAML as PyYAML does: what only YAML 1.2 refuses is read again, with a warning.
    let source = text;
    for (const reading of PYYAML_READINGS) {
      const refused = doc.errors.find(reading.raised);
      if (!refused) continue;
      source = reading.rewrite(source);
      const retryCounter = new LineCounter();
      const retry = parse(source, retryCounter);
      if (retry.errors.length === 0) {
        warn(lineCounter.linePos(refused.pos[0]).line, reading.warning);
        doc = retry;
        lineCounter = retryCounter;
      }
    }
  } catch (error) {
    warn(1, `YAML parser failed: ${(error as Error).message}`);
    return undefined;
  }
  const counter = lineCounter;
  const position = (offset: number) => counter.linePos(offset);
  const error = doc.errors[0];
  if (error?.code === 'MULTIPLE_DOCS') {
    warn(position(error.pos[0]).line, 'holds more than one YAML document; CloudFormation reads a template as one document, so this file is not analysed');
    return undefined;
  }
  if (error) {
    warn(position(error.pos[0]).line, parseErrorText(error.message, text.trimStart().startsWith('{') ? 'JSON' : 'YAML'));
    return undefined;
  }
  let root: YNode | null;
  const budget: Budget = { nodes: 0, duplicates: new Map() };
  try {
    root = doc.contents ? convert(doc.contents as YamlNode, doc, position, budget, 0) : null;
  } catch (failure) {
    if (!(failure instanceof BudgetExceeded)) throw failure;
    warn(1, `template expands to more than ${MAX_NODES} nodes (alias bomb or huge document); not analysed`);
    return undefined;
  }
  for (const duplicate of duplicatesInOrder(budget.duplicates)) warn(duplicate.line, duplicateKeyMessage(duplicate, 'cloudformation'));
  if (!isYMap(root)) return undefined;
  const template: CfnTemplate = { resources: [], parameters: new Map(), conditions: new Map(), mappings: pair(root, 'Mappings')?.value ?? undefined, outputs: pair(root, 'Outputs')?.value ?? undefined, globals: pair(root, 'Globals')?.value ?? undefined, metadata: pair(root, 'Metadata')?.value ?? undefined };
  for (const p of entries(pair(root, 'Parameters')?.value)) {
    if (!isYMap(p.value)) continue;
    const given = passed?.(p.key);
    const written = pair(p.value, 'Default')?.value ?? undefined;
    // A nested stack's parameter is what its parents pass: a known value stands where the parameter is declared.
    const value: YNode | undefined = !given ? written : given.value === UNKNOWN ? undefined : { kind: 'scalar', value: given.value, quoted: false, line: p.keyLine, column: p.keyColumn };
    template.parameters.set(p.key, { name: p.key, line: p.keyLine, node: p.value, default: value, ...(given ? { passedBy: given.parents } : {}) });
  }
  for (const p of entries(pair(root, 'Conditions')?.value)) if (p.value) template.conditions.set(p.key, p.value);
  for (const p of resourceEntries(entries(pair(root, 'Resources')?.value), template, 0)) {
    if (!isYMap(p.value)) continue;
    const type = scalarAt(p.value, 'Type');
    if (typeof type !== 'string') continue;
    const properties = pair(p.value, 'Properties')?.value;
    template.resources.push({ id: p.key, type, line: p.keyLine, node: p.value, properties: isYMap(properties) ? properties : undefined });
  }
  // A resource whose Condition is false with the parameter defaults is not created: rules do not
  // see it. A condition that cannot be known (a pseudo parameter, a parameter without a default) keeps it.
  template.resources = template.resources.filter((r) => {
    const when = pair(r.node, 'Condition')?.value;
    return !when || condition(template, when) !== false;
  });
  return template;
}

function entries(node: YNode | null | undefined): YPair[] {
  return isYMap(node) ? node.pairs : [];
}

const MAX_FOREACH_DEPTH = 5;

/**
 * The entries of `Resources`, with the resources of the AWS::LanguageExtensions loops
 * (`Fn::ForEach::Name: [Identifier, [items...], { "Key${Identifier}": resource }]`) as
 * written: one resource per entry of the loop's output, whose logical id is the key as
 * written (`Table${Name}`). A value that names the loop's identifier (`!Ref Name`,
 * `${Name}` in a Sub) is the item, which is not substituted: rules read it as unknown. A
 * loop over a literal empty list makes nothing.
 */
function resourceEntries(pairs: readonly YPair[], t: CfnTemplate, depth: number): YPair[] {
  const out: YPair[] = [];
  for (const p of pairs) {
    if (!p.key.startsWith('Fn::ForEach::')) {
      out.push(p);
      continue;
    }
    if (depth >= MAX_FOREACH_DEPTH || !isYSeq(p.value) || p.value.items.length !== 3) continue;
    const [identifier, collection, output] = p.value.items;
    if (!isYScalar(identifier) || typeof identifier.value !== 'string' || t.parameters.has(identifier.value)) continue;
    if (isYSeq(collection) && collection.items.length === 0) continue;
    out.push(...resourceEntries(entries(output), t, depth + 1));
  }
  return out;
}

interface Budget {
  nodes: number;
  /** Keys written twice (yaml/tree.ts lastPairs). */
  duplicates: Map<string, YamlDuplicate>;
}

function convert(node: YamlNode, doc: Document, position: (offset: number) => { line: number; col: number }, budget: Budget, depth: number): YNode {
  if (++budget.nodes > MAX_NODES || depth > MAX_DEPTH) throw new BudgetExceeded();
  const at = node.range ? position(node.range[0]) : { line: 1, col: 1 };
  if (isAlias(node)) {
    const target = aliasTarget(doc, node);
    return target ? convert(target, doc, position, budget, depth + 1) : { kind: 'scalar', value: null, quoted: false, line: at.line, column: at.col };
  }
  const plainNode = convertNode(node, at, { position, duplicates: budget.duplicates, child: (child) => convert(child, doc, position, budget, depth + 1) });
  const intrinsic = node.tag ? TAGS[node.tag] : undefined;
  if (!intrinsic) return plainNode;
  // `!GetAtt a.b` is the long form's ["a", "b"].
  let value = plainNode;
  if (intrinsic === 'Fn::GetAtt' && isYScalar(plainNode) && typeof plainNode.value === 'string') {
    const dot = plainNode.value.indexOf('.');
    const parts = dot < 0 ? [plainNode.value] : [plainNode.value.slice(0, dot), plainNode.value.slice(dot + 1)];
    value = { kind: 'seq', items: parts.map((part) => ({ kind: 'scalar', value: part, quoted: false, line: at.line, column: at.col })), line: at.line, column: at.col };
  }
  return { kind: 'map', pairs: [{ key: intrinsic, keyLine: at.line, keyColumn: at.col, value }], line: at.line, column: at.col };
}
