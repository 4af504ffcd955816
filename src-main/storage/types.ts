// The storage boundary: what the core may ask of the library on disk. Only src-main/storage
// imports lowdb; everything else sees this interface.
import type { Feed, Item, SavedSearch, Settings, TagRule } from '../core/model';

/** FullText: the outcome of fetching one item's full article. */
export type FullText = { html: string } | { error: string };

// 2: item files may be in format 3 (binary columns), which a build knowing only 1 would call damaged.
// 3: content may be in an append log beside content/<feedId>.json, which older builds would ignore
//    and so show (and later overwrite with) stale texts.
export const SCHEMA_VERSION = 3;

/** LibraryData: the small document in library.json. */
export interface LibraryData {
  schemaVersion: number;
  /** Folder paths, including empty folders the user made. */
  folders: string[];
  feeds: Feed[];
  settings: Settings;
  savedSearches: SavedSearch[];
  /** Feeds removed recently (undo), with their removal time; purged after a day. */
  trash?: { feedId: string; removedAt: string }[];
}

/** A problem found while opening: a damaged file moved aside, a migration done, … */
export interface StoreNotice {
  file: string;
  message: string;
}

/** Unread/total counters kept up to date by the store as items change. */
export interface Tally {
  unread: number;
  total: number;
  starred: number;
}

/** A batch of new or changed items from one refresh of one feed. */
export interface FeedUpdate {
  feedId: string;
  /** Items to insert or replace (state fields of existing items are the caller's business). */
  items: Item[];
  /** Sanitized article HTML by item id; only for items whose content changed. */
  content: Map<string, string>;
  /** Full articles fetched from the items' pages (sanitized) or why that failed, kept beside the feed's text. */
  fullText?: Map<string, FullText>;
}

/** ItemRef: what the store keeps of every item without reading its text: enough to filter, sort and count. */
export interface ItemRef {
  readonly id: string;
  readonly feedId: string;
  /** `published` in ms since the epoch. */
  readonly pub: number;
  readonly read: boolean;
  readonly starred: boolean;
  readonly tags: readonly string[];
}

/** What changed in the store, for listeners such as the search index. */
export type StoreChange =
  | { kind: 'put'; feedId: string; ids: string[] }
  | { kind: 'patch'; ids: string[] }
  | { kind: 'remove'; feedId: string; ids: string[] };

/** Store: the opened library. Reads are synchronous from memory; writes resolve when durable. */
export interface Store {
  readonly dir: string;
  readonly notices: StoreNotice[];

  library(): Readonly<LibraryData>;
  /** Mutate library.json through fn; resolves once the write is durable. */
  updateLibrary(fn: (lib: LibraryData) => void): Promise<void>;

  getItem(id: string): Item | undefined;
  /** Items of one feed (summaries and state). */
  feedItems(feedId: string): readonly Item[];
  /** Items of one feed parsed afresh and not kept (bulk reads such as indexing; changes to them are lost). */
  scanFeed?(feedId: string): Item[];
  /** Every item, in no particular order. */
  allItems(): Iterable<Item>;
  itemCount(): number;

  /** Insert/replace items of one feed and their content; one shard write each. */
  putItems(update: FeedUpdate): Promise<void>;
  /** Apply fn to each listed item (state changes: read, starred, tags); returns the ids changed. */
  patchItems(ids: Iterable<string>, fn: (item: Item) => boolean): Promise<string[]>;
  /** Remove items (retention) while remembering their state so they do not come back unread. */
  pruneItems(feedId: string, ids: string[]): Promise<void>;
  /** The remembered state of a pruned item, if any. */
  prunedState(feedId: string, itemId: string): { read: boolean; starred: boolean } | undefined;
  /** Delete a feed's shards (items, content). */
  dropFeed(feedId: string): Promise<void>;

  /** Sanitized HTML of one item, read from content/ on demand. */
  getContent(itemId: string): Promise<string | undefined>;
  /** The full article fetched from the item's page and/or why its last fetch failed (feeds set to fetch full text). */
  getFullText(itemId: string): Promise<{ html?: string; error?: string } | undefined>;

  /** Counters, maintained incrementally. */
  tallyAll(): Tally;
  tallyFeed(feedId: string): Tally;
  tallyTag(tag: string): Tally;
  tags(): string[];

  getTagRules(): TagRule[];
  setTagRules(rules: TagRule[]): Promise<void>;

  /** Listen to item changes (put, patch, remove); returns the unsubscribe function. */
  onChange(listener: (change: StoreChange) => void): () => void;
  /** The light ref of one item (no text, never reads a file). */
  ref(id: string): ItemRef | undefined;
  /** Every item's ref, newest first (ties by id); cached until the next change. */
  refsByDate(): readonly ItemRef[];
  /** The full item of a ref from this store (skips the lookup by id). */
  itemOfRef?(ref: ItemRef): Item | undefined;
  /** The date order if it is already built (building it costs a sort), else undefined. */
  cachedRefsByDate?(): readonly ItemRef[] | undefined;
  /** Every item's ref, in no particular order (free). */
  allRefs?(): Iterable<ItemRef>;
  /** Refs of the items carrying a tag, in no particular order. */
  refsByTag(tag: string): Iterable<ItemRef>;
  /** Refs of one feed's items, in no particular order. */
  refsOfFeed(feedId: string): Iterable<ItemRef>;
  /** Resolves when every write requested so far is durable. */
  flush(): Promise<void>;

  /** Wait for every pending write, release the lock. */
  close(): Promise<void>;
}
