import type { ScanWarning } from '../scanner.js';
import { onlyCustomResourceDefinitions } from './kubernetes/crd-only.js';
import type { WorkspaceFile } from '../../workspace/files.js';
import { mayHoldDeployers } from './deployer-documents.js';
import { directoriesOf, gitopsTargets, type GitopsTarget } from './kubernetes/gitops.js';
import { isKustomization } from './kubernetes/kustomize.js';
import { helmDeployments, type HelmDeployment } from './helm/deployments.js';
import type { ReadText } from './texts.js';
import type { YamlLoadResult } from './yaml/tree.js';

/**
 * One pass over the scan's YAML files for the documents that deploy other files of it
 * (deployer-documents.ts): each candidate file is read and parsed once, under one budget,
 * for both what GitOps deployments say about the manifests they apply (their namespace:
 * kubernetes/gitops.ts) and the values deployments give to the scan's Helm charts
 * (helm/deployments.ts).
 */

/** Characters of the files read to find deployers, over the whole scan, and of one such file. */
const MAX_DEPLOYER_CHARS = 64 * 1024 * 1024;
export const MAX_DEPLOYER_FILE = 1024 * 1024;

export interface Deployers {
  /** Flux Kustomizations and Argo CD Applications of the files read, in file order. */
  targets: GitopsTarget[];
  /** Deployments of charts that give values (any chart directory the paths name), in file order. */
  deployments: HelmDeployment[];
  /** Characters of the budget left (for the files of the index beside a scan of staged files: charts.ts). */
  budget: number;
}

export interface DeployerOptions {
  /** Whether GitOps deployments are looked for (in every YAML file but the kustomizations: kustomize.ts reads those). */
  gitops: boolean;
  /** The files deployments of Helm charts are looked for in (YAML files and kustomizations among them); undefined: none. */
  helm?: (path: string) => boolean;
  /** Called with every YAML file this pass reads, for other readers of the same files (RBAC bindings) to share the read and the parse. */
  visit?: (path: string, source: string) => void;
  /** How a file is parsed (the scan's parses, yaml/parses.ts, which the scan loop then has); the YAML cache without it. */
  load?: (path: string, source: string) => YamlLoadResult;
  /**
   * Called with each file of CustomResourceDefinitions alone, which neither this pass nor `visit` reads further:
   * the scan lets go of its held text (the largest YAML files of chart repositories, held for a loop that only tells them apart again).
   */
  definitionsOnly?: (file: WorkspaceFile, source: string) => void;
  warn: (warning: Omit<ScanWarning, 'scanner'>) => void;
}

export async function readDeployers(files: readonly WorkspaceFile[], read: ReadText, options: DeployerOptions): Promise<Deployers> {
  const out: Deployers = { targets: [], deployments: [], budget: MAX_DEPLOYER_CHARS };
  let dirs: string[] | undefined;
  for (const file of files) {
    // A kustomization's namespace is kustomize's own (kustomize.ts); which files may deploy charts is the charts' to say (charts.ts: not their own).
    const gitops = options.gitops && /\.ya?ml$/i.test(file.path) && !isKustomization(file.path);
    const helm = options.helm !== undefined && mayHoldDeployers(file.path) && options.helm(file.path);
    if ((!gitops && !helm) || (file.size !== undefined && file.size > MAX_DEPLOYER_FILE)) continue;
    if (out.budget <= 0) {
      options.warn({ message: budgetWarning(file.path, options) });
      break;
    }
    const source = await read(file);
    if (source === null) continue;
    // A file of CustomResourceDefinitions deploys nothing and binds no role (told apart at any size: the largest are such files).
    if (onlyCustomResourceDefinitions(source)) {
      options.definitionsOnly?.(file, source);
      continue;
    }
    if (source.length > MAX_DEPLOYER_FILE) continue;
    out.budget -= source.length;
    // Both read the file's deployer documents (deployer-documents.ts) of one parse.
    const load = options.load ? (text: string) => options.load!(file.path, text) : undefined;
    if (gitops) out.targets.push(...gitopsTargets(file.path, source, /ApplicationSet/.test(source) ? (dirs ??= directoriesOf(files.map((f) => f.path))) : [], load));
    options.visit?.(file.path, source);
    if (!helm) continue;
    try {
      out.deployments.push(...helmDeployments(file.path, source, load));
    } catch (error) {
      options.warn({ path: file.path, message: `Helm chart deployments in this file not read: ${(error as Error).message}` });
    }
  }
  return out;
}

function budgetWarning(from: string, options: DeployerOptions): string {
  const what = options.gitops && options.helm ? 'Flux Kustomizations, Argo CD Applications and deployments of its Helm charts' : options.gitops ? 'Flux Kustomizations and Argo CD Applications' : 'deployments of its Helm charts';
  const lost = options.gitops && options.helm ? 'they give no namespace, and their values are not applied' : options.gitops ? 'they give no namespace' : 'their values are not applied';
  return `the scan's YAML files hold more than ${MAX_DEPLOYER_CHARS / 1024 / 1024} MB: ${what} were looked for only in the first ones (from ${from} on, ${lost})`;
}
