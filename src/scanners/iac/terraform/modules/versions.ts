import semver from 'semver';

/**
 * Terraform module version constraints (`version = "~> 3.0"`, `">= 3.2, < 4.0"`,
 * `"3.7.0"`, or `?ref=v3.7.0` in a git source) as a semver range, so that a module
 * default that changed between releases can be resolved for the versions a
 * configuration admits. Terraform's `~>` differs from npm's `~`: `~> 3.0` admits
 * every 3.x, `~> 3.7.1` admits 3.7.x only.
 */
export function constraintRange(constraint: string | undefined): string | undefined {
  if (constraint === undefined) return undefined;
  const parts: string[] = [];
  for (const raw of constraint.split(',')) {
    const clause = raw.trim();
    if (clause === '') continue;
    const match = /^(~>|>=|<=|!=|=|>|<)?\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?$/.exec(clause);
    if (!match) return undefined;
    const [, op = '=', major, minor, patch, pre = ''] = match;
    const full = `${major}.${minor ?? 0}.${patch ?? 0}${pre}`;
    switch (op) {
      case '~>':
        if (patch !== undefined) parts.push(`>=${full} <${major}.${Number(minor) + 1}.0`);
        else if (minor !== undefined) parts.push(`>=${full} <${Number(major) + 1}.0.0`);
        else parts.push(`>=${full}`);
        break;
      case '!=':
        // Excluding one release does not change which defaults can apply.
        break;
      case '=':
        parts.push(minor === undefined ? `>=${full} <${Number(major) + 1}.0.0` : patch === undefined ? `>=${full} <${major}.${Number(minor) + 1}.0` : full);
        break;
      default:
        parts.push(`${op}${full}`);
    }
  }
  const range = parts.join(' ') || '*';
  return semver.validRange(range) ?? undefined;
}

/** `?ref=v3.7.0` (or a bare tag) of a git or GitHub module source, as an exact version constraint. */
export function versionFromRef(source: string): string | undefined {
  const ref = /[?&]ref=v?(\d+\.\d+\.\d+)(?:&|$)/.exec(source)?.[1];
  return ref;
}

/** How a versioned fact relates to the versions a configuration admits. */
export type Applies = 'always' | 'never' | 'maybe';

export function applies(admitted: string | undefined, versions: string): Applies {
  if (versions === '*') return 'always';
  if (admitted === undefined) return 'maybe';
  if (semver.subset(admitted, versions)) return 'always';
  if (!semver.intersects(admitted, versions)) return 'never';
  return 'maybe';
}
