import { isAlias, visit, type Alias, type Document, type Node as YamlNode } from 'yaml';

/** The node each alias of a document names, by document: read in one pass, at the first alias. */
const targetsByDocument = new WeakMap<Document, Map<Alias, YamlNode>>();

/**
 * The node an alias names: the last node before it that has its anchor, as the yaml
 * library's Alias.resolve finds it. Alias.resolve walks the whole document at each call,
 * so an alias read many times (merge keys of merge keys, each expanded again) cost the
 * document's size each time: seconds for a few lines. The targets are found in one walk.
 */
export function aliasTarget(doc: Document, alias: Alias): YamlNode | undefined {
  let targets = targetsByDocument.get(doc);
  if (!targets) {
    const found = new Map<Alias, YamlNode>();
    const anchors = new Map<string, YamlNode>();
    visit(doc, {
      Node: (_key, node) => {
        if (isAlias(node)) {
          const target = anchors.get(node.source);
          if (target) found.set(node, target);
        } else if (typeof node.anchor === 'string' && node.anchor !== '') anchors.set(node.anchor, node as YamlNode);
      },
    });
    targetsByDocument.set(doc, (targets = found));
  }
  return targets.get(alias);
}
