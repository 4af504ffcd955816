import { appendFile, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src-main/storage/store';
import type { Store } from '../../../src-main/storage/types';
import { makeItem, tempDir } from './fixtures';

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

  it('compacts on its own once it grows past the limit', async () => {
    await seed(50);
    store = await openStore(dir, { compactAfterBytes: 200, compactDelayMs: 60_000 });
    for (let i = 0; i < 50; i++) await markRead(store, [`f1-i${i}`]);
    await new Promise((r) => setTimeout(r, 200));
    await store.flush();
    expect((await journals()).length).toBeLessThanOrEqual(1);
    const head = JSON.parse(`${(await readFile(join(dir, 'items', 'f1.json'), 'utf8')).split('\n')[0]!.slice(0, -1)}}`).head;
    expect(head.flags.filter((f: number) => f & 1).length).toBeGreaterThan(10);
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
    await store.close();
    expect(await journals()).toEqual(['journal-1.log', 'journal-2.log']);
    await appendFile(join(dir, 'journal-1.log'), '');
    store = await openStore(dir, { compactDelayMs: 60_000 });
    expect(store.getItem('f1-i1')!.read).toBe(true);
    expect(store.getItem('f1-i3')!.read).toBe(true);
    expect(store.getItem('f1-i2')!.read).toBe(false);
  });
});
