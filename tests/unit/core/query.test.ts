import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src-main/storage/store';
import { queryItems } from '../../../src-main/core/query';
import type { Store } from '../../../src-main/storage/types';
import { makeFeed, makeItem, tempDir } from '../storage/fixtures';

let store: Store;
let cleanup: () => Promise<void>;
// Items are an hour apart from 2026-01-01; "now" is just after the newest.
const NOW = new Date(Date.UTC(2026, 0, 1) + 30 * 3_600_000);

beforeAll(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  store = await openStore(t.dir);
  await store.updateLibrary((lib) => {
    lib.feeds.push(makeFeed('a', { folder: 'Tech' }), makeFeed('b', { folder: 'Tech/Web' }), makeFeed('c', { folder: 'News' }));
  });
  // a: items 0..9, b: 10..19, c: 20..29; tags by residue, read when n % 3 == 0, starred when n % 7 == 0.
  for (const [feed, base] of [['a', 0], ['b', 10], ['c', 20]] as const) {
    const items = Array.from({ length: 10 }, (_, k) => {
      const n = base + k;
      return makeItem(feed, n, { tags: [n % 2 ? 'odd' : 'even', ...(n % 5 === 0 ? ['five'] : [])], read: n % 3 === 0, starred: n % 7 === 0 });
    });
    await store.putItems({ feedId: feed, items, content: new Map() });
  }
});
afterAll(async () => {
  await store.close();
  await cleanup();
});

const nums = (r: { items: { id: string }[] }) => r.items.map((i) => Number(i.id.split('-i')[1]));
const q = (query: Parameters<typeof queryItems>[1]) => queryItems(store, { limit: 1000, ...query }, { now: NOW });

describe('queryItems', () => {
  it('lists everything newest first, with a total and paging', () => {
    const all = q({});
    expect(all.total).toBe(30);
    expect(nums(all)).toEqual(Array.from({ length: 30 }, (_, i) => 29 - i));
    const page = q({ offset: 5, limit: 3 });
    expect(page.total).toBe(30);
    expect(nums(page)).toEqual([24, 23, 22]);
    expect(nums(q({ sort: 'oldest', limit: 3 }))).toEqual([0, 1, 2]);
    expect(queryItems(store, {}, { now: NOW }).items.length).toBe(30);
  });

  it('filters by feed, folder with subfolders, and status', () => {
    expect(nums(q({ feedId: 'b', limit: 2 }))).toEqual([19, 18]);
    expect(q({ feedId: 'b' }).total).toBe(10);
    expect(q({ folder: 'Tech' }).total).toBe(20);
    expect(q({ folder: 'Tech/Web' }).total).toBe(10);
    expect(q({ folder: 'Te' }).total).toBe(0);
    const unread = q({ status: 'unread' });
    expect(unread.items.every((i) => !i.read)).toBe(true);
    expect(unread.total).toBe(30 - 10);
    expect(nums(q({ status: 'starred' }))).toEqual([28, 21, 14, 7, 0]);
  });

  it('filters by tags in any and all modes, with status', () => {
    expect(q({ tags: ['five'] }).total).toBe(6);
    expect(nums(q({ tags: ['five', 'odd'], tagMode: 'all' }))).toEqual([25, 15, 5]);
    expect(q({ tags: ['five', 'odd'], tagMode: 'any' }).total).toBe(15 + 3);
    expect(nums(q({ tags: ['five'], status: 'unread' }))).toEqual([25, 20, 10, 5]);
    expect(nums(q({ tags: ['odd'], status: 'unread', limit: 2, offset: 1 }))).toEqual([25, 23]);
    expect(q({ tags: ['nope'] }).total).toBe(0);
  });

  it('filters by date: today, since, before', () => {
    // NOW is hour 30: the last 24 h hold hours 6..29.
    expect(q({ today: true }).total).toBe(24);
    const since = new Date(Date.UTC(2026, 0, 1) + 25 * 3_600_000).toISOString();
    expect(nums(q({ since }))).toEqual([29, 28, 27, 26, 25]);
    expect(nums(q({ before: new Date(Date.UTC(2026, 0, 1) + 2 * 3_600_000).toISOString() }))).toEqual([1, 0]);
  });

  it('applies search filters without words (tag:, feed:, is:)', () => {
    expect(nums(q({ search: 'tag:five is:unread' }))).toEqual([25, 20, 10, 5]);
    expect(nums(q({ search: 'is:starred feed:c' }))).toEqual([28, 21]);
    expect(q({ search: 'feed:"Feed a"' }).total).toBe(10);
  });

  it('searches words without an index by scanning titles (newest first)', () => {
    expect(nums(q({ search: 'item 12' }))).toEqual([12]);
    expect(q({ search: 'item' }).total).toBe(30);
    expect(nums(q({ search: '"of b" is:starred' }))).toEqual([14]);
  });

  it('gives the same pages right after open (no date order built yet) as later', async () => {
    const t = await tempDir();
    const s1 = await openStore(t.dir);
    const items = Array.from({ length: 40 }, (_, n) => makeItem('z', n % 2 ? n : 80 - n, { read: n % 4 === 0, tags: ['x'] }));
    await s1.putItems({ feedId: 'z', items, content: new Map() });
    await s1.close();
    const s2 = await openStore(t.dir);
    const queries = [{ limit: 5 }, { offset: 3, limit: 4 }, { status: 'unread' as const, limit: 6 }, { sort: 'oldest' as const, limit: 5 }];
    expect(s2.cachedRefsByDate!()).toBeUndefined();
    const before = queries.map((qq) => queryItems(s2, qq, { now: NOW }));
    expect(s2.cachedRefsByDate!()).toBeUndefined();
    s2.refsByDate();
    const after = queries.map((qq) => queryItems(s2, qq, { now: NOW }));
    expect(before.map((r) => [r.total, r.items.map((i) => i.id)])).toEqual(after.map((r) => [r.total, r.items.map((i) => i.id)]));
    expect(before[0]!.items.map((i) => i.id)).toEqual([...items].sort((a, b) => b.published.localeCompare(a.published)).slice(0, 5).map((i) => i.id));
    await s2.close();
    await t.cleanup();
  });

  it('sees changes at once (mark read, new items)', async () => {
    await store.patchItems(['c-i29'], (it) => ((it.read = true), true));
    expect(nums(q({ status: 'unread', limit: 1 }))).toEqual([28]);
    await store.putItems({ feedId: 'a', items: [makeItem('a', 40, { tags: ['five'] })], content: new Map() });
    expect(nums(q({ limit: 1 }))).toEqual([40]);
    expect(nums(q({ tags: ['five'], limit: 1 }))).toEqual([40]);
    await store.pruneItems('a', ['a-i40']);
    await store.patchItems(['c-i29'], (it) => ((it.read = false), true));
    expect(nums(q({ limit: 1 }))).toEqual([29]);
  });
});
