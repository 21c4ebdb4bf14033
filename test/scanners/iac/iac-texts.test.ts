import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IacTexts } from '../../../src/scanners/iac/texts.js';
import { memoryFiles } from '../../helpers/memory-files.js';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { WorkspaceFile } from '../../../src/workspace/files.js';

const files = (texts: Record<string, string>) => memoryFiles(texts);

describe('IacTexts: one bounded store of texts for an iac scan', () => {
  it('gives the same promise while a text is held, and reads it again once taken', async () => {
    const { files: list, reads } = files({ 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 2\n' });
    const texts = new IacTexts(list);
    const first = texts.text(list[0]!);
    assert.equal(texts.text(list[0]!), first);
    assert.equal(await first, 'a: 1\n');
    assert.equal(texts.heldChars, 5);
    assert.equal(texts.take(list[0]!), first);
    assert.equal(texts.heldChars, 0);
    assert.equal(reads.get('a.yaml'), 1);
    assert.equal(await texts.take(list[0]!), 'a: 1\n');
    assert.equal(reads.get('a.yaml'), 2);
  });

  it('keeps within its budget, letting go the texts furthest down the order first', async () => {
    const { files: list, reads } = files({ 'a': 'x'.repeat(4), 'b': 'y'.repeat(4), 'c': 'z'.repeat(4) });
    const [a, b, c] = list as [(typeof list)[0], (typeof list)[0], (typeof list)[0]];
    const texts = new IacTexts(list, 8);
    await texts.text(c);
    await texts.text(b);
    assert.equal(texts.heldChars, 8);
    // a comes first: c, furthest down, makes room for it.
    await texts.text(a);
    assert.equal(texts.heldChars, 8);
    await texts.take(a);
    await texts.take(b);
    await texts.take(c);
    assert.deepEqual(Object.fromEntries(reads), { a: 1, b: 1, c: 2 });
    // A text that would only fit by letting go of earlier ones is not kept.
    const small = new IacTexts(list, 5);
    await small.text(a);
    await small.text(b);
    assert.equal(small.heldChars, 4);
  });

  it('holds no text of a file the loop does not read, nor of a file outside the scan', async () => {
    const { files: list } = files({ 'a': 'aaa', 'chart/templates/x.yaml': 'bbb' });
    const texts = new IacTexts(list);
    await texts.text(list[1]!);
    assert.equal(texts.heldChars, 3);
    texts.keepOnly((path) => !path.startsWith('chart/'));
    assert.equal(texts.heldChars, 0);
    await texts.text(list[1]!);
    await texts.text({ ...list[0]!, path: 'elsewhere' });
    assert.equal(texts.heldChars, 0);
  });

  it('reads each file ahead once at most, never after the loop took it, and only what the loop reads', async () => {
    const { files: list, reads } = files({ '1': 'a', '2': 'b', '3': 'c', '4': 'd', '5.tfvars': 'e' });
    const texts = new IacTexts(list, 1);
    await texts.take(list[1]!);
    const loopReads = (file: { path: string }) => !file.path.endsWith('.tfvars');
    texts.readAhead(list, 3, loopReads);
    texts.readAhead(list, 3, loopReads);
    texts.readAhead(list, 5, loopReads);
    await new Promise((resolve) => setImmediate(resolve));
    // 1 is held; 3 and 4 are read but do not fit (the budget is one character) and are let go; 2 was taken.
    assert.deepEqual(Object.fromEntries(reads), { '1': 1, '2': 1, '3': 1, '4': 1 });
  });
  it('keeps nothing of a text it lets go: the text is collected once its readers are done with it', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const size = 16 * 1024 * 1024;
    // A new text at each read, which only the store and its readers hold (flat: repeat alone makes a small rope).
    const file = (path: string): WorkspaceFile => ({ path, absPath: `/nowhere/${path}`, read: async () => Buffer.alloc(0), text: async () => JSON.parse(JSON.stringify(path.repeat(size))) as string });
    const list = [file('a'), file('b')];
    const texts = new IacTexts(list, 4 * size);
    await texts.text(list[0]!);
    await texts.text(list[1]!);
    gc();
    const holding = getHeapStatistics().used_heap_size;
    texts.release(list[1]!);
    assert.equal((await texts.take(list[0]!))?.length, size);
    assert.equal(texts.heldChars, 0);
    // Once this function's own references to them are gone.
    await new Promise((resolve) => setTimeout(resolve, 1));
    gc();
    assert.ok(holding - getHeapStatistics().used_heap_size > 1.5 * size, 'both texts collected');
  });
});
