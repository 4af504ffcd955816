import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src-main/storage/store';
import { computeCounts, listTagCounts } from '../../../src-main/core/counts';
import type { Store } from '../../../src-main/storage/types';
import { makeFeed, makeItem, tempDir } from '../storage/fixtures';

let store: Store;
let dir: string;
let cleanup: () => Promise<void>;
const NOW = new Date(Date.UTC(2026, 0, 1) + 10 * 3_600_000);

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  store = await openStore(dir);
  await store.updateLibrary((lib) => {
    lib.folders.push('Empty');
    lib.feeds.push(makeFeed('a', { folder: 'Tech' }), makeFeed('b', { folder: 'Tech/Web' }), makeFeed('c'));
  });
  await store.putItems({ feedId: 'a', items: [makeItem('a', 1, { tags: ['x'] }), makeItem('a', 2, { read: true, tags: ['x', 'y'] })], content: new Map() });
  await store.putItems({ feedId: 'b', items: [makeItem('b', 3, { starred: true, tags: ['y'] }), makeItem('b', 4)], content: new Map() });
  await store.putItems({ feedId: 'c', items: [makeItem('c', -30, { read: false })], content: new Map() });
});
afterAll(async () => {
  await store.close();
  await cleanup();
});

describe('computeCounts', () => {
  it('counts smart views, feeds, folders with subfolders, and tags', () => {
    const c = computeCounts(store, { now: NOW });
    expect(c).toMatchObject({ all: 5, unread: 4, starred: 1, today: 3 });
    expect(c.feeds).toEqual({ a: { unread: 1, total: 2 }, b: { unread: 2, total: 2 }, c: { unread: 1, total: 1 } });
    expect(c.folders).toEqual({ Tech: { unread: 3, total: 4 }, 'Tech/Web': { unread: 2, total: 2 }, Empty: { unread: 0, total: 0 } });
    expect(c.tags.x).toEqual({ unread: 1, total: 2 });
    expect(c.tags.y).toEqual({ unread: 1, total: 2 });
    expect(c.savedSearches).toEqual({});
  });

  it('follows changes and survives a reopen with the same numbers', async () => {
    await store.patchItems(['b-i4', 'a-i1'], (it) => ((it.read = true), true));
    const before = computeCounts(store, { now: NOW });
    expect(before.unread).toBe(2);
    expect(before.folders.Tech).toEqual({ unread: 1, total: 4 });
    await store.close();
    store = await openStore(dir);
    expect(computeCounts(store, { now: NOW })).toEqual(before);
  });
});

describe('listTagCounts', () => {
  it('lists tags, most used first', () => {
    expect(listTagCounts(store)).toEqual([
      { tag: 'x', total: 2, unread: 0 },
      { tag: 'y', total: 2, unread: 1 },
    ]);
  });
});
