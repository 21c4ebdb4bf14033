/** Container image references: `registry:5000/team/app:1.2@sha256:...`. */
export interface ImageRef {
  raw: string;
  /** Everything before the tag and digest. */
  name: string;
  tag?: string;
  digest?: string;
  /** The reference contains a variable (`${TAG}`, `$IMAGE`, `{{ .Values.tag }}`) and cannot be judged. */
  templated: boolean;
}

export function parseImage(raw: string): ImageRef {
  const value = raw.trim();
  const templated = /\$|\{\{|%\{/.test(value);
  let rest = value;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { raw: value, name: rest, ...(tag !== undefined ? { tag } : {}), ...(digest ? { digest } : {}), templated };
}

/** The registry an image name names (`registry.example.org`, `localhost:5000`), as Docker reads names: undefined for `app` and `team/app` (Docker Hub). */
export function registryHost(name: string): string | undefined {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash).toLowerCase();
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : undefined;
}

export type PinProblem = 'latest' | 'moving-tag' | 'untagged';

/**
 * Tags that name a branch, a channel or a release line, not a version (`app:main`,
 * `alpine:edge`, `node:lts-alpine`, `debian:stable-slim`), or only a variant of the
 * newest release (`nginx:alpine`, `python:slim`): each moves to whatever is pushed or
 * released under it next, as `latest` does. A variant suffix is words (`-alpine`,
 * `-slim`, `-alpine3.20`), not a commit (`main-3f2a1bc`, `main-abcdef1`).
 */
const MOVING_TAG = /^(?:stable|master|main|edge|nightly|develop|canary|rolling|lts|current|unstable|devel|trunk|alpine|slim)((?:[-_][a-z]+[\d.]*)*)$/i;

function movingTag(tag: string): boolean {
  const variant = MOVING_TAG.exec(tag);
  return !!variant && !variant[1]!.split(/[-_]/).some((part) => /^[0-9a-f]{7,}$/i.test(part));
}

/**
 * Why an image reference does not say which image runs: the `latest` tag, a moving tag
 * such as `main` or `nightly`, or no tag at all (which Docker reads as `latest`). A digest
 * pins the image whatever the tag says. A reference with a variable is judged only on a
 * tag written out: `${REGISTRY}/app:latest` is `latest`, while `$IMAGE` or `app:${TAG}`
 * may say anything.
 */
export function pinProblem(raw: string): PinProblem | undefined {
  const ref = parseImage(raw);
  if (ref.digest) return undefined;
  const tag = ref.tag?.toLowerCase();
  if (tag === 'latest') return 'latest';
  if (tag !== undefined && movingTag(tag)) return 'moving-tag';
  if (ref.templated || ref.raw === '' || ref.name.toLowerCase() === 'scratch') return undefined;
  return tag === undefined || tag === '' ? 'untagged' : undefined;
}

/** What a finding says after the image it names: ` with no tag (latest)`, ` on the moving 'nightly' tag, which names no version`. */
export function pinProblemNote(raw: string, problem: PinProblem): string {
  if (problem === 'untagged') return ' with no tag (latest)';
  if (problem === 'latest') return " on the floating 'latest' tag";
  return ` on the moving '${parseImage(raw).tag}' tag, which names no version`;
}
