/**
 * Which syntax a file is written in, as far as secret assignments care. Shell scripts
 * count as "env": their assignments are `NAME=value` lines like a .env file's.
 */
export type FileKind = 'env' | 'properties' | 'ini' | 'yaml' | 'json' | 'terraform' | 'xml' | 'dockerfile' | 'code' | 'docs' | 'other';

const BY_EXTENSION: Record<string, FileKind> = {
  env: 'env', sh: 'env', bash: 'env', zsh: 'env', ksh: 'env', envrc: 'env',
  properties: 'properties',
  ini: 'ini', cfg: 'ini', conf: 'ini', cnf: 'ini', toml: 'ini', npmrc: 'ini', pypirc: 'ini', gitconfig: 'ini',
  netrc: 'ini', pgpass: 'ini', editorconfig: 'ini',
  yml: 'yaml', yaml: 'yaml',
  json: 'json', jsonc: 'json', json5: 'json', map: 'json', ipynb: 'json',
  tf: 'terraform', tfvars: 'terraform', hcl: 'terraform',
  xml: 'xml', config: 'xml', csproj: 'xml', plist: 'xml', pom: 'xml',
  dockerfile: 'dockerfile', containerfile: 'dockerfile',
  md: 'docs', markdown: 'docs', rst: 'docs', txt: 'docs', adoc: 'docs', textile: 'docs',
};

const CODE_EXTENSIONS = new Set(
  ('js mjs cjs jsx ts mts cts tsx vue svelte astro py pyw rb erb rake go java kt kts scala groovy gradle cs vb fs ' +
    'php phtml rs swift m mm c cc cpp cxx h hpp dart lua pl pm r jl ex exs erl clj cljs elm hs ml fish ' +
    'ps1 psm1 bat cmd sql html htm graphql graphqls gql').split(' '),
);

/** Dotted names without an extension: ".env", ".env.local", ".npmrc", "Dockerfile", "Dockerfile.prod". */
export function fileKind(path: string): FileKind {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (base === '.env' || base.startsWith('.env.') || base === '.envrc' || base.endsWith('.env')) return 'env';
  if (base === 'dockerfile' || base.startsWith('dockerfile.') || base === 'containerfile') return 'dockerfile';
  if (base === '.npmrc' || base === '.pypirc' || base === '.netrc' || base === '.pgpass' || base === '.gitconfig' || base === '.git-credentials')
    return 'ini';
  const dot = base.lastIndexOf('.');
  if (dot < 0) return 'other';
  const extension = base.slice(dot + 1);
  const kind = Object.hasOwn(BY_EXTENSION, extension) ? BY_EXTENSION[extension] : undefined;
  if (kind) return kind;
  return CODE_EXTENSIONS.has(extension) ? 'code' : 'other';
}

/** Kinds where a value may stand unquoted after its key. */
export const CONFIG_KINDS: readonly FileKind[] = ['env', 'properties', 'ini', 'yaml', 'dockerfile'];
