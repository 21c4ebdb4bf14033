import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Scalar, YAMLError } from 'yaml';
import { get, loadYaml, pair, plain, text, withoutStacks } from '../../../src/scanners/iac/yaml/tree.js';

describe('bounded YAML tree', () => {
  it('keeps lines of keys and values across documents and expands merge keys', () => {
    const result = loadYaml('a: 1\n---\nbase: &b\n  x: 1\n  y: 2\nuse:\n  <<: *b\n  y: 3\n');
    assert.equal(result.documents.length, 2);
    const second = result.documents[1]!.root;
    assert.equal(pair(second, 'use')!.keyLine, 6);
    assert.deepEqual(plain(get(second, 'use')), { y: 3, x: 1 });
    assert.equal(pair(get(second, 'use'), 'x')!.keyLine, 4);
    assert.equal(text(get(result.documents[0]!.root, 'a')), '1');
  });

  it('turns an alias bomb into a problem instead of exhausting memory', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const result = loadYaml(levels.join('\n'));
    assert.equal(result.documents.length, 0);
    assert.match(result.problems[0]!.message, /alias bomb or huge document/);
  });

  it('finds the node of each alias once per document: merge keys of merge keys stay fast (each alias read again walked the whole document)', () => {
    const mergeChain = (levels: number) => 'x0: &x0 {a: 1}\n' + Array.from({ length: levels }, (_, i) => `x${i + 1}: &x${i + 1}\n  <<: [*x${i}, *x${i}]\n  k${i}: 1\n`).join('') + `top: *x${levels}\n`;
    let result: ReturnType<typeof loadYaml> | undefined;
    const lookups = anchorLookups(() => (result = loadYaml(mergeChain(40))));
    assert.match(result!.problems[0]!.message, /expands to more than 250000 nodes/);
    // One walk reads the anchor of each of the document's few hundred nodes; a walk at every
    // alias read (about 12 s) read millions.
    assert.ok(lookups < 5_000, `${lookups} anchors looked up`);
    assert.deepEqual(plain(get(loadYaml(mergeChain(3)).documents[0]!.root, 'top')), { k2: 1, k1: 1, k0: 1, a: 1 });
    // An anchor written again names the node of its last writing before the alias.
    const twice = loadYaml('a: &x 1\nb: *x\nc: &x 2\nd: *x\n').documents[0]!.root;
    assert.deepEqual([text(get(twice, 'b')), text(get(twice, 'd'))], ['1', '2']);
  });

  it('parses a broken file of many errors without a stack for each error (a few MB took seconds per MB and a GB of memory)', () => {
    let result: ReturnType<typeof loadYaml> | undefined;
    const made = yamlErrorsMade(() => (result = loadYaml('items:\n' + '  - {name: ${{ x }}}\n'.repeat(2_000))));
    assert.equal(result!.problems[0]!.line, 2);
    assert.ok(made.errors >= 2_000, `${made.errors} errors`);
    assert.equal(made.withStack, 0);
    const limit = Error.stackTraceLimit;
    assert.equal(withoutStacks(() => new Error('x').stack), 'Error: x');
    assert.throws(() => withoutStacks(() => { throw new Error('y'); }), /y/);
    assert.equal(Error.stackTraceLimit, limit);
  });

  it('reports invalid YAML with its line and refuses oversize input', () => {
    const bad = loadYaml('a: 1\nb: [1, 2\nc: 3\n');
    assert.ok(bad.problems.length > 0);
    assert.ok(bad.problems[0]!.line >= 2);
    const big = loadYaml('a: 1\n', { maxChars: 3, maxNodes: 10 });
    assert.match(big.problems[0]!.message, /larger than/);
  });
  it('reads a flow collection continued on lines no deeper than its key, as PyYAML does, with one warning', () => {
    const source = ['Policy:', '  Statement:', '    - Action: "*"', '      Resource: [', '      "arn:aws:s3:::a]b",', '      "*"', '      ]', '  Other: [x, # a [ comment', '    y]', 'Next: 1', ''].join('\n');
    const result = loadYaml(source);
    assert.equal(result.problems.length, 1);
    assert.equal(result.problems[0]!.line, 5);
    assert.match(result.problems[0]!.message, /read as go-yaml, PyYAML and CloudFormation read it/);
    const root = result.documents[0]!.root;
    assert.deepEqual(plain(get(root, 'Policy', 'Statement')), [{ Action: '*', Resource: ['arn:aws:s3:::a]b', '*'] }]);
    assert.equal(pair(root, 'Next')!.keyLine, 10);
    const map = loadYaml('Tags: {\nName: web,\nTeam: ops\n}\nNext: 1\n');
    assert.deepEqual(plain(get(map.documents[0]!.root, 'Tags')), { Name: 'web', Team: 'ops' });
    // A key after a sequence entry's dash: the flow closes at the dash's column (GitLab's parallel: matrix:, which GitLab's libyaml reads).
    const matrix = loadYaml(['job:', '  parallel:', '    matrix:', '      - BACKENDS: [', '          "openssl",', '          "nss"', '      ]', '  script:', '    - make', ''].join('\n'));
    assert.equal(matrix.problems.length, 1);
    assert.deepEqual(plain(get(matrix.documents[0]!.root, 'job')), { parallel: { matrix: [{ BACKENDS: ['openssl', 'nss'] }] }, script: ['make'] });
    assert.equal(pair(get(matrix.documents[0]!.root, 'job'), 'script')!.keyLine, 8);
    // Anything else that YAML 1.2 refuses stays a problem.
    assert.equal(loadYaml('a: [1,\nb: 2\n').documents.length, 0);
    // Brackets in a block scalar's text (a script in a ConfigMap) or in an earlier document open no flow collection.
    const script = loadYaml(
      ['kind: ConfigMap', 'data:', '  run.sh: |-', '    connect() {', '      if [ -n "$HOST" ]; then', '    echo "{ not closed [ here"', '  other: |', '    ${FOO', 'kind2: x', '---', 'kind: Deployment', 'spec:', '  command: [ "/bin/sh",', '  "-c" ]', '  replicas: 1', ''].join('\n'),
    );
    assert.equal(script.problems.length, 1);
    assert.deepEqual(script.documents.map((d) => plain(d.root)), [
      { kind: 'ConfigMap', data: { 'run.sh': 'connect() {\n  if [ -n "$HOST" ]; then\necho "{ not closed [ here"', other: '${FOO\n' }, kind2: 'x' },
      { kind: 'Deployment', spec: { command: ['/bin/sh', '-c'], replicas: 1 } },
    ]);
  });

  it('reads a quoted string continued on lines no deeper than its key, as go-yaml writes a long one in a sequence (a CRD), with one warning', () => {
    const source = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: web',
      'spec:',
      '  containers:',
      '    - name: web',
      '      image: example.org/web:1.0',
      '      args:',
      "        - 'serve --listen=0.0.0.0:8080 --upstream=http://backend.shop.svc:8080",
      "        --timeout=30s'",
      '      securityContext:',
      '        privileged: true',
      '',
    ].join('\n');
    const result = loadYaml(source);
    assert.deepEqual(result.problems.map((p) => p.line), [10]);
    assert.match(result.problems[0]!.message, /a quoted string continues/);
    const container = (get(result.documents[0]!.root, 'spec', 'containers') as { items: unknown[] }).items[0] as Parameters<typeof get>[0];
    assert.deepEqual(plain(get(container, 'args')), ['serve --listen=0.0.0.0:8080 --upstream=http://backend.shop.svc:8080 --timeout=30s']);
    assert.equal(pair(get(container, 'securityContext'), 'privileged')!.keyLine, 13);
    // A file that needs both readings is read with both.
    const both = loadYaml(['a:', '  - b: [', '  1]', "    c: 'x", "    y'", ''].join('\n'));
    assert.deepEqual(plain(both.documents[0]?.root), { a: [{ b: [1], c: 'x y' }] });
    // Quotes in a block scalar's text (a script in a ConfigMap) or in an earlier document open no string.
    const script = loadYaml(["kind: ConfigMap", 'data:', '  run.sh: |', '    "unbalanced', "    echo 'it", 'kind2: x', '---', 'kind: Pod', 'args:', "  - 'a", "  b'", 'next: 1', ''].join('\n'));
    assert.deepEqual(script.problems.map((p) => p.line), [10]);
    assert.deepEqual(script.documents.map((d) => plain(d.root)), [
      { kind: 'ConfigMap', data: { 'run.sh': '"unbalanced\necho \'it\n' }, kind2: 'x' },
      { kind: 'Pod', args: ['a b'], next: 1 },
    ]);
  });

  it('keeps the explicit tag of a node (!reference, !Ref, !!str) and gives none to untagged nodes', () => {
    const root = loadYaml('a: !reference [.setup, script]\nb: !Ref Bucket\nc: !!str 12\nd: [x]\ne: &r !reference [.x, y]\nf: *r\n').documents[0]!.root;
    assert.equal(get(root, 'a')!.tag, '!reference');
    assert.deepEqual(plain(get(root, 'a')), ['.setup', 'script']);
    assert.equal(get(root, 'b')!.tag, '!Ref');
    assert.equal(text(get(root, 'b')), 'Bucket');
    assert.equal(get(root, 'c')!.tag, 'tag:yaml.org,2002:str');
    assert.equal('tag' in get(root, 'd')!, false);
    // An alias is its anchor's node, tag included.
    assert.equal(get(root, 'f')!.tag, '!reference');
  });
});

/**
 * How many errors the yaml library made while `run` ran, and how many of them captured a stack
 * (the cost withoutStacks saves): read when each error is given its code, right after Error's constructor.
 */
function yamlErrorsMade(run: () => void): { errors: number; withStack: number } {
  const made = { errors: 0, withStack: 0 };
  Object.defineProperty(YAMLError.prototype, 'code', {
    configurable: true,
    set(this: Error, code: unknown) {
      made.errors++;
      if (this.stack?.includes('\n    at ')) made.withStack++;
      Object.defineProperty(this, 'code', { value: code, writable: true, enumerable: true, configurable: true });
    },
  });
  try {
    run();
  } finally {
    delete (YAMLError.prototype as { code?: unknown }).code;
  }
  return made;
}

/**
 * How many times the yaml library's nodes were asked for an anchor they do not have while
 * `run` ran: a walk of a document looking for the node an alias names asks each node once.
 */
function anchorLookups(run: () => void): number {
  const nodeBase = Object.getPrototypeOf(Scalar.prototype) as object;
  let lookups = 0;
  Object.defineProperty(nodeBase, 'anchor', {
    configurable: true,
    get: () => void lookups++,
    set(this: object, anchor: unknown) {
      Object.defineProperty(this, 'anchor', { value: anchor, writable: true, enumerable: true, configurable: true });
    },
  });
  try {
    run();
  } finally {
    delete (nodeBase as { anchor?: unknown }).anchor;
  }
  return lookups;
}
