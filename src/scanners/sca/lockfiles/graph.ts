/**
 * The dependency graph a lockfile records, turned into the per-package facts the
 * model carries: direct or transitive, dev (when only dev roots reach it), one shortest
 * path from the root, and the purls it depends on. Breadth-first, linear in nodes + edges.
 */
import type { LockfileResult, Package } from '../model.js';

export interface GraphNode {
  /** The package at this node; absent for a project node that is not a package (a pnpm importer). */
  pkg?: Package;
  /** Shown in dependency paths when there is no package: e.g. a workspace folder. */
  label?: string;
  /** Ids of the nodes this one depends on (production, optional and peer). */
  deps: string[];
  /** Development dependencies; only project nodes have them. */
  devDeps?: string[];
}

export interface Graph {
  rootName: string;
  rootVersion?: string;
  rootPurl?: string;
  nodes: Map<string, GraphNode>;
  /** Project nodes: the root first, then workspace members. Their dependencies are direct. */
  projects: string[];
  /**
   * True when the project nodes split dev from production dependencies, so a reachable
   * package is dev exactly when no production root reaches it. False keeps each package's own flag.
   */
  devFromGraph: boolean;
}

export function labelOf(node: GraphNode | undefined, id: string): string {
  if (node?.pkg) return `${node.pkg.name}@${node.pkg.version}`;
  return node?.label ?? id;
}

/** Applies the graph to its packages (mutating them) and returns the root for the LockfileResult. */
export function applyGraph(graph: Graph): NonNullable<LockfileResult['root']> {
  const { nodes, projects } = graph;
  const projectSet = new Set(projects);

  const directIds = new Set<string>();
  for (const projectId of projects) {
    const project = nodes.get(projectId);
    if (!project) continue;
    for (const id of project.deps) if (!projectSet.has(id)) directIds.add(id);
    for (const id of project.devDeps ?? []) if (!projectSet.has(id)) directIds.add(id);
  }

  if (graph.devFromGraph) {
    // Dev: reached from the projects only through a devDependency. Unreachable packages keep their own flag.
    const prod = reach(nodes, projects, false);
    const any = reach(nodes, projects, true);
    for (const [id, node] of nodes) {
      if (node.pkg && !projectSet.has(id) && any.has(id)) node.pkg.dev = !prod.has(id);
    }
  }

  // Breadth-first from the root: the first visit of a node is along one shortest path.
  const parent = new Map<string, string | null>();
  const queue: string[] = [];
  const rootId = projects[0];
  if (rootId !== undefined) {
    parent.set(rootId, null);
    queue.push(rootId);
    for (const id of projects.slice(1)) {
      if (!parent.has(id)) {
        parent.set(id, rootId);
        queue.push(id);
      }
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head] as string;
    const node = nodes.get(id);
    if (!node) continue;
    for (const next of edges(node)) {
      if (parent.has(next) || !nodes.has(next)) continue;
      parent.set(next, id);
      queue.push(next);
    }
  }
  // Paths in visiting order, each from its parent's (already built): no label is built twice.
  const paths = new Map<string, string[]>();
  if (rootId !== undefined) paths.set(rootId, [graph.rootName]);
  for (const id of queue) {
    const up = parent.get(id);
    if (up === null || up === undefined) continue;
    paths.set(id, [...(paths.get(up) ?? [graph.rootName]), labelOf(nodes.get(id), id)]);
  }

  for (const [id, node] of nodes) {
    const pkg = node.pkg;
    if (!pkg) continue;
    if (!projectSet.has(id)) pkg.direct = directIds.has(id);
    const dependsOn = new Set<string>();
    for (const next of edges(node)) {
      const target = nodes.get(next)?.pkg;
      if (target && target.purl !== pkg.purl) dependsOn.add(target.purl);
    }
    if (dependsOn.size > 0) pkg.dependsOn = [...dependsOn].sort();
    const path = id === rootId ? undefined : paths.get(id);
    if (path) pkg.dependencyPath = path;
  }

  const root: NonNullable<LockfileResult['root']> = { name: graph.rootName };
  if (graph.rootVersion) root.version = graph.rootVersion;
  if (graph.rootPurl) root.purl = graph.rootPurl;
  const rootDeps = new Set<string>();
  const rootNode = rootId === undefined ? undefined : nodes.get(rootId);
  const rootEdges = rootNode ? edges(rootNode) : [];
  // Workspace members hang under the root even when the root does not name them.
  for (const id of [...rootEdges, ...projects.slice(1)]) {
    const target = nodes.get(id);
    if (target?.pkg) rootDeps.add(target.pkg.purl);
    else if (target && projectSet.has(id)) for (const dep of edges(target)) {
      const pkg = nodes.get(dep)?.pkg;
      if (pkg) rootDeps.add(pkg.purl);
    }
  }
  if (rootDeps.size > 0) root.dependsOn = [...rootDeps].sort();
  return root;
}

function edges(node: GraphNode): string[] {
  return node.devDeps && node.devDeps.length > 0 ? node.deps.concat(node.devDeps) : node.deps;
}

function reach(nodes: Map<string, GraphNode>, start: string[], withDev: boolean): Set<string> {
  const seen = new Set<string>(start);
  const queue = [...start];
  for (let head = 0; head < queue.length; head++) {
    const node = nodes.get(queue[head] as string);
    if (!node) continue;
    const next = withDev ? edges(node) : node.deps;
    for (const id of next) {
      if (seen.has(id)) continue;
      seen.add(id);
      queue.push(id);
    }
  }
  return seen;
}
