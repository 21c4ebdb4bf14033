import { posix } from 'node:path';
import { readFileSync } from 'node:fs';
import { loadConfig, type ResolvedConfig } from '../core/config.js';
import { readCompose, publishedPorts } from '../scanners/iac/compose/model.js';
import type { DotEnv } from '../scanners/iac/compose/dotenv.js';
import { readDotEnvs } from '../scanners/iac/compose/dotenv-files.js';
import { readDirectly } from '../scanners/iac/texts.js';
import { classify, wantsPath } from '../scanners/iac/detect.js';
import { readDockerfile, expandArgs } from '../scanners/iac/dockerfile/model.js';
import { effective } from '../scanners/iac/dockerfile/parser.js';
import { Git } from '../workspace/git.js';
import { walk } from '../workspace/walk.js';
import { kubernetesPorts, protocolOf } from './kubernetes-ports.js';
import { allowedPorts, type ConfigPlace } from './allowed.js';
import { diskFile } from './files.js';
import { kustomizePorts } from './kustomize.js';
import { renderCharts, type RenderedManifest } from './helm.js';

/** A port the project says should be open, and where it says so. */
export interface DeclaredPort {
  port: number;
  /** The last port of a declared range (`ops.allowedPorts: ["8000-8010"]`); undefined: `port` alone. */
  toPort?: number;
  transport: 'tcp' | 'udp' | 'any';
  /** The address it is bound to when the declaration says (127.0.0.1 for "127.0.0.1:6379:6379"); undefined: any. */
  address?: string;
  path: string;
  line: number;
  what: string;
}

export interface Declarations {
  root: string;
  config: ResolvedConfig;
  ports: DeclaredPort[];
  problems: Array<{ path: string; line?: number; message: string }>;
  filesRead: number;
  /** Where ops.allowedPorts is, or would be, written: findings about a port nobody declares go there. */
  configPlace: ConfigPlace;
}

/**
 * Reads what a project declares about listening ports: compose `ports`, Kubernetes
 * container ports, host ports and Services, Dockerfile EXPOSE and `ops.allowedPorts`
 * in secloop.yaml. Files are found with the same walker (and ignore rules) as `scan`.
 * Helm charts are rendered (helm.ts), with their default values and with those of each
 * of their deployments, and their manifests read like the others, each port placed on
 * the template, values file or deployment line that wrote it.
 */
export async function collectDeclarations(root: string, configFile?: string): Promise<Declarations> {
  const config = loadConfig(root, configFile);
  const ports: DeclaredPort[] = [];
  const problems: Declarations['problems'] = [];
  const allowed = allowedPorts(root, config, (at, message) => problems.push({ path: at.path, line: at.line, message }));
  ports.push(...allowed.ports);

  // As a scan: a file git tracks is read although a .gitignore matches it.
  const tracked = await (await Git.open(root))?.trackedButIgnoredHere();
  const walked = walk(root, { ignore: config.ignore, maxFileSize: config.maxFileSize, skipDirs: config.skipDirs, ...(tracked ? { tracked } : {}) });
  const wanted = walked.files.filter((entry) => wantsPath(entry.path));
  const files = wanted.map(diskFile);
  const charts = await renderCharts(root, files, config.iac.helmValues, (w) => problems.push({ path: w.path ?? '', ...(w.line ? { line: w.line } : {}), message: w.message }));
  // A chart rendered with its default values and with each deployment's: a port two renders write at the same place is declared once.
  const chartPlaces = new Set<string>();
  const chartProblems = new Set<string>();
  for (const manifest of charts.manifests) {
    for (const port of chartPorts(manifest, problems, chartProblems)) {
      const key = `${port.port}\0${port.toPort ?? ''}\0${port.transport}\0${port.address ?? ''}\0${port.path}\0${port.line}`;
      if (chartPlaces.has(key)) continue;
      chartPlaces.add(key);
      ports.push(port);
    }
  }
  // The .env file of a compose file's folder: Compose fills the file's ${VAR} (a port, a host address) from it.
  const dotenvs = await readDotEnvs(files, readDirectly);
  const kustomize = await kustomizePorts(files, (file, line, message) => problems.push({ path: file, ...(line ? { line } : {}), message }));
  ports.push(...kustomize.ports);
  let filesRead = charts.owned.size;
  for (const entry of wanted) {
    // A chart's templates are not YAML until rendered, and a kustomize patch is a partial
    // object: their ports came from the rendering and the patch reading above.
    if (charts.owned.has(entry.path)) continue;
    if (kustomize.patchFiles.has(entry.path)) {
      filesRead++;
      continue;
    }
    let source: string;
    try {
      source = readFileSync(entry.absPath, 'utf8');
    } catch (error) {
      problems.push({ path: entry.path, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
      continue;
    }
    const platform = classify(entry.path, source);
    if (!platform) continue;
    filesRead++;
    const warn = (line: number, message: string) => problems.push({ path: entry.path, line, message });
    if (platform === 'compose') ports.push(...composePorts(entry.path, source, warn, dotenvs.get(posix.dirname(entry.path))));
    else if (platform === 'kubernetes') ports.push(...kubernetesPorts(entry.path, source, warn));
    else if (platform === 'dockerfile') ports.push(...dockerfilePorts(entry.path, source, warn));
  }
  ports.sort((a, b) => a.port - b.port || a.path.localeCompare(b.path) || a.line - b.line);
  return { root, config, ports, problems, filesRead, configPlace: allowed.place };
}

function composePorts(file: string, source: string, warn: (line: number, message: string) => void, dotenv: DotEnv | undefined): DeclaredPort[] {
  const input = readCompose(source, warn, dotenv ? { path: file, compose: { dotenv } } : { path: file });
  const out: DeclaredPort[] = [];
  for (const service of input?.services ?? []) {
    for (const published of publishedPorts(service)) {
      const [from, to] = published.hostPorts ?? [0, -1];
      for (let port = from; port <= to && port - from < 1000; port++) {
        out.push({
          port,
          transport: published.protocol,
          ...(published.hostIp && !['0.0.0.0', '::', '*'].includes(published.hostIp) ? { address: published.hostIp } : {}),
          path: file,
          line: published.line,
          what: `compose service ${service.name} (ports: ${published.raw})`,
        });
      }
    }
  }
  return out;
}

/** The ports of a rendered chart manifest, each at the template or values.yaml line that wrote it. */
function chartPorts(manifest: RenderedManifest, problems: Declarations['problems'], said: Set<string>): DeclaredPort[] {
  const at = (line: number) => manifest.origins[line - 1] ?? manifest.origins.at(-1) ?? { path: manifest.template, line: 1 };
  const chart = manifest.chart === '' ? '.' : manifest.chart;
  const template = manifest.template.slice(manifest.chart === '' ? 0 : manifest.chart.length + 1);
  const warn = (line: number, message: string) => {
    // A problem another render of the chart gave at the same place is said once.
    const key = `${at(line).path}\0${at(line).line}\0${template}\0${message}`;
    if (said.has(key)) return;
    said.add(key);
    problems.push({ ...at(line), message: `${message} (in the output of ${template}, rendered by secloop with ${manifest.valuesOf ?? "the chart's default values"})` });
  };
  return kubernetesPorts(manifest.template, manifest.text, warn).map((port) => ({
    ...port,
    ...at(port.line),
    what: `${port.what} (Helm chart ${chart}, ${template}${manifest.valuesOf ? `, with ${manifest.valuesOf}` : ''})`,
  }));
}

function dockerfilePorts(file: string, source: string, warn: (line: number, message: string) => void): DeclaredPort[] {
  const input = readDockerfile(source);
  for (const problem of input.file.problems) warn(problem.line, problem.message);
  const out: DeclaredPort[] = [];
  for (const instruction of input.file.instructions) {
    const expose = effective(instruction);
    if (expose.keyword !== 'EXPOSE') continue;
    for (const word of expandArgs(expose.rest, input.globalArgs).split(/\s+/)) {
      const match = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp))?$/i.exec(word);
      if (!match) continue;
      const from = Number(match[1]);
      const to = match[2] ? Number(match[2]) : from;
      for (let port = from; port <= to && port - from < 1000; port++)
        out.push({ port, transport: protocolOf(match[3]), path: file, line: instruction.line, what: `Dockerfile EXPOSE ${word}` });
    }
  }
  return out;
}
