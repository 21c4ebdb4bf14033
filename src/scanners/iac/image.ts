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

export type PinProblem = 'latest' | 'untagged';

/**
 * Why an image reference does not say which image runs: the `latest` tag or no tag at
 * all (which Docker reads as `latest`). A digest pins the image whatever the tag says.
 * A reference with a variable is judged only on a tag written out: `${REGISTRY}/app:latest`
 * is `latest`, while `$IMAGE` or `app:${TAG}` may say anything.
 */
export function pinProblem(raw: string): PinProblem | undefined {
  const ref = parseImage(raw);
  if (ref.templated) return !ref.digest && ref.tag?.toLowerCase() === 'latest' ? 'latest' : undefined;
  if (ref.raw === '' || ref.name.toLowerCase() === 'scratch') return undefined;
  if (ref.digest) return undefined;
  if (ref.tag === undefined || ref.tag === '') return 'untagged';
  if (ref.tag.toLowerCase() === 'latest') return 'latest';
  return undefined;
}
