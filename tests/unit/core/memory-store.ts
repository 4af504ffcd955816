// A small in-memory Store for processor tests (the real one is storage/store.ts).
import type { Feed, Item } from '../../../src-main/core/model';
import { DEFAULT_SETTINGS } from '../../../src-main/core/model';
import { feedIdFor } from '../../../src-main/core/identity';
import { SCHEMA_VERSION, type FeedUpdate, type FullText, type LibraryData, type Store } from '../../../src-main/storage/types';

export interface MemoryStore extends Store {
  contents: Map<string, string>;
  fullTexts: Map<string, FullText>;
  puts: number;
  libraryWrites: number;
}

/** memoryStore: a Store kept in Maps. */
export function memoryStore(feeds: Feed[] = []): MemoryStore {
  const lib: LibraryData = { schemaVersion: SCHEMA_VERSION, folders: [], feeds, settings: { ...DEFAULT_SETTINGS }, savedSearches: [] };
  const items = new Map<string, Item>();
  const contents = new Map<string, string>();
  const fullTexts = new Map<string, FullText>();
  const pruned = new Map<string, { read: boolean; starred: boolean }>();
  const s: MemoryStore = {
    dir: '/memory',
    notices: [],
    contents,
    fullTexts,
    puts: 0,
    libraryWrites: 0,
    library: () => lib,
    async updateLibrary(fn) {
      fn(lib);
      s.libraryWrites++;
    },
    getItem: (id) => items.get(id),
    feedItems: (feedId) => [...items.values()].filter((i) => i.feedId === feedId),
    allItems: () => items.values(),
    itemCount: () => items.size,
    async putItems(u: FeedUpdate) {
      s.puts++;
      for (const it of u.items) items.set(it.id, structuredClone(it));
      for (const [id, html] of u.content) contents.set(id, html);
      for (const [id, f] of u.fullText ?? []) fullTexts.set(id, f);
    },
    async patchItems(ids, fn) {
      const changed: string[] = [];
      for (const id of ids) {
        const it = items.get(id);
        if (it && fn(it)) changed.push(id);
      }
      return changed;
    },
    async pruneItems(feedId, ids) {
      for (const id of ids) {
        const it = items.get(id);
        if (!it) continue;
        pruned.set(`${feedId} ${id}`, { read: it.read, starred: it.starred });
        items.delete(id);
      }
    },
    prunedState: (feedId, id) => pruned.get(`${feedId} ${id}`),
    async dropFeed(feedId) {
      for (const [id, it] of items) if (it.feedId === feedId) items.delete(id);
    },
    getContent: async (id) => contents.get(id),
    getFullText: async (id) => fullTexts.get(id),
    tallyAll: () => ({ unread: 0, total: items.size, starred: 0 }),
    tallyFeed: (feedId) => {
      const list = [...items.values()].filter((i) => i.feedId === feedId);
      return { unread: list.filter((i) => !i.read).length, total: list.length, starred: list.filter((i) => i.starred).length };
    },
    tallyTag: () => ({ unread: 0, total: 0, starred: 0 }),
    tags: () => [],
    getTagRules: () => [],
    setTagRules: async () => undefined,
    onChange: () => () => undefined,
    ref: (id) => {
      const it = items.get(id);
      return it && { id, feedId: it.feedId, pub: Date.parse(it.published), read: it.read, starred: it.starred, tags: it.tags };
    },
    refsByDate: () => [],
    refsByTag: () => [],
    refsOfFeed: () => [],
    flush: async () => undefined,
    close: async () => undefined,
  };
  return s;
}

/** newFeed: a subscription record as the service would create it. */
export function newFeed(url: string, extra: Partial<Feed> = {}): Feed {
  return { id: feedIdFor(url), url, title: url, folder: '', addedAt: '2026-01-01T00:00:00.000Z', health: { itemCount: 0, consecutiveFailures: 0 }, http: {}, ...extra };
}
