// Shared by the storage and core query/search/counts tests: temp libraries and items.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Feed, Item } from '../../../src-main/core/model';
import { decodeHeadLine } from '../../../src-main/storage/shard';

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

/** headOnDisk: the item ids, flags (bit 0 read, bit 1 starred) and format version of items/<feedId>.json as the file now holds them. */
export function headOnDisk(dir: string, feedId: string): { ids: string[]; flags: number[]; version: number } {
  const line = readFileSync(join(dir, 'items', `${feedId}.json`), 'utf8').split('\n')[0]!;
  const { head, version } = decodeHeadLine(line.slice(0, -1), `items/${feedId}.json`);
  return { ids: [...head.ids], flags: Array.from(head.flags), version };
}
