import type { Hit } from '../../rule.js';
import { instancesMade, label, type TfInput, type TfResource } from '../model.js';

/** Instances named in one finding; past this, how many more. */
const NAMED = 3;

/**
 * The findings of a rule on a file whose resources with for_each or count were judged one
 * instance at a time (model.ts `resourcesOf`). The instances of a resource share their
 * lines, so the findings that differ only by the instance they name are one finding:
 * naming the resource as written (`aws_security_group_rule.ingress`, today's message)
 * when every instance has it, else the instances that have it
 * (`aws_security_group_rule.ingress["ssh"]`, `...["ssh"] (also ["rdp"])`).
 */
export function* namingInstances(input: TfInput, hits: Iterable<Hit>): Iterable<Hit> {
  if (!input.plans) {
    yield* hits;
    return;
  }
  const buffered = [...hits];
  const expanded = [...(instancesMade(input) ?? [])].filter(([, views]) => views.length > 0 && views[0]!.instance !== undefined);
  if (buffered.length === 0 || expanded.length === 0) {
    yield* buffered;
    return;
  }
  const resources = expanded.map(([resource, views]) => ({ resource, views, labels: views.map(label) }));
  // The instances a text names, each replaced by a mark of its resource (\0index\0).
  const normalize = (text: string, keys: Map<number, Set<number>>): string => {
    let out = text;
    resources.forEach(({ resource, labels }, r) => {
      if (!out.includes(`${resource.address}[`)) return;
      labels.forEach((name, i) => {
        if (!out.includes(name)) return;
        out = out.split(name).join(`\0${r}\0`);
        const set = keys.get(r) ?? new Set<number>();
        set.add(i);
        keys.set(r, set);
      });
    });
    return out;
  };
  const groups = new Map<string, { hit: Hit; message: string; resource: string | undefined; keys: Map<number, Set<number>> }>();
  for (const hit of buffered) {
    const keys = new Map<number, Set<number>>();
    const message = normalize(hit.message, keys);
    const resource = hit.resource === undefined ? undefined : normalize(hit.resource, keys);
    if (keys.size === 0) {
      groups.set(`\0hit${groups.size}`, { hit, message, resource, keys });
      continue;
    }
    const id = JSON.stringify([hit.line, hit.detailLine, hit.column, hit.severity, hit.secret, message, resource]);
    const group = groups.get(id);
    if (!group) groups.set(id, { hit, message, resource, keys });
    else for (const [r, set] of keys) for (const i of set) (group.keys.get(r) ?? group.keys.set(r, new Set()).get(r)!).add(i);
  }
  for (const { hit, message, resource, keys } of groups.values()) {
    if (keys.size === 0) {
      yield hit;
      continue;
    }
    const fill = (text: string) => text.replace(/\0(\d+)\0/g, (_, r: string) => named(resources[Number(r)]!, keys.get(Number(r)) ?? new Set()));
    yield { ...hit, message: fill(message), ...(resource !== undefined ? { resource: fill(resource) } : {}) };
  }
}

/** The resource as written when every instance is meant, else the instances meant. */
function named(of: { resource: TfResource; views: readonly TfResource[]; labels: string[] }, keys: ReadonlySet<number>): string {
  if (keys.size === 0 || keys.size === of.views.length) return label(of.resource);
  const meant = [...keys].sort((a, b) => a - b).map((i) => of.labels[i]!);
  if (meant.length === 1) return meant[0]!;
  const suffixes = meant.slice(1, NAMED).map((name) => name.slice(of.resource.address.length));
  const more = meant.length - NAMED;
  return `${meant[0]} (also ${suffixes.join(', ')}${more > 0 ? ` and ${more} more` : ''})`;
}
