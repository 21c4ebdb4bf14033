import type { Body } from './hcl/ast.js';
import { evaluate } from './hcl/evaluate.js';

/**
 * The provider versions a module admits. A provider's major release may change the default
 * of a setting (azurerm 5.0 made a storage account's allow_nested_items_to_be_public default
 * to false), so a rule that reports a default may need to know which releases the module
 * can be planned with: those its `required_providers` constraints admit.
 */

/**
 * The version constraints that the `terraform { required_providers { ... } }` blocks of a
 * body give a provider, named by its local name or by the type its `source` ends with
 * (`hashicorp/azurerm`): `{ source = "...", version = "~> 4.0" }`, or the plain string of
 * Terraform 0.12 (`azurerm = "~> 2.0"`); and the `version` of its `provider` blocks, as
 * Terraform before 0.13 took it. A constraint that cannot be read is left out.
 */
export function requiredVersions(body: Body, provider: string): string[] {
  const out: string[] = [];
  for (const block of body.blocks.filter((b) => b.type === 'provider' && b.labels[0] === provider)) {
    const version = evaluate(block.body.attributes.findLast((a) => a.name === 'version')?.expr);
    if (typeof version === 'string') out.push(version);
  }
  for (const terraform of body.blocks.filter((b) => b.type === 'terraform')) {
    for (const required of terraform.body.blocks.filter((b) => b.type === 'required_providers')) {
      for (const entry of required.body.attributes) {
        const value = evaluate(entry.expr);
        if (typeof value === 'string') {
          if (entry.name === provider) out.push(value);
          continue;
        }
        if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
        const fields = value as Record<string, unknown>;
        const source = typeof fields.source === 'string' ? fields.source.trim().toLowerCase() : undefined;
        const named = source !== undefined ? source === provider || source.endsWith(`/${provider}`) : entry.name === provider;
        if (named && typeof fields.version === 'string') out.push(fields.version);
      }
    }
  }
  return out;
}

type Version = [number, number, number];

function parseVersion(text: string): { version: Version; parts: number } | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+][\w.+-]*)?$/.exec(text.trim());
  if (!m) return undefined;
  return { version: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)], parts: m[3] !== undefined ? 3 : m[2] !== undefined ? 2 : 1 };
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

interface Range {
  low: Version;
  lowOpen: boolean;
  high?: Version;
  highOpen: boolean;
}

/**
 * The versions every constraint admits (`>=`, `>`, `=`, `~>`, `<`, `<=`; `!=` excludes one
 * version and is ignored), or undefined when no constraint is given, one cannot be read, or
 * none is admitted: Terraform's resolution cannot be told then.
 */
function admitted(constraints: readonly string[]): Range | undefined {
  let low: Version = [0, 0, 0];
  let lowOpen = false;
  let high: Version | undefined;
  let highOpen = true;
  let any = false;
  for (const part of constraints.flatMap((c) => c.split(','))) {
    const m = /^\s*(~>|>=|<=|!=|=|>|<)?\s*(\S+)\s*$/.exec(part);
    if (!m) {
      if (part.trim() === '') continue;
      return undefined;
    }
    const parsed = parseVersion(m[2]!);
    if (!parsed) return undefined;
    any = true;
    const { version, parts } = parsed;
    const raise = (v: Version, open: boolean) => {
      const c = compare(v, low);
      if (c > 0 || (c === 0 && open)) [low, lowOpen] = [v, open];
    };
    const cap = (v: Version, open: boolean) => {
      const c = high ? compare(v, high) : -1;
      if (c < 0 || (c === 0 && open)) [high, highOpen] = [v, open];
    };
    switch (m[1] ?? '=') {
      case '=':
        raise(version, false);
        cap(version, false);
        break;
      case '>=':
        raise(version, false);
        break;
      case '>':
        raise(version, true);
        break;
      case '<':
        cap(version, true);
        break;
      case '<=':
        cap(version, false);
        break;
      case '~>':
        // ~> 4.2 admits 4.2 up to 5.0; ~> 4.2.1 admits 4.2.1 up to 4.3; ~> 4 admits 4.0 up to 5.0.
        raise(version, false);
        cap(parts === 3 ? [version[0], version[1] + 1, 0] : [version[0] + 1, 0, 0], true);
        break;
    }
  }
  if (!any) return undefined;
  if (high) {
    const c = compare(low, high);
    if (c > 0 || (c === 0 && (lowOpen || highOpen))) return undefined;
  }
  return { low, lowOpen, high, highOpen };
}

/** The lowest version that every constraint admits, or undefined when that cannot be told (see `admitted`). */
export function lowestAdmitted(constraints: readonly string[]): Version | undefined {
  return admitted(constraints)?.low;
}

/** Whether every version of the provider that the constraints admit is `major`.0 or later (false when that cannot be told). */
export function requiresAtLeast(constraints: readonly string[], major: number): boolean {
  const low = lowestAdmitted(constraints);
  return low !== undefined && low[0] >= major;
}

/** Whether every version of the provider that the constraints admit is earlier than `major`.0 (false when that cannot be told, or nothing caps the version). */
export function requiresBelow(constraints: readonly string[], major: number): boolean {
  const range = admitted(constraints);
  if (!range?.high) return false;
  const c = compare(range.high, [major, 0, 0]);
  return c < 0 || (c === 0 && range.highOpen);
}
