import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../core/config.js';
import { UsageError } from '../core/errors.js';
import { TOOL_VERSION } from '../core/version.js';
import { sbomInputFromLockfiles } from '../report/sbom-model.js';
import { writeCycloneDx } from '../report/cyclonedx.js';
import { writeSpdx } from '../report/spdx.js';
import { addInstalledLicenses, createRootReader, findParser, parseLockfile } from '../scanners/sca/lockfiles/index.js';
import type { LockfileResult } from '../scanners/sca/model.js';
import { Git } from '../workspace/git.js';
import { walk } from '../workspace/walk.js';

export type SbomFormat = 'cyclonedx' | 'spdx';

export interface SbomRequest {
  target: string;
  format: SbomFormat;
  prodOnly?: boolean;
  configFile?: string;
  timestamp?: string;
}

export interface SbomResult {
  document: string;
  lockfiles: string[];
  packages: number;
  warnings: Array<{ path: string; line?: number; message: string }>;
}

/** Finds every lockfile under the target, parses them and writes one SBOM for the project. */
export async function buildSbom(request: SbomRequest): Promise<SbomResult> {
  const root = path.resolve(request.target);
  if (!existsSync(root)) throw new UsageError(`path does not exist: ${root}`);
  if (!statSync(root).isDirectory()) throw new UsageError(`not a directory: ${root} (sbom reads a project directory)`);
  const config = loadConfig(root, request.configFile);
  // As a scan: a lockfile is read although a .gitignore matches it (tracked or not: it describes what is installed).
  const tracked = await (await Git.open(root))?.trackedButIgnoredHere();
  const walked = walk(root, {
    ignore: config.ignore,
    maxFileSize: config.maxFileSize,
    skipDirs: config.skipDirs,
    ...(tracked ? { tracked } : {}),
    readIgnored: (p) => findParser(p) !== undefined,
  });
  const read = createRootReader(root);
  const results: LockfileResult[] = [];
  const lockfiles: string[] = [];
  const warnings: SbomResult['warnings'] = [];
  for (const file of walked.files) {
    if (!findParser(file.path)) continue;
    let text: string;
    try {
      text = readFileSync(file.absPath, 'utf8');
    } catch (error) {
      warnings.push({ path: file.path, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
      continue;
    }
    const result = parseLockfile(file.path, text, { read, rootName: path.basename(root), lines: false });
    if (!result) continue;
    addInstalledLicenses(result, file.path, read);
    for (const warning of result.warnings) warnings.push({ path: file.path, ...warning });
    if (request.prodOnly) result.packages = result.packages.filter((p) => !p.dev);
    results.push(result);
    lockfiles.push(file.path);
  }
  // The project is named by its one manifest that names a project (workflows name none).
  const named = results.filter((r) => r.root !== undefined);
  const single = named.length === 1 ? named[0]!.root : undefined;
  const input = sbomInputFromLockfiles(results, {
    projectName: single?.name ?? path.basename(root),
    ...(single?.version ? { projectVersion: single.version } : {}),
    ...(single?.purl ? { rootPurl: single.purl } : {}),
    toolVersion: TOOL_VERSION,
    ...(request.timestamp ? { timestamp: request.timestamp } : {}),
  });
  const document =
    request.format === 'cyclonedx'
      ? writeCycloneDx(input)
      : writeSpdx(input, process.env.SOURCE_DATE_EPOCH ? { sourceDateEpoch: process.env.SOURCE_DATE_EPOCH } : {});
  return { document, lockfiles, packages: input.packages.length, warnings };
}
