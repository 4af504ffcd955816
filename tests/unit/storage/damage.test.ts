import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SCHEMA_VERSION } from '../../../src-main/storage/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, NewerVersionError } from '../../../src-main/storage/store';
import type { Store } from '../../../src-main/storage/types';
import { makeFeed, makeItem, tempDir } from './fixtures';

let dir: string;
let cleanup: () => Promise<void>;
let store: Store | undefined;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await store?.close();
  store = undefined;
  await cleanup();
});

/** A library of two feeds, closed, ready to be damaged. */
async function seed(): Promise<void> {
  const s = await openStore(dir);
  await s.updateLibrary((lib) => lib.feeds.push(makeFeed('f1'), makeFeed('f2')));
  await s.putItems({ feedId: 'f1', items: [makeItem('f1', 1), makeItem('f1', 2, { read: true })], content: new Map([['f1-i1', '<p>one</p>']]) });
  await s.putItems({ feedId: 'f2', items: [makeItem('f2', 1)], content: new Map([['f2-i1', '<p>two</p>']]) });
  await s.close();
}

const corruptFiles = async (sub: string) => (await readdir(join(dir, sub))).filter((n) => n.includes('.corrupt-'));

const badBodies: [string, string | Buffer][] = [
  ['invalid JSON', '{"format": "tidings-items", "feedId": '],
  ['an empty file', ''],
  ['only NUL bytes', Buffer.alloc(4096)],
  ['the wrong shape', JSON.stringify({ format: 'tidings-items', version: 1, feedId: 'f1', head: { ids: ['a'], pub: [] } })],
  ['a null document', 'null'],
  ['format 3 columns of the wrong length', JSON.stringify({ format: 'tidings-items', version: 3, feedId: 'f1', head: { ids: ['a'], tagTable: [], tagSets: [[]], cols: Buffer.alloc(16).toString('base64'), pruned: {} }, body: [{ title: 'A', published: '2026-01-01T00:00:00.000Z' }] })],
  ['format 3 with a tag set out of range', JSON.stringify({ format: 'tidings-items', version: 3, feedId: 'f1', head: { ids: ['a'], tagTable: ['t'], tagSets: [[1]], cols: Buffer.alloc(17).toString('base64'), pruned: {} }, body: [{ title: 'A', published: '2026-01-01T00:00:00.000Z' }] })],
  ['a list', '[]'],
];

describe('a damaged items file', () => {
  it.each(badBodies)('with %s is moved aside, reported, and the rest loads', async (_name, bytes) => {
    await seed();
    await writeFile(join(dir, 'items', 'f1.json'), bytes);
    store = await openStore(dir);
    expect(store.itemCount()).toBe(1);
    expect(store.getItem('f2-i1')!.title).toBe('Item 1 of f2');
    expect(store.notices).toHaveLength(1);
    expect(store.notices[0]!.file).toBe('items/f1.json');
    expect(store.notices[0]!.message).toMatch(/items\/f1\.json is damaged .*moved aside/);
    const aside = await corruptFiles('items');
    expect(aside).toHaveLength(1);
    expect(await readFile(join(dir, 'items', aside[0]!))).toEqual(Buffer.from(bytes));
    expect(store.library().feeds.map((f) => f.id)).toEqual(['f1', 'f2']);
  });

  it('with a cut-off end (truncated text) is moved aside', async () => {
    await seed();
    const path = join(dir, 'items', 'f1.json');
    const full = await readFile(path);
    await writeFile(path, full.subarray(0, full.length - 20));
    store = await openStore(dir);
    expect(store.itemCount()).toBe(1);
    expect(await corruptFiles('items')).toHaveLength(1);
  });

  it('whose text is damaged inside is set aside when first read, and the rest goes on', async () => {
    await seed();
    const path = join(dir, 'items', 'f1.json');
    const text = await readFile(path, 'utf8');
    // Keep the file's shape and length (so the fast open accepts it) but break one item's text inside.
    await writeFile(path, text.replace('"title":"Item 1 of f1"', '"title": Item 1 of f1"'));
    store = await openStore(dir);
    expect(store.itemCount()).toBe(3);
    expect(store.getItem('f1-i1')).toBeUndefined();
    expect(store.itemCount()).toBe(1);
    expect(store.tallyAll().total).toBe(1);
    expect(store.notices.map((n) => n.file)).toEqual(['items/f1.json']);
    expect(await corruptFiles('items')).toHaveLength(1);
    expect(store.getItem('f2-i1')).toBeDefined();
  });

  it('edited by hand (re-indented, BOM, CRLF) still loads, and is rewritten in our format on the next change', async () => {
    await seed();
    const path = join(dir, 'items', 'f1.json');
    const doc = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, `\ufeff${JSON.stringify(doc, null, 2).replace(/\n/g, '\r\n')}`);
    store = await openStore(dir);
    expect(store.notices).toEqual([]);
    expect(store.getItem('f1-i2')!.read).toBe(true);
    expect(store.getItem('f1-i1')!.summary).toContain('ünïcödé');
    await store.patchItems(['f1-i1'], (it) => ((it.starred = true), true));
    await store.close();
    store = await openStore(dir);
    expect(store.getItem('f1-i1')!.starred).toBe(true);
    expect((await readFile(path, 'utf8')).split('\n')).toHaveLength(3);
  });
});

describe('a damaged library.json', () => {
  it.each(badBodies)('with %s is moved aside, reported, and the items still load', async (_name, bytes) => {
    await seed();
    await writeFile(join(dir, 'library.json'), bytes);
    store = await openStore(dir);
    expect(store.notices.map((n) => n.file)).toEqual(['library.json']);
    expect(store.notices[0]!.message).toMatch(/library\.json is damaged/);
    expect(store.library().feeds).toEqual([]);
    expect(store.itemCount()).toBe(3);
    const aside = await corruptFiles('.');
    expect(aside).toHaveLength(1);
    expect(await readFile(join(dir, aside[0]!))).toEqual(Buffer.from(bytes));
  });

  it('with a BOM and CRLF line ends is read as it is', async () => {
    await seed();
    const path = join(dir, 'library.json');
    const text = await readFile(path, 'utf8');
    await writeFile(path, `\ufeff${text.replace(/\n/g, '\r\n')}`);
    store = await openStore(dir);
    expect(store.notices).toEqual([]);
    expect(store.library().feeds.map((f) => f.id)).toEqual(['f1', 'f2']);
  });

  it('from a newer Tidings is refused with a clear error and never overwritten', async () => {
    await seed();
    const path = join(dir, 'library.json');
    const newer = JSON.stringify({ schemaVersion: 99, feeds: [], future: true });
    await writeFile(path, newer);
    const err = await openStore(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NewerVersionError);
    expect((err as Error).message).toContain(`schemaVersion 99, newer than this Tidings understands (${SCHEMA_VERSION})`);
    expect(await readFile(path, 'utf8')).toBe(newer);
    // The lock was released: a later open (after a fix) works.
    await writeFile(path, JSON.stringify({ schemaVersion: 1, feeds: [] }));
    store = await openStore(dir);
    expect(store.itemCount()).toBe(3);
  });
});

describe('other damage', () => {
  it('a damaged content file is moved aside when read; its article text is missing, nothing else', async () => {
    await seed();
    await writeFile(join(dir, 'content', 'f1.json'), Buffer.alloc(100));
    store = await openStore(dir);
    expect(store.notices).toEqual([]);
    expect(await store.getContent('f1-i1')).toBeUndefined();
    expect(store.notices.map((n) => n.file)).toEqual(['content/f1.json']);
    expect(await store.getContent('f2-i1')).toBe('<p>two</p>');
    expect(await corruptFiles('content')).toHaveLength(1);
  });

  it('a damaged rules.json is moved aside and the default rules apply', async () => {
    await seed();
    await writeFile(join(dir, 'rules.json'), '{"rules": [{"no-tag": 1}]}');
    store = await openStore(dir);
    expect(store.notices.map((n) => n.file)).toEqual(['rules.json']);
    expect(store.getTagRules().length).toBeGreaterThan(5);
  });

  it('leftover temp files are ignored and swept', async () => {
    await seed();
    await writeFile(join(dir, 'items', '.f1.json.tmp-999-1'), 'garbage');
    await writeFile(join(dir, '.library.json.tmp-999-2'), '');
    store = await openStore(dir);
    expect(store.notices).toEqual([]);
    expect(store.itemCount()).toBe(3);
    expect((await readdir(join(dir, 'items'))).sort()).toEqual(['f1.json', 'f2.json']);
  });
});
