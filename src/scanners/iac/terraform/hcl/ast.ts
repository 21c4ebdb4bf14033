/**
 * The HCL2 native syntax as Terraform uses it: bodies of attributes and blocks, and
 * expressions. Every node knows its first and last line. Templates keep their
 * interpolations as text (`"${var.name}-logs"`), nothing is evaluated here.
 */
import type { Value } from './value.js';

export interface Pos {
  line: number;
  column: number;
  endLine: number;
  /** Source offsets (start inclusive, end exclusive). */
  start: number;
  end: number;
}

export interface Body {
  attributes: Attribute[];
  blocks: Block[];
}

export interface Attribute extends Pos {
  name: string;
  expr: Expr;
}

export interface Block extends Pos {
  type: string;
  labels: string[];
  body: Body;
}

export type Expr =
  | LiteralExpr
  | TemplateExpr
  | TupleExpr
  | ObjectExpr
  | TraversalExpr
  | CallExpr
  | UnaryExpr
  | BinaryExpr
  | ConditionalExpr
  | ForExpr
  | SplatExpr
  | ParenExpr
  | ValueExpr;

export interface LiteralExpr extends Pos {
  kind: 'literal';
  value: string | number | boolean | null;
}

export type TemplatePart = { kind: 'text'; value: string } | { kind: 'interpolation'; source: string; expr?: Expr } | { kind: 'directive'; source: string };

/** A string or heredoc with `${...}` or `%{...}`; `text` is the template as written, interpolations included. */
export interface TemplateExpr extends Pos {
  kind: 'template';
  parts: TemplatePart[];
  text: string;
  heredoc: boolean;
}

export interface TupleExpr extends Pos {
  kind: 'tuple';
  items: Expr[];
}

export interface ObjectItem extends Pos {
  /** The key as text when it is an identifier or a literal string. */
  keyName?: string;
  key: Expr;
  value: Expr;
}

export interface ObjectExpr extends Pos {
  kind: 'object';
  items: ObjectItem[];
}

/** `var.name`, `aws_s3_bucket.logs.id`, `local.tags["env"]`, `data.x.y.json`. */
export interface TraversalExpr extends Pos {
  kind: 'traversal';
  /** Root and attribute/index steps: ['aws_s3_bucket', 'logs', 'id']; indexes as '[0]' or '["k"]'. */
  path: string[];
  /** Set when the root is an expression rather than a name: `(expr).attr`, `func()[0]`. */
  source?: Expr;
  /** The index expressions of the steps written '[?]' (computed: `var.rules[count.index]`), in order. */
  indexes?: Expr[];
}

export interface CallExpr extends Pos {
  kind: 'call';
  name: string;
  args: Expr[];
  expandFinal: boolean;
}

export interface UnaryExpr extends Pos {
  kind: 'unary';
  op: '!' | '-';
  operand: Expr;
}

export interface BinaryExpr extends Pos {
  kind: 'binary';
  op: string;
  left: Expr;
  right: Expr;
}

export interface ConditionalExpr extends Pos {
  kind: 'conditional';
  condition: Expr;
  then: Expr;
  else: Expr;
}

export interface ForExpr extends Pos {
  kind: 'for';
  object: boolean;
  keyVar?: string;
  valueVar: string;
  collection: Expr;
  keyExpr?: Expr;
  valueExpr: Expr;
  condition?: Expr;
  grouping: boolean;
}

export interface SplatExpr extends Pos {
  kind: 'splat';
  source: Expr;
  /** Steps after the splat: ['id'] for `aws_instance.web[*].id`. */
  path: string[];
}

/**
 * A value already known, standing where a reference to it was written: `each.value` of
 * one instance of a resource with for_each (resource-instances.ts). Never parsed.
 */
export interface ValueExpr extends Pos {
  kind: 'value';
  value: Value;
}

export interface ParenExpr extends Pos {
  kind: 'paren';
  expr: Expr;
}

/** The sub-expressions of an expression in source order: a traversal's source expression, a template's interpolations, items, operands... */
export function childExpressions(e: Expr): Expr[] {
  switch (e.kind) {
    case 'traversal':
      return [...(e.source ? [e.source] : []), ...(e.indexes ?? [])];
    case 'template':
      return e.parts.flatMap((part) => (part.kind === 'interpolation' && part.expr ? [part.expr] : []));
    case 'tuple':
      return [...e.items];
    case 'object':
      return e.items.flatMap((item) => [item.key, item.value]);
    case 'call':
      return [...e.args];
    case 'unary':
      return [e.operand];
    case 'binary':
      return [e.left, e.right];
    case 'conditional':
      return [e.condition, e.then, e.else];
    case 'for':
      return [e.collection, ...(e.keyExpr ? [e.keyExpr] : []), e.valueExpr, ...(e.condition ? [e.condition] : [])];
    case 'splat':
      return [e.source];
    case 'paren':
      return [e.expr];
    default:
      return [];
  }
}
