import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src-main/storage/store';
import type { Store } from '../../../src-main/storage/types';
import { headOnDisk, makeItem, tempDir } from './fixtures';

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

const journals = async () => (await readdir(dir)).filter((n) => n.startsWith('journal-')).sort();
const compact = (s: Store) => (s as unknown as { compact(): Promise<void> }).compact();
const markRead = (s: Store, ids: string[], read = true) => s.patchItems(ids, (it) => ((it.read = read), true));

async function seed(n = 5): Promise<void> {
  const s = await openStore(dir);
  await s.putItems({ feedId: 'f1', items: Array.from({ length: n }, (_, i) => makeItem('f1', i, { tags: ['t'] })), content: new Map() });
  await compact(s);
  await s.close();
}

describe('the read/starred journal', () => {
  it('records mark-read without rewriting the item file, and replays it at open', async () => {
    await seed();
    const shard = await readFile(join(dir, 'items', 'f1.json'));
    store = await openStore(dir, { compactDelayMs: 60_000 });
    await markRead(store, ['f1-i1', 'f1-i2']);
    await store.patchItems(['f1-i3'], (it) => ((it.starred = true), true));
    await markRead(store, ['f1-i2'], false);
    expect(await readFile(join(dir, 'items', 'f1.json'))).toEqual(shard);
    expect(await journals()).toHaveLength(1);
    await store.close();
    store = await openStore(dir, { compactDelayMs: 60_000 });
    expect([0, 1, 2, 3, 4].map((i) => store!.getItem(`f1-i${i}`)!.read)).toEqual([false, true, false, false, false]);
    expect(store.getItem('f1-i3')!.starred).toBe(true);
    expect(store.tallyAll()).toEqual({ unread: 4, total: 5, starred: 1 });
    expect(store.tallyTag('t')).toEqual({ unread: 4, total: 5, starred: 1 });
  });

  it('is folded into the item files by compaction, then deleted', async () => {
    await seed();
    store = await openStore(dir, { compactDelayMs: 60_000 });
    await markRead(store, ['f1-i0', 'f1-i4']);
    await compact(store);
    expect(await journals()).toEqual([]);
    await store.close();
    store = await openStore(dir);
    expect(store.tallyAll().unread).toBe(3);
    expect(store.getItem('f1-i4')!.read).toBe(true);
  });

  it('is folded into the item files at close, so the next open has nothing to replay', async () => {
    await seed();
    store = await openStore(dir, { compactDelayMs: 60_000 });
    await markRead(store, ['f1-i0', 'f1-i3']);
    expect(await journals()).toHaveLength(1);
    await store.close();
    expect(await journals()).toEqual([]);
    expect(headOnDisk(dir, 'f1').flags).toEqual([1, 0, 0, 1, 0]);
    store = await openStore(dir, { compactDelayMs: 60_000 });
    expect(store.tallyAll().unread).toBe(3);
    expect(store.getItem('f1-i3')!.read).toBe(true);
  });

  it('is left for the next open to fold in when a close would rewrite too many item files', async () => {
    const s = await openStore(dir);
    for (let f = 0; f < 70; f++) await s.putItems({ feedId: `f${f}`, items: [makeItem(`f${f}`, 0)], content: new Map() });
    await s.close();
    expect(await journals()).toEqual([]);
    store = await openStore(dir, { compactDelayMs: 60_000 });
    await markRead(store, Array.from({ length: 70 }, (_, f) => `f${f}-i0`));
    await store.close();
    expect(await journals()).toHaveLength(1);
    store = await openStore(dir, { compactDelayMs: 60_000 });
    expect(store.tallyAll()).toMatchObject({ unread: 0, total: 70 });
  });

  it('lets writes asked for during a compaction through, and still folds everything in', async () => {
    const s = await openStore(dir);
    for (const f of ['f1', 'f2', 'f3']) await s.putItems({ feedId: f, items: [0, 1, 2].map((n) => makeItem(f, n)), content: new Map() });
    await s.close();
    store = await openStore(dir, { compactDelayMs: 60_000 });
    await markRead(store, ['f1-i0', 'f2-i0', 'f3-i0']);
    const compacting = compact(store);
    await store.putItems({ feedId: 'f2', items: [makeItem('f2', 3, { read: true })], content: new Map() });
    await markRead(store, ['f3-i1']);
    await store.patchItems(['f1-i2'], (it) => ((it.starred = true), true));
    await compacting;
    await store.close();
    expect(await journals()).toEqual([]);
    expect(headOnDisk(dir, 'f1').flags).toEqual([1, 0, 2]);
    expect(headOnDisk(dir, 'f2').flags).toEqual([1, 0, 0, 1]);
    expect(headOnDisk(dir, 'f3').flags).toEqual([1, 1, 0]);
    store = await openStore(dir);
    expect(store.tallyAll()).toEqual({ unread: 5, total: 10, starred: 1 });
  });

  it('compacts on its own once it grows past the limit', async () => {
    await seed(50);
    store = await openStore(dir, { compactAfterBytes: 200, compactDelayMs: 60_000 });
    for (let i = 0; i < 50; i++) await markRead(store, [`f1-i${i}`]);
    await new Promise((r) => setTimeout(r, 200));
    await store.flush();
    expect((await journals()).length).toBeLessThanOrEqual(1);
    expect(headOnDisk(dir, 'f1').flags.filter((f) => f & 1).length).toBeGreaterThan(10);
    await store.close();
    store = await openStore(dir);
    expect(store.tallyAll().unread).toBe(0);
  });

  it('ignores a line torn by a crash, and sets aside a damaged one keeping the good lines', async () => {
    await seed();
    await writeFile(join(dir, 'journal-1.log'), '[["f1-i1",1]]\n[["f1-i2",1]');
    store = await openStore(dir, { compactDelayMs: 60_000 });
    expect(store.notices).toEqual([]);
    expect(store.tallyAll().unread).toBe(4);
    expect(store.getItem('f1-i2')!.read).toBe(false);
    await store.close();
    await writeFile(join(dir, 'journal-1.log'), '[["f1-i1",1]]\n{{garbage\n[["f1-i3",1]]\n');
    store = await openStore(dir, { compactDelayMs: 60_000 });
    expect(store.notices.map((n) => n.file)).toEqual(['journal-1.log']);
    expect(store.getItem('f1-i3')!.read).toBe(true);
    expect((await readdir(dir)).some((n) => n.startsWith('journal-1.log.corrupt-'))).toBe(true);
  });

  it('never lets an older journal line override a later change made through the item file', async () => {
    await seed();
    store = await openStore(dir, { compactDelayMs: 60_000 });
    await markRead(store, ['f1-i1']);
    // Flags and tags in one patch (an item-file write), then the item pruned and fetched again unread.
    await store.patchItems(['f1-i1'], (it) => ((it.read = false), (it.tags = ['t', 'u']), true));
    await markRead(store, ['f1-i2']);
    await store.pruneItems('f1', ['f1-i2']);
    await store.putItems({ feedId: 'f1', items: [makeItem('f1', 2, { read: false })], content: new Map() });
    await store.close();
    store = await openStore(dir, { compactDelayMs: 60_000 });
    expect(store.getItem('f1-i1')).toMatchObject({ read: false, tags: ['t', 'u'] });
    expect(store.getItem('f1-i2')!.read).toBe(false);
    expect(store.tallyAll().unread).toBe(5);
  });

  it('keeps appending after a crash left a torn line (the next record is on its own line)', async () => {
    await seed();
    await writeFile(join(dir, 'journal-1.log'), '[["f1-i1",1]]\n[["f1-i2"');
    store = await openStore(dir, { compactDelayMs: 60_000 });
    await markRead(store, ['f1-i3']);
    expect(await journals()).toEqual(['journal-1.log', 'journal-2.log']);
    expect(await readFile(join(dir, 'journal-2.log'), 'utf8')).toBe('[["f1-i3",1]]\n');
    await store.close();
    store = await openStore(dir, { compactDelayMs: 60_000 });
    expect(store.getItem('f1-i1')!.read).toBe(true);
    expect(store.getItem('f1-i3')!.read).toBe(true);
    expect(store.getItem('f1-i2')!.read).toBe(false);
  });
});
