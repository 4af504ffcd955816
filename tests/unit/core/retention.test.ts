import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src-main/storage/store';
import { pruneLibrary } from '../../../src-main/core/retention';
import { DEFAULT_SETTINGS } from '../../../src-main/core/model';
import type { Store } from '../../../src-main/storage/types';
import { makeFeed, makeItem, tempDir } from '../storage/fixtures';

let dir: string;
let cleanup: () => Promise<void>;
let store: Store;
const DAY = 86_400_000;
const NOW = new Date(Date.UTC(2026, 6, 1));

/** An item published `days` days before NOW. */
const aged = (feed: string, n: number, days: number, over = {}) =>
  makeItem(feed, n, { published: new Date(NOW.getTime() - days * DAY).toISOString(), ...over });

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  store = await openStore(dir);
  await store.updateLibrary((lib) => lib.feeds.push(makeFeed('f1'), makeFeed('f2')));
});
afterEach(async () => {
  await store.close();
  await cleanup();
});

describe('pruneLibrary', () => {
  it('prunes old read items only; starred and unread stay; newest N per feed stay', async () => {
    // f1: 30 items, item n is n days old; even ones read; 35..39 are old and special.
    const items = Array.from({ length: 30 }, (_, n) => aged('f1', n, n * 5, { read: n % 2 === 0 }));
    items.push(aged('f1', 100, 200, { read: true, starred: true }), aged('f1', 101, 200, { read: false }));
    await store.putItems({ feedId: 'f1', items, content: new Map(items.map((i) => [i.id, `<p>${i.id}</p>`])) });
    const settings = { ...DEFAULT_SETTINGS, retentionDays: 90, minItemsPerFeed: 20 };
    const n = await pruneLibrary(store, settings, NOW);
    // Newest 20 (0..19 days*5) kept; of 20..29 (100..145 days), the read ones (20,22,24,26,28) go.
    expect(n).toBe(5);
    for (const k of [20, 22, 24, 26, 28]) expect(store.getItem(`f1-i${k}`)).toBeUndefined();
    for (const k of [0, 2, 18, 21, 23, 100, 101]) expect(store.getItem(`f1-i${k}`)).toBeDefined();
    expect(store.prunedState('f1', 'f1-i20')).toEqual({ read: true, starred: false });
    expect(await store.getContent('f1-i22')).toBeUndefined();
    expect(await store.getContent('f1-i21')).toBe('<p>f1-i21</p>');
    expect(await pruneLibrary(store, settings, NOW)).toBe(0);
  });

  it('keeps at least minItemsPerFeed even when all are old and read, and does nothing when retention is off', async () => {
    const items = Array.from({ length: 25 }, (_, n) => aged('f2', n, 400 + n, { read: true }));
    await store.putItems({ feedId: 'f2', items, content: new Map() });
    expect(await pruneLibrary(store, { ...DEFAULT_SETTINGS, retentionDays: 0 }, NOW)).toBe(0);
    expect(await pruneLibrary(store, { ...DEFAULT_SETTINGS, retentionDays: 90, minItemsPerFeed: 20 }, NOW)).toBe(5);
    expect(store.tallyFeed('f2').total).toBe(20);
    // The newest 20 are the ones kept.
    expect([...store.feedItems('f2')].map((i) => i.id).sort()).toEqual(items.slice(0, 20).map((i) => i.id).sort());
  });

  it('remembers pruned state across a reopen', async () => {
    const items = [aged('f1', 1, 300, { read: true })];
    await store.putItems({ feedId: 'f1', items, content: new Map() });
    expect(await pruneLibrary(store, { ...DEFAULT_SETTINGS, minItemsPerFeed: 0 }, NOW)).toBe(1);
    await store.close();
    store = await openStore(dir);
    expect(store.itemCount()).toBe(0);
    expect(store.prunedState('f1', 'f1-i1')).toEqual({ read: true, starred: false });
  });
});
