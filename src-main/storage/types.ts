// The storage boundary: what the core may ask of the library on disk. Only src-main/storage
// imports lowdb; everything else sees this interface.
import type { Feed, Item, SavedSearch, Settings, TagRule } from '../core/model';

export const SCHEMA_VERSION = 1;

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
}

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

  /** Counters, maintained incrementally. */
  tallyAll(): Tally;
  tallyFeed(feedId: string): Tally;
  tallyTag(tag: string): Tally;
  tags(): string[];

  getTagRules(): TagRule[];
  setTagRules(rules: TagRule[]): Promise<void>;

  /** Wait for every pending write, release the lock. */
  close(): Promise<void>;
}
