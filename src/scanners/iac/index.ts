import type { ScannerFinding } from '../../core/finding.js';
import { normaliseLine } from '../../core/fingerprint.js';
import type { RuleDoc } from '../../core/rule.js';
import type { Scanner, ScanWarning } from '../scanner.js';
import type { WorkspaceFile } from '../../workspace/files.js';
import { classify, wantsPath } from './detect.js';
import { includedPaths, localIncludes } from './gitlab/includes.js';
import { PLATFORM_RULES } from './platforms.js';
import type { Hit, IacRule, ParseContext, Platform } from './rule.js';
import { directoryOf, isVariableValuesFile, ModuleDirectories, moduleDirectoryFiles, terraformRole, type TfDirectoryScope } from './terraform/directory.js';

export interface FileAnalysis {
  platform: string | undefined;
  findings: ScannerFinding[];
  secrets: string[];
}

/**
 * Runs the rules of the file's platform on one file's text. Exposed for the benchmark
 * and tests; the scanner below calls it for every wanted file, with what the file's
 * parse needs from other files (the module directory of a Terraform file) as `context`.
 */
export function analyseFile(
  path: string,
  text: string,
  warn: (warning: Omit<ScanWarning, 'scanner'>) => void,
  platformHint?: Platform,
  context?: ParseContext,
): FileAnalysis {
  const platformId = platformHint ?? classify(path, text);
  const platform = PLATFORM_RULES.find((p) => p.platform === platformId);
  if (!platform) return { platform: platformId, findings: [], secrets: [] };
  let input: unknown;
  try {
    input = platform.parse(text, (line, message) => warn({ path, line, message }), context);
  } catch (error) {
    // Parsers report bad input as problems; an exception here is a bug, reported and contained.
    warn({ path, message: `could not analyse this ${platformId} file: ${(error as Error).message}` });
    return { platform: platformId, findings: [], secrets: [] };
  }
  if (input === undefined) return { platform: platformId, findings: [], secrets: [] };
  const findings: ScannerFinding[] = [];
  const secrets: string[] = [];
  let lines: string[] | undefined;
  const lineText = (n: number) => (lines ??= text.split('\n'))[n - 1] ?? '';
  for (const rule of platform.rules) {
    const seen = new Set<string>();
    try {
      for (const hit of rule.check(input)) {
        const key = `${hit.line}\0${hit.detailLine ?? ''}\0${hit.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (hit.secret) secrets.push(hit.secret);
        findings.push(toFinding(rule, hit, path, lineText));
      }
    } catch (error) {
      // A rule bug must not hide the other rules' findings on this file.
      warn({ path, message: `rule ${rule.id} failed on this file: ${(error as Error).message}` });
    }
  }
  return { platform: platformId, findings, secrets };
}

function toFinding(rule: IacRule<unknown>, hit: Hit, path: string, lineText: (line: number) => string): ScannerFinding {
  const line = Math.max(1, hit.line);
  const detail = hit.detailLine !== undefined && hit.detailLine > line ? hit.detailLine : undefined;
  return {
    ruleId: rule.id,
    scanner: 'iac',
    severity: hit.severity ?? rule.severity,
    confidence: rule.confidence ?? 'high',
    title: rule.title,
    message: hit.message,
    cwe: rule.cwe,
    location: { path, startLine: line, ...(hit.column ? { startColumn: hit.column } : {}), ...(detail ? { endLine: detail } : {}) },
    fix: { summary: rule.remediation },
    properties: { platform: rule.platform, ...(hit.resource ? { resource: hit.resource } : {}), ...(detail ? { detailLine: detail } : {}) },
    // Several findings can share a key line (one per bad entry of a list): the inner line
    // keeps each one's identity when unrelated lines move.
    ...(detail ? { fingerprintKey: `${normaliseLine(lineText(line))}\n${normaliseLine(lineText(detail))}` } : {}),
  };
}

/** YAML files that a `.gitlab-ci.yml` of the tree includes (paths relative to the scan root). */
async function gitlabIncludedFiles(files: readonly WorkspaceFile[]): Promise<Set<string>> {
  const pipelines = files.filter((file) => classify(file.path, '') === 'gitlab-ci');
  if (pipelines.length === 0) return new Set();
  const includes: string[] = [];
  for (const file of pipelines) {
    const text = await file.text();
    if (text !== null) includes.push(...localIncludes(text));
  }
  return includedPaths(includes, files.map((file) => file.path).filter((p) => /\.ya?ml$/i.test(p)));
}

/**
 * The Terraform module directories of the tree (terraform/directory.ts). A directory is
 * read when the scan reaches its first file: the texts read then are kept until the scan
 * reaches their file, so no file is read twice, and the parses made for variables and
 * locals are used again. A directory is let go once all its .tf files are analysed, so
 * memory holds the directories on the current path, not the whole tree.
 */
class TerraformModules {
  /** Configuration files of each directory that has a scope, and the files read for it. */
  private readonly directories = new Map<string, { read: WorkspaceFile[]; left: number; scopes?: ModuleDirectories }>();
  private readonly ahead = new Map<string, string | null>();

  constructor(
    files: readonly WorkspaceFile[],
    private readonly warn: (warning: Omit<ScanWarning, 'scanner'>) => void,
  ) {
    const byPath = new Map(files.map((file) => [file.path, file]));
    for (const path of moduleDirectoryFiles(files.map((file) => file.path), warn)) {
      const dir = directoryOf(path);
      let entry = this.directories.get(dir);
      if (!entry) this.directories.set(dir, (entry = { read: [], left: 0 }));
      entry.read.push(byPath.get(path)!);
    }
    for (const file of files) {
      const entry = terraformRole(file.path) === 'configuration' ? this.directories.get(directoryOf(file.path)) : undefined;
      if (entry) entry.left++;
    }
  }

  /** A wanted file's text and, for a .tf file of a module directory, what it sees of the directory. */
  async read(file: WorkspaceFile): Promise<{ text: string | null; terraform?: TfDirectoryScope }> {
    const dir = terraformRole(file.path) === 'configuration' ? directoryOf(file.path) : undefined;
    const entry = dir === undefined ? undefined : this.directories.get(dir);
    if (!entry) return { text: await file.text() };
    if (!entry.scopes) {
      const sources: Array<{ path: string; text: string }> = [];
      for (const member of entry.read) {
        const text = await member.text();
        if (terraformRole(member.path) === 'configuration') this.ahead.set(member.path, text);
        if (text !== null) sources.push({ path: member.path, text });
      }
      entry.scopes = new ModuleDirectories(sources, this.warn);
    }
    const text = this.ahead.has(file.path) ? this.ahead.get(file.path)! : await file.text();
    this.ahead.delete(file.path);
    if (--entry.left <= 0) this.directories.delete(dir!);
    const terraform = text === null ? undefined : entry.scopes.scopeFor(file.path);
    return terraform ? { text, terraform } : { text };
  }
}

function ruleDocs(): RuleDoc[] {
  return PLATFORM_RULES.flatMap((platform) =>
    platform.rules.map((rule) => ({
      id: rule.id,
      title: rule.title,
      description: rule.description,
      remediation: rule.remediation,
      severity: rule.severity,
      ...(rule.confidence ? { confidence: rule.confidence } : {}),
      cwe: rule.cwe,
      tags: rule.tags ?? ['iac', rule.platform],
    })),
  );
}

export const iacScanner: Scanner = {
  id: 'iac',
  description: 'Configuration checks for Dockerfiles, Kubernetes, docker-compose, GitHub Actions, GitLab CI and Terraform (AWS: .tf, .tf.json, plan JSON, well-known registry modules)',
  wants: wantsPath,
  rules: ruleDocs,
  async *scan(ctx) {
    const includedByGitlab = await gitlabIncludedFiles(ctx.files);
    const modules = new TerraformModules(ctx.files, (warning) => ctx.warn(warning));
    for (const file of ctx.files) {
      if (ctx.signal.aborted) return;
      if (isVariableValuesFile(file.path)) {
        // Context for the .tf files of its directory (read with them), never analysed alone.
        ctx.progress.tick();
        continue;
      }
      const { text, terraform } = await modules.read(file);
      ctx.progress.tick();
      if (text === null) continue; // binary: the workspace records the skip
      const analysis = analyseFile(file.path, text, (warning) => ctx.warn(warning), includedByGitlab.has(file.path) ? 'gitlab-ci' : undefined, terraform ? { terraform } : undefined);
      for (const secret of analysis.secrets) ctx.registerSecret(secret);
      yield* analysis.findings;
    }
  },
};
