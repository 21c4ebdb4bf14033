import type { MatchInfo } from '../detector.js';

/**
 * Algolia search-only API keys are public by design: DocSearch (`docsearch({ appId, apiKey,
 * indexName })`), Docusaurus and VitePress (`algolia: { appId, apiKey, indexName }`) and the
 * Jekyll and Hugo themes put one in the site's configuration, beside the application id and
 * the index name, and every visitor's browser receives it. Such a key can only search the
 * indices it is restricted to, the searches the site itself makes, so it is no finding. Only
 * that shape is spared: a 32-hex-digit value under a search key's name (apiKey,
 * search_only_api_key, ...) in a block that names an index and is Algolia's. Admin and write
 * keys (adminApiKey, writeApiKey, ALGOLIA_ADMIN_KEY, ALGOLIA_API_KEY of indexing scripts) keep
 * being judged like any other secret.
 */
const SEARCH_KEY_NAME = /^(?:apiKey|api_key|searchApiKey|search_api_key|searchOnlyApiKey|search_only_api_key)$/;
const ALGOLIA_KEY = /^[a-f0-9]{32}$/;
const INDEX_NAME = /\b(?:indexName|index_name)\b/;
const ALGOLIA_BLOCK = /\b(?:appId|app_id|applicationId|application_id)\b|algolia|docsearch/i;
/** Lines searched above and below the key for its block. */
const BLOCK_LINES = 12;
/** Characters of a line kept around the key (or from a sibling line's start): minified code is one long line. */
const LINE_REACH = 300;

export function isAlgoliaSearchOnlyKey(name: string, value: string, match: MatchInfo): boolean {
  const dot = name.lastIndexOf('.');
  if (!SEARCH_KEY_NAME.test(name.slice(dot + 1)) || !ALGOLIA_KEY.test(value)) return false;
  const block = blockOf(match);
  // A dotted name carries its block in itself: algolia.apiKey, themeConfig.algolia.apiKey.
  return INDEX_NAME.test(block) && (ALGOLIA_BLOCK.test(block) || ALGOLIA_BLOCK.test(name.slice(0, dot + 1)));
}

/**
 * The text of the block the match sits in: its own line around it, the lines beside it at
 * its indentation (its siblings; deeper lines belong to a nested block), and the line above
 * that opens the block (`algolia: {`, `docsearch({`, `algolia:`).
 */
function blockOf(match: MatchInfo): string {
  const { lines, at, column } = match.around(BLOCK_LINES, BLOCK_LINES);
  const own = lines[at] ?? '';
  const indent = indentOf(own);
  const parts = [own.slice(Math.max(0, column - LINE_REACH), column + LINE_REACH)];
  for (let i = at - 1; i >= 0; i--) {
    const line = lines[i]!;
    const depth = indentOf(line);
    if (line.trim() === '' || depth > indent) continue;
    parts.push(line.slice(0, 2 * LINE_REACH));
    if (depth < indent) break;
  }
  for (let i = at + 1; i < lines.length; i++) {
    const line = lines[i]!;
    const depth = indentOf(line);
    if (line.trim() === '' || depth > indent) continue;
    if (depth < indent) break;
    parts.push(line.slice(0, 2 * LINE_REACH));
  }
  return parts.join('\n');
}

function indentOf(line: string): number {
  return /^[ \t]*/.exec(line)![0].length;
}
