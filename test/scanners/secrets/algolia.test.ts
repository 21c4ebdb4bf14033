import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { compiledDetectors } from '../../../src/scanners/secrets/detectors.js';
import { scanBytes } from '../../../src/scanners/secrets/engine/scan-bytes.js';

/** A random-looking 32-hex-digit value, the shape of every Algolia API key (made here, not a real key). */
const key = (seed: string) => createHash('md5').update(seed).digest('hex');
const SEARCH = key('search-only');
const ADMIN = key('admin');

const found = (path: string, ...lines: string[]) =>
  scanBytes(Buffer.from(lines.join('\n') + '\n', 'utf8'), path, compiledDetectors()).map((m) => `${m.detectorId}:${m.line}`);

describe('Algolia search-only keys are public by design: no finding in a site search block', () => {
  test('DocSearch, over lines and on one line', () => {
    assert.deepEqual(found('src/search.js', "docsearch({", "  container: '#docsearch',", "  appId: 'R2IYF7ETH7',", `  apiKey: '${SEARCH}',`, "  indexName: 'docs',", '});'), []);
    assert.deepEqual(found('dist/app.min.js', `var a=1;docsearch({appId:"R2IYF7ETH7",apiKey:"${SEARCH}",indexName:"docs",container:"#s"});var b=2;`), []);
    // DocSearch v2 named no application id: the call names the block.
    assert.deepEqual(found('docs/.vuepress/config.js', 'docsearch({', `  apiKey: '${SEARCH}',`, "  indexName: 'docs',", "  inputSelector: '#q',", '});'), []);
  });

  test('Docusaurus and VitePress configurations', () => {
    assert.deepEqual(
      found('docusaurus.config.js', 'module.exports = {', '  themeConfig: {', '    algolia: {', "      appId: 'BH4D9OD16A',", `      apiKey: '${SEARCH}',`, "      indexName: 'site',", '      contextualSearch: true,', '      searchParameters: {', "        facetFilters: ['language:en'],", '      },', '    },', '  },', '};'),
      [],
    );
    assert.deepEqual(
      found('docs/.vitepress/config.ts', 'export default defineConfig({', '  themeConfig: {', '    search: {', "      provider: 'algolia',", '      options: {', "        appId: '8J64VVRP8K',", `        apiKey: '${SEARCH}',`, "        indexName: 'vitepress'", '      }', '    }', '  }', '})'),
      [],
    );
  });

  test("Jekyll's search_only_api_key in _config.yml", () => {
    assert.deepEqual(found('_config.yml', 'algolia:', '  application_id: R2IYF7ETH7', '  index_name: posts', `  search_only_api_key: ${SEARCH}`), []);
  });
});

describe('Algolia keys that are not a site search key stay findings', () => {
  test('an admin or write key, beside the search key in the same block or in an .env file', () => {
    assert.deepEqual(
      found('scripts/index.js', 'const config = {', "  appId: 'R2IYF7ETH7',", `  apiKey: '${SEARCH}',`, `  adminApiKey: '${ADMIN}',`, `  writeApiKey: '${key('write')}',`, "  indexName: 'products',", '};'),
      ['generic-secret-assignment:4', 'generic-secret-assignment:5'],
    );
    assert.deepEqual(found('.env', 'ALGOLIA_APP_ID=R2IYF7ETH7', `ALGOLIA_ADMIN_KEY=${ADMIN}`, `ALGOLIA_SEARCH_KEY=${SEARCH}`), ['algolia-admin-key:2']);
    assert.deepEqual(found('src/indexer.ts', `export const algoliaAdminApiKey = '${ADMIN}';`), ['algolia-admin-key:1']);
  });

  test('an apiKey with no index beside it, or an index but nothing of Algolia', () => {
    assert.deepEqual(found('src/client.ts', "export const client = new Acme({", `  apiKey: '${SEARCH}',`, "  region: 'eu',", '});'), ['generic-secret-assignment:2']);
    assert.deepEqual(found('src/search.ts', 'search({', `  apiKey: '${SEARCH}',`, "  indexName: 'orders',", '});'), ['generic-secret-assignment:2']);
  });

  test('a key of another block, even beside an Algolia block or above its nested lines', () => {
    assert.deepEqual(
      found('site.config.js', 'export default {', '  algolia: {', "    appId: 'R2IYF7ETH7',", "    indexName: 'docs',", '  },', '  payments: {', `    apiKey: '${ADMIN}',`, '  },', '};'),
      ['generic-secret-assignment:7'],
    );
    assert.deepEqual(
      found('site.config.js', 'export default {', `  apiKey: '${ADMIN}',`, '  algolia: {', "    appId: 'R2IYF7ETH7',", "    indexName: 'docs',", '  },', '};'),
      ['generic-secret-assignment:2'],
    );
  });

  test('a value of another shape in the search key slot', () => {
    assert.deepEqual(found('docusaurus.config.js', '    algolia: {', "      appId: 'BH4D9OD16A',", "      apiKey: 'Ec5o9QmPuFXQQEbuW3a5PUIQJBsZXhMSq2',", "      indexName: 'site',", '    },'), ['generic-secret-assignment:3']);
  });
});
