// The two model families of Tidings (DESIGN §6): what a parser produces (Parsed*) and what the
// store keeps (Feed, Item). `toStoredItem` in core/merge.ts is the one adapter between them.

/** An enclosure (podcast audio, image, …) as the feed declared it. */
export interface Enclosure {
  url: string;
  type?: string;
  length?: number;
}

export type FeedFormat = 'rss' | 'atom' | 'rdf' | 'json';

/** ParsedItem: one entry as read from a feed document, URLs absolute, dates ISO UTC. */
export interface ParsedItem {
  guid?: string;
  link?: string;
  /** Plain text, never HTML. */
  title: string;
  /** Plain text. */
  author?: string;
  /** ISO 8601 UTC, or undefined when the feed had no usable date. */
  published?: string;
  /** Plain text summary (short). */
  summary?: string;
  /** Raw (unsanitized) HTML body; `content:encoded` preferred over description. */
  content?: string;
  /** Base URL to resolve relative links in `content` against (xml:base, item link, feed URL). */
  contentBase?: string;
  /** Plain-text category labels as the feed gave them. */
  categories: string[];
  enclosures: Enclosure[];
}

/** ParsedFeed: a whole feed document, in our own shape (nothing of rss-parser leaks). */
export interface ParsedFeed {
  format: FeedFormat;
  title: string;
  /** The site's home page (absolute). */
  link?: string;
  description?: string;
  icon?: string;
  items: ParsedItem[];
}

/** Per-feed health shown in the sidebar and `tidings feeds` (issue 3 §6). */
export interface FeedHealth {
  lastAttempt?: string;
  lastSuccess?: string;
  status?: number;
  encoding?: string;
  finalUrl?: string;
  itemCount: number;
  /** Module-prefixed human sentence, e.g. `fetcher: timed out after 30 s`. */
  lastError?: string;
  /** When the next refresh may try this feed (backoff / Retry-After). */
  nextAttempt?: string;
  consecutiveFailures: number;
  /** What the last refresh that had new or changed items kept for offline reading (issue 8). */
  offline?: OfflineRecord;
}

/** OfflineRecord: images cached and full texts fetched by one refresh of a feed, with the first failures. */
export interface OfflineRecord {
  imagesStored: number;
  imagesFailed: number;
  fullTextStored: number;
  fullTextFailed: number;
  /** At most a few module-prefixed messages (`media: status 404 for https://…`). */
  errors: string[];
  /** The feed's items looked like short summaries only: fetching the full article is suggested. */
  summaryOnly?: boolean;
}

/** HTTP cache validators and change detection for one feed. */
export interface FeedHttpState {
  etag?: string;
  lastModified?: string;
  /** When the validators were stored; dropped after 8 days (some servers always answer 304). */
  validatorsAt?: string;
  /** Hash of the last body parsed; an identical body skips parsing. */
  bodyHash?: string;
  /** Permanent redirect target and how many refreshes in a row have seen it. */
  movedTo?: string;
  movedCount?: number;
}

/** Feed: a subscription as stored in library.json. */
export interface Feed {
  id: string;
  url: string;
  title: string;
  /** True when the title came from the user or OPML and must not be replaced by the feed's own. */
  titleLocked?: boolean;
  siteUrl?: string;
  /** Folder path, `''` for none, nested folders joined by `/` (`Tech/Programming`). */
  folder: string;
  addedAt: string;
  fullText?: boolean;
  /** `/media/…` path of the cached feed icon (issue 5). */
  icon?: string;
  /** ISO UTC of the last icon check, found or not: re-checked at most once a week. */
  iconCheckedAt?: string;
  health: FeedHealth;
  http: FeedHttpState;
}

/** Item: one stored entry's summary and state (kept in items/<feedId>.json, loaded at open). */
export interface Item {
  id: string;
  feedId: string;
  guid?: string;
  link?: string;
  title: string;
  author?: string;
  /** ISO UTC; the first-seen time when the feed gave none (kept on later refreshes). */
  published: string;
  /** True when `published` is the first-seen time, not the feed's. */
  dateGuessed?: boolean;
  fetched: string;
  /** Plain text, at most a few hundred characters. */
  summary: string;
  /** Categories as the feed gave them. */
  categories: string[];
  /** Effective tags: categories (kebab) ∪ rules ∪ year-YYYY ∪ user added − user removed. */
  tags: string[];
  userTags?: { added: string[]; removed: string[] };
  enclosures?: Enclosure[];
  read: boolean;
  starred: boolean;
  /** Fingerprint of the feed's version of this item (core/merge.ts); unchanged → not re-sanitized. */
  sourceHash?: string;
}

/** Settings: every one takes effect without a restart. */
export interface Settings {
  refreshIntervalMinutes: number;
  refreshOnStart: boolean;
  concurrency: number;
  perHostConcurrency: number;
  connectTimeoutMs: number;
  totalTimeoutMs: number;
  maxBodyBytes: number;
  retentionDays: number;
  minItemsPerFeed: number;
  articleFont: 'serif' | 'sans';
  articleSize: number;
  articleWidth: number;
  theme: 'system' | 'light' | 'dark';
  loadRemoteImages: boolean;
  mediaLimitMb: number;
}

export const DEFAULT_SETTINGS: Settings = {
  refreshIntervalMinutes: 60,
  refreshOnStart: false,
  concurrency: 8,
  perHostConcurrency: 2,
  connectTimeoutMs: 10_000,
  totalTimeoutMs: 30_000,
  maxBodyBytes: 20 * 1024 * 1024,
  retentionDays: 90,
  minItemsPerFeed: 20,
  articleFont: 'serif',
  articleSize: 18,
  articleWidth: 42,
  theme: 'system',
  loadRemoteImages: false,
  mediaLimitMb: 1024,
};

/** A saved search pinned in the sidebar. */
export interface SavedSearch {
  id: string;
  name: string;
  query: string;
  tags: string[];
}

/** An auto-tag rule (issue 6): a tag plus conditions, all case-insensitive, whole words. */
export interface TagRule {
  tag: string;
  /** Match when any of these words/phrases occurs. */
  any?: string[];
  /** Match only when all of these words/phrases occur. */
  all?: string[];
  /** Where to look; default both. */
  in?: ('title' | 'content')[];
  /** Only items of these feeds (ids or URLs). */
  feeds?: string[];
  /** Only items carrying one of these categories. */
  categories?: string[];
}
