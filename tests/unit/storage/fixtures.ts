// Shared by the storage and core query/search/counts tests: temp libraries and items.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Feed, Item } from '../../../src-main/core/model';

/** tempDir: a fresh directory under the OS temp dir, and its remover. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tidings-store-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** makeItem: an item of feedId with sensible defaults. */
export function makeItem(feedId: string, n: number, over: Partial<Item> = {}): Item {
  const published = new Date(Date.UTC(2026, 0, 1) + n * 3_600_000).toISOString();
  return {
    id: `${feedId}-i${n}`,
    feedId,
    guid: `https://example.org/${feedId}/${n}`,
    link: `https://example.org/${feedId}/${n}`,
    title: `Item ${n} of ${feedId}`,
    author: 'Ann Author',
    published,
    fetched: published,
    summary: `Summary of item ${n}, with ünïcödé and "quotes".`,
    categories: [],
    tags: [],
    read: false,
    starred: false,
    ...over,
  };
}

/** makeFeed: a feed record. */
export function makeFeed(id: string, over: Partial<Feed> = {}): Feed {
  return {
    id,
    url: `https://example.org/${id}.xml`,
    title: `Feed ${id}`,
    folder: '',
    addedAt: '2026-01-01T00:00:00.000Z',
    health: { itemCount: 0, consecutiveFailures: 0 },
    http: {},
    ...over,
  };
}
