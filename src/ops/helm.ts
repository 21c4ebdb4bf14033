import type { ScanWarning } from '../scanners/scanner.js';
import { renderChart } from '../scanners/iac/helm/chart.js';
import { HelmCharts } from '../scanners/iac/helm/charts.js';
import { readDeployers } from '../scanners/iac/deployers.js';
import type { Origin } from '../scanners/iac/helm/values.js';
import type { WorkspaceFile } from '../workspace/files.js';
import { terraformHelmReleases } from '../scanners/iac/helm/terraform-releases.js';
import { TerraformModules } from '../scanners/iac/terraform/scan-modules.js';

/**
 * The Helm charts of a project rendered into manifests, with secloop's own engine (as
 * `helm template` renders them with the chart's default values, or the files
 * iac.helmValues names), and again with the values each of its deployments in the project
 * gives (Argo CD Applications, Flux HelmReleases, helmfile, kustomize helmCharts,
 * Terraform helm_release: as `scan` applies them): no Helm binary, no project code. Every
 * line of a manifest keeps the place that wrote it, a template's line, the values.yaml
 * line, or the deployment's line that `toYaml` or a `{{ .Values.x }}` put there.
 */

export interface RenderedManifest {
  /** The chart's directory from the root ('' for a chart at the root). */
  chart: string;
  /** The template that rendered it, from the root. */
  template: string;
  text: string;
  /** Per line of `text`, where that line was written (a file of a packaged subchart is its archive, line 1). */
  origins: Origin[];
  /** Rendered with the values of a deployment (`the values of Application argocd/web, deploy/web.yaml`); undefined: the chart's default values. */
  valuesOf?: string;
}

export interface RenderedCharts {
  /** Files the charts own (templates, values.yaml, Chart.yaml): not manifests of their own. */
  owned: Set<string>;
  manifests: RenderedManifest[];
}

type Warn = (warning: Omit<ScanWarning, 'scanner'>) => void;

export async function renderCharts(root: string, files: readonly WorkspaceFile[], helmValues: Readonly<Record<string, readonly string[]>>, warn: Warn): Promise<RenderedCharts> {
  const charts = await HelmCharts.find(files, { root, git: null, warn, helmValues });
  if (charts.hasCharts) {
    // The deployments of the charts, found as `scan` finds them (Terraform helm_release with the Terraform evaluator).
    // What concerns the Terraform scan (module calls, directory bounds) is not said here.
    const modules = new TerraformModules(files, () => {}, { root });
    await modules.prepare();
    const deployers = await readDeployers(files, (file) => file.text(), { gitops: false, helm: (path) => charts.wantsDeployments(path), warn });
    await charts.findDeployments(deployers, await terraformHelmReleases(modules, warn));
  }
  const owned = new Set<string>();
  const dirs = new Set<string>();
  for (const file of files) {
    const chart = charts.chartOf(file.path);
    if (chart === undefined) continue;
    owned.add(file.path);
    dirs.add(chart);
  }
  const manifests: RenderedManifest[] = [];
  for (const dir of [...dirs].sort()) {
    const chartYaml = dir === '' ? 'Chart.yaml' : `${dir}/Chart.yaml`;
    try {
      // The chart's files as the iac scanner reads them (subcharts, packaged subcharts, libraries, values files, bounds).
      const input = await charts.input(dir);
      if (!input) continue;
      const onDisk = (origin: Origin): Origin => {
        const packed = input.packedFiles?.get(origin.path);
        return packed ? { path: packed.archive, line: 1 } : origin;
      };
      // The default render, then one per deployment that gives values: a port any of them declares is declared.
      const renders: Array<{ values?: Parameters<typeof renderChart>[0]['values']; label?: string; release?: Parameters<typeof renderChart>[0]['release'] }> = [{}, ...(await charts.deploymentValuesOf(dir))];
      const warned = new Set<string>();
      for (const { values, label, release } of renders) {
        const rendered = renderChart(values ? { ...input, values, valuesOf: label!, ...(release ? { release } : {}) } : input);
        for (const w of rendered.warnings) {
          // What the default render already said is not said again for each deployment.
          const key = `${w.path}\0${w.line ?? 0}\0${w.message}`;
          if (warned.has(key)) continue;
          warned.add(key);
          const packed = input.packedFiles?.get(w.path);
          const message = label ? `${w.message} (with ${label})` : w.message;
          warn(packed ? { path: packed.archive, message: `${message} (in ${packed.inner}${w.line ? `:${w.line}` : ''})` } : { ...w, message });
        }
        for (const { path, rendered: output } of rendered.templates) {
          if (!/\S/.test(output.text)) continue;
          manifests.push({ chart: dir, template: onDisk({ path, line: 1 }).path, text: output.text, origins: output.origins.map(onDisk), ...(label ? { valuesOf: label } : {}) });
        }
      }
    } catch (error) {
      // A renderer bug must not stop the check; the chart then declares nothing, and says so.
      warn({ path: chartYaml, message: `could not render this Helm chart, its ports are not declared: ${(error as Error).message}` });
    }
  }
  return { owned, manifests };
}
