/**
 * Whether a manifest holds nothing but CustomResourceDefinitions, told from its text alone.
 *
 * A CRD is a schema: no rule has anything to check in it, yet charts and operators ship them
 * by the megabyte (one CRD file of a chart is over 1 MB), and parsing them was most of the
 * time of a scan of a chart repository. The test is strict, so that a file only passes when
 * its documents cannot be anything else: each document is a block mapping whose keys all
 * start at column 0 as plain words, with exactly one `apiVersion:` of apiextensions.k8s.io
 * and exactly one `kind: CustomResourceDefinition` (a second `kind:` would win over the first
 * in Kubernetes). Anything unusual (flow or JSON documents, quoted or merge keys, anchors on
 * the kind, directives, `...` document ends, a document separator with content after it)
 * fails the test, and the file is parsed and checked as any other.
 */
export function onlyCustomResourceDefinitions(source: string): boolean {
  if (!source.includes('CustomResourceDefinition')) return false;
  let crds = 0;
  let document = emptyDocument();
  const closeDocument = (): boolean => {
    if (document.keys === 0) return true;
    if (document.kinds !== 1 || document.apiVersions !== 1 || !document.crd || !document.apiextensions) return false;
    crds++;
    return true;
  };
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const lineStart = start;
    const lineEnd = end > start && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end;
    start = end + 1;
    const first = text.charCodeAt(lineStart);
    if (lineEnd === lineStart || first === 0x23) continue;
    if (first === 0x20) {
      // An indented line belongs to the current key's value; before any key, the document is not a block mapping at column 0.
      if (document.keys === 0 && !/^ *(?:#|$)/.test(text.slice(lineStart, lineEnd))) return false;
      continue;
    }
    const line = text.slice(lineStart, lineEnd);
    if (/^---[ \t]*(?:#.*)?$/.test(line)) {
      if (!closeDocument()) return false;
      document = emptyDocument();
      continue;
    }
    const key = /^([A-Za-z][\w.-]*):(?:[ \t]|$)(.*)$/.exec(line);
    if (!key) return false;
    document.keys++;
    const value = key[2]!.replace(/[ \t]+#.*$/, '').trim();
    if (key[1] === 'kind') {
      document.kinds++;
      document.crd = /^(["']?)CustomResourceDefinition\1$/.test(value);
    } else if (key[1] === 'apiVersion') {
      document.apiVersions++;
      document.apiextensions = /^(["']?)apiextensions\.k8s\.io\/v1(?:beta1)?\1$/.test(value);
    }
  }
  return closeDocument() && crds > 0;
}

function emptyDocument() {
  return { keys: 0, kinds: 0, apiVersions: 0, crd: false, apiextensions: false };
}
