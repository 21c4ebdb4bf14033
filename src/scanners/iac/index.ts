import { posix } from 'node:path';
import type { ScannerFinding } from '../../core/finding.js';
import type { RuleDoc } from '../../core/rule.js';
import type { Scanner } from '../scanner.js';
import type { WorkspaceFile } from '../../workspace/files.js';
import { analyseFile, type FileAnalysis } from './analyse.js';
import { classify, isBuildConfigFile, isDockerfileName, wantsPath } from './detect.js';
import { GitlabPipelines } from './gitlab/pipeline-files.js';
import { HelmCharts } from './helm/charts.js';
import { readDeployers } from './deployers.js';
import { terraformHelmReleases } from './helm/terraform-releases.js';
import { PLATFORM_RULES } from './platforms.js';
import { isVariableValuesFile } from './terraform/directory.js';
import { analyseInContexts, TerraformModules } from './terraform/scan-modules.js';
import { placeOverrideFindings } from './terraform/overrides.js';
import { inlinePatchFindings, isKustomization, mayHoldFluxPatches, patchFileFindings, readKustomizations } from './kubernetes/kustomize.js';
import { withoutFixedByEveryBuild } from './kubernetes/overlaid.js';
import { isTiltfile, readDevDeployments } from './kubernetes/built-images.js';
import { RbacBindings } from './kubernetes/rbac-bindings.js';
import { isTestAssertionFile, objectLabel, partialObjects, readKubernetes } from './kubernetes/model.js';
import { partialServices, readCompose } from './compose/model.js';
import { readDotEnvs } from './compose/dotenv-files.js';
import { committedSecretFiles, mayReadSecretFiles } from './compose/secret-files.js';
import { composeDockerfiles } from './compose/built-dockerfiles.js';
import { builtImageKey, imagesBuiltByScripts, isBuildScriptFile } from './image-builds.js';
import { NestedStacks } from './cloudformation/nested-stacks.js';
import { readConfigFiles } from './dockerfile/build-context.js';
import { MAX_CONTEXT_LISTING, MAX_CONTEXT_SCRIPT, readDockerfileTree } from './dockerfile/tree.js';
import { createRootLister, createRootReader } from '../../workspace/root-reader.js';
import { findingsOnWrittenValues } from './written-values.js';
import { GithubCallers, githubScanPrefix } from './github/callers.js';
import { originRepository, repositoryName } from './github/own-repository.js';
import { findZizmorConfig } from './github/zizmor-config.js';
import { IacTexts, type ReadText } from './texts.js';
import { CiScripts } from './ci-scripts.js';
import { YamlParses } from './yaml/parses.js';

export { analyseFile, type FileAnalysis } from './analyse.js';

const MISSING_HEALTHCHECK = 'iac/dockerfile-missing-healthcheck';
/** The largest package.json the GitHub Actions rules read. */
const MAX_PACKAGE_JSON = 1024 * 1024;
/** Files whose texts the scan loop reads ahead of the one it analyses. */
const READ_AHEAD = 8;

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
  description: 'Configuration checks for Dockerfiles, Kubernetes (manifests and Helm charts), docker-compose, GitHub Actions, GitLab CI, pre-commit, Terraform (AWS, Google Cloud, Azure: .tf, .tf.json, plan JSON, well-known registry modules) and CloudFormation',
  wants: wantsPath,
  rules: ruleDocs,
  async *scan(ctx) {
    // Makefiles and shell scripts are read for the images they build (image-builds.ts), and by nothing else of the scan.
    const buildScripts = ctx.files.filter((file) => isBuildScriptFile(file.path));
    if (buildScripts.length > 0) {
      ctx.progress.tick(buildScripts.length);
      ctx = { ...ctx, files: ctx.files.filter((file) => !isBuildScriptFile(file.path)) };
    }
    // The charts first: the texts of their files are read by the charts alone, so the shared store holds none of them.
    const charts = await HelmCharts.find(ctx.files, {
      root: ctx.root,
      git: ctx.git,
      maxFileSize: ctx.config?.maxFileSize,
      warn: (warning) => ctx.warn(warning),
      ...(ctx.config?.iac?.helmValues ? { helmValues: ctx.config.iac.helmValues } : {}),
    });
    // The texts the pre-passes read are held (bounded) for the loop below, so that a file is read once.
    const texts = new IacTexts(ctx.files);
    texts.keepOnly((path) => !isBuildConfigFile(path) && !isTiltfile(path) && charts.chartOf(path) === undefined);
    const read: ReadText = (file) => texts.text(file);
    const contextOnly = (path: string) => isVariableValuesFile(path) || isBuildConfigFile(path) || isTiltfile(path);
    // The parses of the YAML files the passes below read, held for the loop's analysis of the files it reads (yaml/parses.ts; fluxcd/flux2: 376 YAML parses before, 235 now).
    const scanPaths = new Set(ctx.files.map((file) => file.path));
    const yamlParses = new YamlParses((path) => scanPaths.has(path) && !contextOnly(path) && charts.chartOf(path) === undefined);
    const loadYaml = (path: string, source: string) => yamlParses.load(path, source);
    // GitLab pipelines: the files they include and the child pipelines their jobs start, checked as GitLab CI with the other files of their pipeline.
    const gitlabPipelines = await GitlabPipelines.find(ctx.files, read, (path) => charts.chartContaining(path) !== undefined, loadYaml);
    // Who calls each local action and reusable workflow: their inputs are judged by what the callers pass.
    const githubPrefix = githubScanPrefix(ctx.root);
    // The repository's own owner/name, by which its workflows may call its reusable workflows and actions (`uses: owner/repo/...@main`):
    // from secloop.yaml, else from git's origin remote when the scan's root is the repository's (or its .github folder).
    const ownRepository = async (): Promise<string | undefined> => {
      const configured = ctx.config?.iac?.githubRepository;
      if (configured !== undefined) return repositoryName(configured);
      if (!ctx.git || (await ctx.git.prefix().catch(() => undefined)) !== githubPrefix) return undefined;
      return originRepository(ctx.git);
    };
    const githubCallers = await GithubCallers.find(ctx.files, read, githubPrefix, ownRepository);
    // A zizmor.yml at the root or in .github/: its ignore rules and policies suppress the findings they cover.
    const zizmorConfig = await findZizmorConfig(ctx.files, (warning) => ctx.warn(warning));
    // Dockerfiles whose image runs under a compose healthcheck: the missing HEALTHCHECK is supplied there.
    // In a scan of staged files, the index beside them: what will be committed with them.
    const staged = ctx.git ? { git: ctx.git, warn: (message: string, path?: string) => ctx.warn({ message, ...(path !== undefined ? { path } : {}) }) } : undefined;
    // A scan of staged files, even when none of the iac files is staged (a script alone): readers of other files read the index.
    const stagedScan = staged && (ctx.options?.staged || ctx.files.some((file) => file.fromIndex)) ? staged : undefined;
    // The package.json beside .github/ (setup-node v5 and later turn their cache on from its packageManager) and the scripts steps source: read from the working tree, not in a scan of staged files.
    if (!stagedScan) githubCallers.readRepositoryFilesWith(createRootReader(ctx.root, MAX_PACKAGE_JSON));
    // The .env file of a compose file's folder: Compose fills the file's ${VAR} from it (the image names of its builds too).
    const dotenvs = await readDotEnvs(ctx.files, read, stagedScan);
    const { healthchecked: composeHealthchecked, builds } = await composeDockerfiles(ctx.files, read, staged, loadYaml, dotenvs);
    // The images the repository builds itself (a compose service's build, `docker build -t web` in a Makefile, script or CI file): a compose file
    // or Kubernetes manifest that runs one by that name pulls nothing.
    const mayRunBuiltImages = builds.length > 0 || ctx.files.some((file) => classify(file.path, '') === 'compose' || /\.(?:ya?ml|json)$/i.test(file.path));
    const composeBuiltImages = mayRunBuiltImages ? await imagesBuiltByScripts([...ctx.files, ...buildScripts], (file) => (isBuildScriptFile(file.path) ? file.text().catch(() => null) : read(file)), (message, path) => ctx.warn({ path, message }), loadYaml, stagedScan) : new Map<string, string>();
    for (const build of builds) for (const image of build.images) {
      const key = builtImageKey(image);
      if (key !== undefined && !composeBuiltImages.has(key)) composeBuiltImages.set(key, `${build.compose} (service ${build.service})`);
    }
    charts.useScriptBuiltImages(composeBuiltImages);
    // .npmrc, .env and the like that a Dockerfile may copy: judged on what they hold.
    const hasDockerfiles = ctx.files.some((file) => isDockerfileName(file.path));
    const configFiles = hasDockerfiles ? await readConfigFiles(ctx.files, read, staged) : new Map<string, string>();
    // Dockerfiles that others build upon, and the entrypoint scripts they copy (read bounded from the working tree, or the index in a scan of staged files).
    const dockerfileScopes = hasDockerfiles
      ? await readDockerfileTree(ctx.files, {
          read,
          builds,
          ...(stagedScan
            ? { staged: stagedScan }
            : { readContext: createRootReader(ctx.root, MAX_CONTEXT_SCRIPT), listContext: createRootLister(ctx.root, MAX_CONTEXT_LISTING), warn: (message: string, path: string) => ctx.warn({ path, message }) }),
        })
      : new Map();
    // Flux Kustomizations and Argo CD Applications (the namespace of what they apply), and Argo CD Applications, Flux HelmReleases,
    // helmfiles and kustomize helmCharts that deploy the scan's charts (each chart is also rendered with their values): one pass.
    // The same pass collects the RBAC bindings of each directory's manifests, for the roles and pods of the other files there
    // (a chart's templates are rendered together, with their own bindings).
    const rbacBindings = new RbacBindings();
    // Files of CustomResourceDefinitions alone that the loop would analyse as Kubernetes manifests: readKubernetes
    // gives no input for them, so they give nothing, and the loop does not read them again (bitnami/charts: 118 files, 15M characters).
    const definitionsOnly = new Set<string>();
    // Templates that the scan's templates deploy as nested stacks, with the parameters they pass (read by the pass below).
    const nestedStacks = new NestedStacks(scanPaths);
    const deployers = await readDeployers(ctx.files, read, {
      gitops: true,
      ...(charts.hasCharts ? { helm: (path: string) => charts.wantsDeployments(path) } : {}),
      visit: (path, source) => {
        if (charts.chartOf(path) !== undefined) return;
        rbacBindings.add(path, source, (text) => loadYaml(path, text));
        nestedStacks.visit(path, source);
      },
      load: loadYaml,
      // Held until the loop reaches them, they would be most of the held texts (bitnami/charts: 15M of 15M characters), and of the live heap the scan's peak grows from.
      definitionsOnly: (file, source) => {
        texts.release(file);
        if (classify(file.path, source) === 'kubernetes' && !mayHoldFluxPatches(source)) definitionsOnly.add(file.path);
      },
      warn: (warning) => ctx.warn(warning),
    });
    const kustomizations = await readKustomizations(ctx.files, ctx.git, (message) => ctx.warn({ message }), deployers.targets, read, loadYaml);
    const { patches, namespaces, images, baseContainers, baseObjects, builtAt, imagesOf } = kustomizations;
    // The manifests skaffold and Tilt deploy, with the images they build and put in place of the written ones.
    const devDeployments = await readDevDeployments(ctx.files, read, builtAt, { ...(stagedScan ? { staged: stagedScan } : {}), warn: (message, path) => ctx.warn({ message, ...(path !== undefined ? { path } : {}) }) });
    charts.useBuiltImages(devDeployments.charts);
    const modules = new TerraformModules(ctx.files, (warning) => ctx.warn(warning), { git: ctx.git, maxFileSize: ctx.config?.maxFileSize, signal: ctx.signal, texts, root: ctx.root });
    await modules.prepare();
    // With the Terraform helm_releases that deploy the scan's charts.
    await charts.findDeployments(deployers, charts.hasCharts ? await terraformHelmReleases(modules, (warning) => ctx.warn(warning)) : []);
    // The local scripts CI jobs run (`- ./ci/build.sh`): read and judged after the loop, from the index in a scan of staged files.
    const ciScripts = new CiScripts({ root: ctx.root, files: ctx.files, texts, ...(stagedScan ? { staged: stagedScan } : {}), warn: (warning) => ctx.warn(warning), githubPrefix });
    const loopReads = (file: WorkspaceFile) => !contextOnly(file.path) && charts.chartOf(file.path) === undefined && !definitionsOnly.has(file.path);
    for (const [i, file] of ctx.files.entries()) {
      if (ctx.signal.aborted) return;
      texts.readAhead(ctx.files, i + 1 + READ_AHEAD, loopReads);
      if (contextOnly(file.path)) {
        // Context, never analysed alone: variable values for the .tf files of its directory, or a file a Dockerfile may copy.
        // Variable values stay held: a directory whose .tf files come later in the order takes them then.
        ctx.progress.tick();
        continue;
      }
      const chart = charts.chartOf(file.path);
      if (chart !== undefined) {
        // Templates, values.yaml and Chart.yaml of a Helm chart: the chart is rendered and checked once, at its first file.
        ctx.progress.tick();
        const analysis = await charts.analyse(chart);
        for (const secret of analysis?.secrets ?? []) ctx.registerSecret(secret, chart === '.' ? '' : `${chart}/`);
        yield* analysis?.findings ?? [];
        continue;
      }
      // Unless the file is analysed otherwise: as a kustomize patch, a kustomization, or a file of a GitLab pipeline.
      if (definitionsOnly.has(file.path) && !patches.has(file.path) && !isKustomization(file.path) && gitlabPipelines.hint(file.path) === undefined) {
        yamlParses.release(file.path);
        ctx.progress.tick();
        continue;
      }
      const { text, terraform, calls, parsed: terraformParse } = await modules.read(file);
      // A YAML parse made before the loop goes to the file's first reader now.
      yamlParses.handOver(file.path, text);
      ctx.progress.tick();
      if (text === null) continue; // binary: the workspace records the skip
      if (patches.has(file.path)) {
        // A kustomize patch holds only what it changes: only the values it writes are checked.
        const analysis = patchFileFindings(file.path, text, patches.get(file.path)!, (warning) => ctx.warn(warning), kustomizations);
        for (const secret of analysis.secrets) ctx.registerSecret(secret, file.path);
        yield* analysis.findings;
        continue;
      }
      const hint = gitlabPipelines.hint(file.path);
      const namespace = namespaces.get(file.path);
      const kustomizeImages = images.get(file.path);
      const builtImages = devDeployments.files.get(file.path);
      const scriptBuiltImages = !terraform && composeBuiltImages.size > 0 && classify(file.path, text) === 'kubernetes' ? composeBuiltImages : undefined;
      const namespaceOf = (path: string) => namespaces.get(path);
      const scanBindings = terraform ? [] : rbacBindings.besides(file.path, namespaceOf);
      const scanAggregators = terraform ? [] : rbacBindings.aggregatorsAbove(file.path, namespaceOf);
      const context = terraform
        ? { terraform }
        : namespace || kustomizeImages || builtImages || scriptBuiltImages || scanBindings.length > 0 || scanAggregators.length > 0
          ? {
              kubernetes: {
                ...(namespace ? { kustomizeNamespace: namespace } : {}),
                ...(kustomizeImages ? { kustomizeImages } : {}),
                ...(builtImages ? { builtImages } : {}),
                ...(scriptBuiltImages ? { scriptBuiltImages } : {}),
                ...(scanBindings.length > 0 ? { scanBindings } : {}),
                ...(scanAggregators.length > 0 ? { scanAggregators } : {}),
              },
            }
          : isDockerfileName(file.path)
            ? { dockerfile: { configFiles, scope: dockerfileScopes.get(file.path) } }
            : githubCallers.context(file.path, text, zizmorConfig);
      const inChart = charts.chartContaining(file.path) !== undefined ? { inHelmChart: true } : {};
      const gitlab = await gitlabPipelines.context(file.path, text);
      const dotenv = dotenvs.get(posix.dirname(file.path));
      // A compose file that may read secrets from files: which of them git holds.
      const committedFiles = !terraform && mayReadSecretFiles(text) && classify(file.path, text) === 'compose' ? await committedSecretFiles(file.path, text, ctx.git, (message) => ctx.warn({ path: file.path, message })) : undefined;
      const withDotenv = dotenv && text.includes('$');
      const builtHere = composeBuiltImages.size > 0 ? composeBuiltImages : undefined;
      const compose = withDotenv || committedFiles || builtHere ? { compose: { ...(withDotenv ? { dotenv } : {}), ...(committedFiles ? { committedFiles } : {}), ...(builtHere ? { builtImages: builtHere } : {}) } } : {};
      const passed = terraform ? undefined : nestedStacks.passedTo(file.path);
      const cloudformation = passed ? { cloudformation: { passed } } : {};
      const analysis = calls ? analyseInContexts(file.path, text, calls, (warning) => ctx.warn(warning), hint) : analyseFile(file.path, text, (warning) => ctx.warn(warning), hint, { ...context, ...inChart, ...gitlab, ...compose, ...cloudformation, ...(terraformParse ? { terraformParse } : {}) });
      for (const secret of analysis.secrets) ctx.registerSecret(secret, file.path);
      ciScripts.add(file.path, analysis.platform, analysis.scriptRuns);
      // A setting an override file gives is reported where it is written (terraform/overrides.ts).
      const overrides = (terraform ?? calls?.[0]?.terraform)?.overrides;
      const placed = overrides?.length ? placeOverrideFindings(analysis.findings, overrides) : partialFileFindings(file.path, text, analysis);
      // A base whose objects every overlay that deploys it patches: what each of them fixes is not reported on it.
      // A scan of staged files does not see every overlay; skaffold and Tilt may deploy the base itself.
      const builds = analysis.platform === 'kubernetes' && !terraform && !stagedScan && !builtImages ? kustomizations.deployedBy(file.path) : undefined;
      const findings = builds ? withoutFixedByEveryBuild(file.path, text, placed, builds, 'kubernetes' in context ? { kubernetes: context.kubernetes } : undefined, loadYaml) : placed;
      yield* composeHealthchecked.has(file.path) ? findings.filter((f) => f.ruleId !== MISSING_HEALTHCHECK) : findings;
      if (isKustomization(file.path)) {
        const inline = inlinePatchFindings(file.path, text, (warning) => ctx.warn(warning), baseContainers.get(file.path), imagesOf(file.path), baseObjects.get(file.path));
        for (const secret of inline.secrets) ctx.registerSecret(secret, file.path);
        yield* inline.findings;
      } else if (analysis.platform === 'kubernetes' && mayHoldFluxPatches(text)) {
        // The patches of a Flux Kustomization: judged on what they write, as a kustomization's inline patches.
        const inline = inlinePatchFindings(file.path, text, (warning) => ctx.warn(warning), undefined, undefined, undefined, true);
        for (const secret of inline.secrets) ctx.registerSecret(secret, file.path);
        yield* inline.findings;
      }
    }
    if (ctx.signal.aborted) return;
    yield* ciScripts.findings((value, scope) => ctx.registerSecret(value, scope));
  },
};

/**
 * The findings of a compose file's services that have no image or build (an override),
 * and of a Kubernetes workload whose containers name no image (a patch, or a test's
 * expected state), keep to the values it writes (written-values.ts).
 */
function partialFileFindings(path: string, text: string, analysis: FileAnalysis): ScannerFinding[] {
  if (analysis.platform === 'kubernetes') {
    // Objects that cannot be created as written, or a test's expected state: a patch or an assertion (model.ts partialObjects).
    const input = analysis.findings.length > 0 ? readKubernetes(text, () => {}) : undefined;
    const partial = input ? (isTestAssertionFile(path) ? new Set(input.objects.map(objectLabel)) : partialObjects(input)) : new Set<string>();
    if (partial.size === 0) return analysis.findings;
    const of = (resource: string) => [...partial].some((label) => resource === label || resource.startsWith(`${label} `));
    return findingsOnWrittenValues(analysis.findings, text, (f) => typeof f.properties.resource === 'string' && of(f.properties.resource));
  }
  if (analysis.platform !== 'compose') return analysis.findings;
  const input = readCompose(text, () => {});
  const partial = input ? partialServices(input) : new Set<string>();
  if (partial.size === 0) return analysis.findings;
  return findingsOnWrittenValues(analysis.findings, text, (f) => typeof f.properties.resource === 'string' && partial.has(f.properties.resource.replace(/^service /, '')));
}
