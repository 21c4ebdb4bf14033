/**
 * Control-plane components (kube-apiserver, kube-controller-manager, kube-scheduler,
 * etcd, kubelet) run as containers in static pod manifests; their security settings are
 * command-line flags. This reads a container's command and args as one command line.
 */
import { inside, type Hit } from '../rule.js';
import { get, isYScalar, isYSeq, items, pair, text } from '../yaml/tree.js';
import type { Container, KubeInput } from './model.js';

export const COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd', 'kubelet'] as const;
export type Component = (typeof COMPONENTS)[number];

export interface Flag {
  /** The value after `=` or the following word; undefined for a bare `--flag`. */
  value: string | undefined;
  /** The line of the list entry that holds the flag. */
  line: number;
}

export interface ComponentCommand {
  container: Container;
  component: Component;
  flags: Map<string, Flag>;
  /**
   * Where the command line starts: the `command:` key, or `args:` when the image's
   * entrypoint is used. Command and args are one argv, so a flag anywhere in them is
   * reported here with the flag's own line as detail (convention 4 of `Hit`).
   */
  line: number;
}

/** Words of `command` then `args`, each with its line; a string entry holding several words is split. */
function argv(container: Container): Array<{ word: string; line: number }> {
  const out: Array<{ word: string; line: number }> = [];
  for (const key of ['command', 'args']) {
    const node = get(container.node, key);
    const entries = isYSeq(node) ? items(node) : isYScalar(node) ? [node] : [];
    for (const entry of entries) {
      const value = text(entry);
      if (value === undefined) continue;
      for (const word of value.split(/\s+/).filter(Boolean)) out.push({ word, line: entry.line });
    }
  }
  return out;
}

function componentOf(words: Array<{ word: string }>): Component | undefined {
  for (const { word } of words.slice(0, 4)) {
    const name = word.slice(word.lastIndexOf('/') + 1);
    const component = COMPONENTS.find((c) => c === name);
    if (component) return component;
  }
  return undefined;
}

export function componentCommands(input: KubeInput): ComponentCommand[] {
  const out: ComponentCommand[] = [];
  for (const container of input.containers) {
    const words = argv(container);
    const component = componentOf(words);
    if (!component) continue;
    const flags = new Map<string, Flag>();
    for (let k = 0; k < words.length; k++) {
      const match = /^--?([A-Za-z0-9][\w-]*)(?:=(.*))?$/.exec(words[k]!.word);
      if (!match) continue;
      let value = match[2];
      const next = words[k + 1];
      if (value === undefined && next && !next.word.startsWith('-')) {
        value = next.word;
        k++;
      }
      flags.set(match[1]!, { value, line: words[k]!.line });
    }
    const line = pair(container.node, 'command')?.keyLine ?? pair(container.node, 'args')?.keyLine ?? container.line;
    out.push({ container, component, flags, line });
  }
  return out;
}

/** Where a finding about one flag goes: the command line's start, with the flag's entry as detail. */
export function flagPlace(command: ComponentCommand, flag: Flag | undefined): Pick<Hit, 'line' | 'detailLine'> {
  return flag ? inside(command.line, flag.line) : { line: command.line };
}

/** Comma-separated flag values (`--enable-admission-plugins=A,B`). */
export function listValue(flag: Flag | undefined): string[] {
  return (flag?.value ?? '').split(',').map((v) => v.trim()).filter(Boolean);
}

/** `300s`, `5m`, `1h0m10s` -> seconds; undefined when unreadable. */
export function durationSeconds(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (!match || value === '') return undefined;
  return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}

/** `registry.k8s.io/kube-apiserver:v1.18.6` -> 1.18; undefined for a digest-only, untagged or templated image. */
export function imageVersion(container: Container): { major: number; minor: number } | undefined {
  const image = text(get(container.node, 'image'));
  const match = image ? /:v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+][\w.-]*)?(?:@.*)?$/.exec(image) : null;
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
}
