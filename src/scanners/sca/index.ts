import { oneSeverityLower, type ScannerFinding } from '../../core/finding.js';
import type { Scanner, ScanContext } from '../scanner.js';
import { advisoryVersion, createRootReader, findParser, isAdvisoryCandidate, parseLockfile, uniquePackages } from './lockfiles/index.js';
import type { Package } from './model.js';
import { importedPackages, isProjectSource } from './imports.js';
import {
  AdvisorySourceError,
  advisorySeverity,
  groupAliases,
  groupByAliases,
  packageKey,
  queryAdvisories,
  selectAdvisorySources,
  summarizeFixes,
  type OsvRecord,
} from './osv/index.js';
import { invalidVersionNote } from './versions/index.js';
import { MINIMUM_GO_VERSION_FLAG } from './lockfiles/go-mod.js';

/** The OWASP "vulnerable and outdated components" weakness: every SCA finding carries it. */
const VULNERABLE_COMPONENT_CWE = 'CWE-1104';

/**
 * Dependency vulnerabilities: lockfiles x OSV advisories. One finding per package
 * version and vulnerability (aliases merged), at the lockfile line, with the smallest
 * upgrade that fixes every advisory on that package.
 */
export const scaScanner: Scanner = {
  id: 'sca',
  description: 'known vulnerabilities in dependencies (lockfiles matched against OSV advisories)',
  wants: (path) => findParser(path) !== undefined || isProjectSource(path),
  // A lockfile describes what is installed: a .gitignore that leaves it out of git does not leave it out of the build.
  readsIgnored: (path) => findParser(path) !== undefined,
  rules: () => [],
  scan,
};

async function* scan(ctx: ScanContext): AsyncGenerator<ScannerFinding> {
  const lockfiles = ctx.files.filter((f) => findParser(f.path));
  if (lockfiles.length === 0) {
    ctx.progress.tick(ctx.files.length);
    return;
  }
  const read = createRootReader(ctx.root);
  const rootName = ctx.root.split('/').pop() ?? '.';
  const parsed: Package[] = [];
  let hasNpm = false;
  for (const file of lockfiles) {
    const text = await file.text();
    ctx.progress.tick();
    if (text === null) continue;
    const result = parseLockfile(file.path, text, { read, rootName });
    if (!result) continue;
    for (const warning of result.warnings) ctx.warn({ path: file.path, ...(warning.line ? { line: warning.line } : {}), message: warning.message });
    parsed.push(...result.packages);
    hasNpm ||= result.packages.some((p) => p.ecosystem === 'npm');
  }
  let packages = uniquePackages(parsed).filter(isAdvisoryCandidate);
  if (ctx.options.prodOnly) packages = packages.filter((p) => !p.dev);
  // What is compared with advisories: the version, or for a moving tag of an action the newest release its line can have.
  const queries = packages.map((pkg) => ({ ...pkg, version: advisoryVersion(pkg) }));
  for (const query of queries) {
    const note = invalidVersionNote(query.ecosystem, query.version);
    if (note) ctx.warn({ path: query.location.path, line: query.location.startLine, message: note });
  }

  const sources = selectAdvisorySources({
    offline: ctx.options.offline,
    ...(ctx.options.db ? { db: ctx.options.db } : {}),
    warn: (message) => ctx.warn({ message }),
  });
  let results: Map<string, OsvRecord[]>;
  try {
    results = (await queryAdvisories(sources, queries, { signal: ctx.signal, warn: (message) => ctx.warn({ message }) })).results;
  } catch (error) {
    if (!(error instanceof AdvisorySourceError)) throw error;
    ctx.warn({ message: `${error.message} (dependency vulnerabilities were not checked; see secloop db update, --db, --offline)` });
    ctx.progress.tick(ctx.files.length - lockfiles.length);
    return;
  }

  const sourceFiles = ctx.files.filter((f) => !findParser(f.path));
  const imported = hasNpm ? await importedPackages(sourceFiles, () => ctx.progress.tick()) : null;
  if (!imported) ctx.progress.tick(sourceFiles.length);
  for (const path of imported?.unparsed ?? []) ctx.warn({ path, message: 'could not parse for imports; dependency reachability may be understated' });

  for (const [i, pkg] of packages.entries()) {
    const query = queries[i]!;
    const advisories = results.get(packageKey(query)) ?? [];
    if (advisories.length === 0) continue;
    const fixes = summarizeFixes(advisories, pkg.ecosystem, pkg.name, query.version);
    const directName = pkg.direct ? pkg.name : directAncestor(pkg);
    const isImported = imported && pkg.ecosystem === 'npm' && directName ? imported.names.has(directName) : undefined;
    for (const group of groupByAliases(advisories)) {
      yield finding(pkg, group, fixes, isImported);
    }
  }
}

/** The direct dependency through which a transitive package arrives: the second entry of its path. */
function directAncestor(pkg: Package): string | undefined {
  const entry = pkg.dependencyPath?.[1];
  if (!entry) return undefined;
  const at = entry.lastIndexOf('@');
  return at > 0 ? entry.slice(0, at) : entry;
}

function finding(
  pkg: Package,
  group: OsvRecord[],
  fixes: ReturnType<typeof summarizeFixes>,
  imported: boolean | undefined,
): ScannerFinding {
  const primary = group[0]!;
  const ids = groupAliases(group);
  const rated = group.map((record) => advisorySeverity(record, pkg)).sort((a, b) => (b.score ?? 0) - (a.score ?? 0))[0]!;
  // The Go a module is built with is often newer than go.mod's minimum (the go line without a toolchain line).
  const minimumGo = pkg.flags?.includes(MINIMUM_GO_VERSION_FLAG) === true;
  const uncertain = imported === false || minimumGo;
  const severity = uncertain ? oneSeverityLower(rated.severity) : rated.severity;
  const fixed = [...new Set(group.flatMap((record) => fixes.fixedVersions.get(record.id) ?? []))];
  const summary = primary.summary?.trim() || primary.details?.split('\n')[0]?.trim() || primary.id;
  const cwes = advisoryCwes(group);
  const path = pkg.dependencyPath?.join(' > ');
  const upgrade = fixes.minimalUpgrade;
  // A moving tag of an action is shown as written (`@v45`).
  const shown = `${pkg.name}@${pkg.flags?.includes('moving-tag') ? `v${pkg.version}` : pkg.version}`;
  const message =
    `${shown} is affected by ${primary.id}: ${summary}.` +
    (upgrade ? ` Upgrade to ${upgrade}.` : fixed.length ? ` Fixed in ${fixed.join(', ')}.` : ' No fixed version is published.') +
    (imported === false ? ' The project never imports it (severity lowered one step).' : '') +
    (minimumGo
      ? " The version is go.mod's minimum Go version (its go line), not necessarily the toolchain that builds it (severity lowered one step)."
      : '') +
    (pkg.flags?.includes('moving-tag') ? ` The tag v${pkg.version} moves to the newest ${pkg.version}.x release, and none of them is fixed.` : '');
  return {
    ruleId: `sca/${primary.id}`,
    scanner: 'sca',
    severity,
    confidence: uncertain ? 'low' : 'high',
    title: `Vulnerable dependency: ${shown}`,
    message,
    cwe: [...cwes, VULNERABLE_COMPONENT_CWE].filter((c, i, all) => all.indexOf(c) === i),
    location: { path: pkg.location.path, startLine: Math.max(1, pkg.location.startLine) },
    ...(pkg.dependencyPath && pkg.dependencyPath.length > 1
      ? { trace: pkg.dependencyPath.map((step) => ({ path: pkg.location.path, startLine: Math.max(1, pkg.location.startLine), message: step })) }
      : {}),
    ...(upgrade || fixed.length
      ? { fix: { summary: upgrade ? `upgrade ${pkg.name} to ${upgrade}` : `upgrade ${pkg.name} to one of ${fixed.join(', ')}`, versions: upgrade ? [upgrade] : fixed } }
      : {}),
    fingerprintKey: `${pkg.ecosystem}:${pkg.name}@${pkg.version}:${primary.id}`,
    properties: {
      package: pkg.name,
      version: pkg.version,
      ecosystem: pkg.ecosystem,
      purl: pkg.purl,
      advisory: primary.id,
      aliases: ids.filter((id) => id !== primary.id),
      fixedVersions: fixed,
      ...(upgrade ? { minimalUpgrade: upgrade } : {}),
      dependencyPath: path ?? pkg.name,
      direct: pkg.direct,
      dev: pkg.dev,
      ...(imported !== undefined ? { imported } : {}),
      ...(minimumGo ? { versionSource: 'go.mod go line (minimum Go version)' } : {}),
      severitySource: rated.source,
      ...(rated.score !== undefined ? { cvssScore: rated.score } : {}),
      ...(rated.vector ? { cvssVector: rated.vector } : {}),
    },
  };
}

function advisoryCwes(group: readonly OsvRecord[]): string[] {
  const cwes = new Set<string>();
  for (const record of group) {
    const ids = (record.database_specific as { cwe_ids?: unknown } | undefined)?.cwe_ids;
    if (Array.isArray(ids)) for (const id of ids) if (typeof id === 'string' && /^CWE-\d+$/.test(id)) cwes.add(id);
  }
  return [...cwes].sort();
}
