import path from 'node:path/posix';
import type { ScannerFinding } from '../../../core/finding.js';
import type { ScanWarning } from '../../scanner.js';
import { Analyzer } from '../analysis/analyzer.js';
import { mergeStored, type StoredData } from '../models/stores.js';
import { runPatternRules } from '../patterns/engine.js';
import { LineIndex } from '../source/lines.js';
import { isParseFailure, parseSource, type ParsedFile } from '../source/parse.js';
import { ModuleResolver, readManifest, type PackageManifest } from './resolve.js';
import { configOrder, readTsconfigChain } from './tsconfig.js';

/** Everything one analysis needs, as plain data (it crosses into worker threads). */
export interface ProjectInput {
  sources: Array<{ path: string; text: string }>;
  manifests: Array<{ path: string; text: string }>;
  tsconfigs: Array<{ path: string; text: string }>;
  /** Configs the tsconfigs extend that the walk did not read (under node_modules). */
  extendedConfigs?: Array<{ path: string; text: string }>;
  templates: Array<{ path: string; text: string }>;
  libraryInputs: boolean;
  /**
   * Stored data to read back (store key -> field -> taints), for a part analysed again
   * because it reads stores other parts of the project wrote: its own writes from its first
   * analysis, then the other parts' (see crossPartStores). It is complete, so the analysis
   * runs once. With the sources of the other parts' files its traces pass through, to
   * locate them.
   */
  storedData?: StoredData;
  storedFiles?: Array<{ path: string; text: string }>;
}

export interface ProjectResult {
  findings: ScannerFinding[];
  warnings: ScanWarning[];
  /** Literal secrets on finding lines, for the pipeline to redact. */
  secrets: string[];
  /** The stores the analysis wrote request input to and the stores it read (part analyses only cross these). */
  stores?: { written: StoredData; read: string[] };
}

export function dirOf(file: string): string {
  const dir = path.dirname(file);
  return dir === '.' ? '' : dir;
}

export function readManifests(manifests: ProjectInput['manifests'], warnings?: ScanWarning[]): PackageManifest[] {
  const out: PackageManifest[] = [];
  for (const m of manifests) {
    const manifest = readManifest(dirOf(m.path), m.text);
    if (manifest) out.push(manifest);
    else warnings?.push({ path: m.path, message: 'package.json is not a JSON object; module resolution ignores it' });
  }
  return out;
}

export function buildResolver(
  files: Iterable<string>, manifests: PackageManifest[], tsconfigs: ProjectInput['tsconfigs'], extendedConfigs: ProjectInput['tsconfigs'] = [],
): ModuleResolver {
  const resolver = new ModuleResolver(files);
  for (const manifest of manifests) resolver.addPackage(manifest);
  const texts = new Map([...extendedConfigs, ...tsconfigs].map((c) => [c.path, c.text]));
  const lookup = (p: string) => texts.get(p);
  const packages = packageDirs(manifests);
  for (const config of [...tsconfigs].sort((a, b) => configOrder(a.path, b.path))) {
    const paths = readTsconfigChain(config.path, lookup, packages);
    if (paths) resolver.addTsconfig(paths);
  }
  return resolver;
}

/** Workspace package names and their folders (for tsconfig `extends` by package name). */
export function packageDirs(manifests: readonly PackageManifest[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of manifests) if (m.name && !out.has(m.name)) out.set(m.name, m.dir);
  return out;
}

/** Parse, taint analysis and pattern rules over one project (or one independent part of it). */
export function analyseProject(input: ProjectInput): ProjectResult {
  const warnings: ScanWarning[] = [];
  const parsed = new Map<string, ParsedFile>();
  for (const source of input.sources) {
    const result = parseSource(source.path, source.text);
    if (isParseFailure(result)) warnings.push({ path: result.path, line: result.line, message: `not analysed: ${result.message}` });
    else parsed.set(source.path, result);
  }
  const manifests = readManifests(input.manifests, warnings);
  const resolver = buildResolver(parsed.keys(), manifests, input.tsconfigs, input.extendedConfigs);
  const templates = new Map(input.templates.map((t) => [t.path, t.text]));
  const seed = input.storedData;
  const otherLines = new Map((input.storedFiles ?? []).filter((f) => !parsed.has(f.path)).map((f) => [f.path, new LineIndex(f.text)]));
  const first = new Analyzer(parsed, resolver, { libraryInputs: input.libraryInputs, templates, ...(seed ? { storedData: seed } : {}) });
  first.run();
  let analyzer = first;
  let findings = first.collector.findings(parsed, otherLines);
  // Request input written to a database: run again, reading it back where the project reads that store
  // (reads may come before the writes in analysis order). Findings of both runs count. A seeded
  // analysis already reads back everything the project wrote.
  if (!seed && first.stores.written.size > 0) {
    analyzer = new Analyzer(parsed, resolver, { libraryInputs: input.libraryInputs, templates, storedData: first.stores.written });
    analyzer.run();
    const second = analyzer.collector.findings(parsed, otherLines);
    const key = (f: ScannerFinding) => `${f.ruleId}|${f.location.path}|${f.location.startLine}|${f.location.startColumn}`;
    const seen = new Set(second.map(key));
    findings = [...second, ...findings.filter((f) => !seen.has(key(f)))];
  }
  warnings.push(...analyzer.warnings);

  const secrets: string[] = [];
  for (const file of [...parsed.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const result = runPatternRules(file);
    secrets.push(...result.secrets);
    findings.push(...result.findings);
  }
  const written = analyzer === first ? first.stores.written : mergeStored([first.stores.written, analyzer.stores.written]);
  const read = [...new Set([...first.stores.read, ...analyzer.stores.read])].sort();
  return { findings, warnings, secrets, stores: { written, read } };
}
