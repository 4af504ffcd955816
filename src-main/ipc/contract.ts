// The one API contract between the renderer and the core (DESIGN §1). Types and channel names
// only: the core implements it (core/service.ts), the preload and the HTTP transport carry it,
// and src-renderer/src/lib/api.ts is the one renderer file that calls it.
import type { Enclosure, FeedHealth, SavedSearch, Settings, TagRule } from '../core/model';

export type Status = 'all' | 'unread' | 'starred';

/** ItemQuery: what the timeline (or an export) asks for. */
export interface ItemQuery {
  feedId?: string;
  /** Folder path; matches the folder and its subfolders. */
  folder?: string;
  status?: Status;
  /** Smart view "Today": published within the last 24 hours. */
  today?: boolean;
  tags?: string[];
  tagMode?: 'any' | 'all';
  /** Full-text query; may carry `tag:x`, `feed:x`, `is:unread`, `is:starred`. */
  search?: string;
  sort?: 'newest' | 'oldest';
  /** ISO date; only items published at or after it. */
  since?: string;
  /** ISO date; only items published before it. */
  before?: string;
  offset?: number;
  limit?: number;
}

export interface FeedView {
  id: string;
  url: string;
  title: string;
  siteUrl?: string;
  folder: string;
  unread: number;
  total: number;
  fullText: boolean;
  health: FeedHealth;
  /** `/media/<hash>` path of the cached favicon, if any. */
  icon?: string;
}

export interface ItemSummary {
  id: string;
  feedId: string;
  feedTitle: string;
  title: string;
  link?: string;
  author?: string;
  published: string;
  summary: string;
  tags: string[];
  read: boolean;
  starred: boolean;
}

export interface ItemDetail extends ItemSummary {
  /** Sanitized HTML, safe to show in the sandboxed iframe. */
  html: string;
  /** Extracted full text (sanitized), when the feed is set to fetch it. */
  fullHtml?: string;
  /** Why the last fetch of the full article failed (the feed's text is shown meanwhile). */
  fullTextError?: string;
  enclosures: Enclosure[];
  categories: string[];
}

export interface ItemPage {
  items: ItemSummary[];
  total: number;
  offset: number;
}

export interface Counts {
  all: number;
  unread: number;
  starred: number;
  today: number;
  feeds: Record<string, { unread: number; total: number }>;
  folders: Record<string, { unread: number; total: number }>;
  tags: Record<string, { unread: number; total: number }>;
  savedSearches: Record<string, number>;
}

export interface TagCount {
  tag: string;
  total: number;
  unread: number;
}

export type AddFeedResult =
  | { kind: 'added'; feed: FeedView }
  | { kind: 'exists'; feed: FeedView }
  | { kind: 'choose'; candidates: { url: string; title: string; type: string }[] };

export interface RefreshSummary {
  total: number;
  updated: number;
  unchanged: number;
  /** `network`: the failure was network-level (no route, refused, timeout), not an HTTP status or bad feed. */
  failed: { feedId: string; title: string; error: string; network?: boolean }[];
  newItems: number;
  durationMs: number;
  /** How many feeds this refresh actually fetched (the rest were not due). */
  attempted?: number;
}

/** ConnectionStatus: what the app knows about the network and the refresh in progress. */
export interface ConnectionStatus {
  online: boolean;
  refreshing: boolean;
  /** ISO time the last refresh finished. */
  lastRefresh?: string;
}

export interface OpmlReport {
  added: { url: string; title: string; folder: string }[];
  present: { url: string; title: string }[];
  refused: { line: number; url: string; reason: string }[];
}

export interface ExportRequest {
  /** Explicit items; when absent, the query decides. */
  ids?: string[];
  query?: ItemQuery;
  dir: string;
  overwrite?: boolean;
  layout?: string;
}

export interface ExportReport {
  written: string[];
  unchanged: string[];
  skipped: { file: string; reason: string }[];
}

export interface MarkAllRequest {
  query: ItemQuery;
  /** Only items published more than this many days ago. */
  olderThanDays?: number;
}

export interface StorageReport {
  items: number;
  content: number;
  media: number;
  total: number;
}

/** ReaderApi: every method the renderer may call. Arguments are validated at the boundary. */
export interface ReaderApi {
  listFeeds(): Promise<FeedView[]>;
  addFeed(url: string, folder?: string): Promise<AddFeedResult>;
  removeFeed(id: string): Promise<void>;
  /** Put back a feed removed by removeFeed, with its items (undo). */
  restoreFeed(id: string): Promise<void>;
  updateFeed(id: string, patch: { title?: string; folder?: string; fullText?: boolean }): Promise<FeedView>;
  refresh(feedIds?: string[]): Promise<RefreshSummary>;
  /** Whether the last refreshes reached the network, and whether one is running. */
  status(): Promise<ConnectionStatus>;
  listItems(query: ItemQuery): Promise<ItemPage>;
  getItem(id: string): Promise<ItemDetail | null>;
  setRead(ids: string[], read: boolean): Promise<number>;
  /** Marks what the query shows as read; returns the ids changed (for undo). */
  markAllRead(req: MarkAllRequest): Promise<string[]>;
  setStarred(id: string, starred: boolean): Promise<void>;
  setItemTags(id: string, change: { add?: string[]; remove?: string[] }): Promise<ItemSummary>;
  counts(): Promise<Counts>;
  listTags(): Promise<TagCount[]>;
  getTagRules(): Promise<TagRule[]>;
  setTagRules(rules: TagRule[]): Promise<void>;
  /** How many stored items a rule would tag (live preview). */
  previewTagRule(rule: TagRule): Promise<number>;
  applyTagRules(): Promise<number>;
  listSavedSearches(): Promise<SavedSearch[]>;
  saveSearch(search: Omit<SavedSearch, 'id'> & { id?: string }): Promise<SavedSearch>;
  deleteSavedSearch(id: string): Promise<void>;
  /** The file's text, or its bytes (base64) so that the encoding its prolog declares is honoured. */
  importOpml(doc: string | { base64: string }): Promise<OpmlReport>;
  exportOpml(): Promise<string>;
  exportMarkdown(req: ExportRequest): Promise<ExportReport>;
  getSettings(): Promise<Settings>;
  updateSettings(patch: Partial<Settings>): Promise<Settings>;
  storageReport(): Promise<StorageReport>;
  clearMediaCache(): Promise<void>;
}

export type Method = keyof ReaderApi;

/** Every method name, in one list: the preload, the IPC registration and the HTTP router use it. */
export const METHODS = [
  'listFeeds', 'addFeed', 'removeFeed', 'restoreFeed', 'updateFeed', 'refresh', 'listItems',
  'getItem', 'setRead', 'markAllRead', 'setStarred', 'setItemTags', 'counts', 'listTags',
  'getTagRules', 'setTagRules', 'previewTagRule', 'applyTagRules', 'listSavedSearches',
  'saveSearch', 'deleteSavedSearch', 'importOpml', 'exportOpml', 'exportMarkdown', 'getSettings',
  'updateSettings', 'storageReport', 'clearMediaCache', 'status',
] as const satisfies readonly Method[];

// A compile-time check that METHODS lists every method of ReaderApi.
type Missing = Exclude<Method, (typeof METHODS)[number]>;
const _allListed: Missing extends never ? true : Missing = true;
void _allListed;

/** The IPC channel of a method: `tidings:<method>`. */
export const channelOf = (m: Method): string => `tidings:${m}`;
export const EVENT_CHANNEL = 'tidings:event';

/** Push events, main → renderer (webContents.send in the app, Server-Sent Events over HTTP). */
export type ReaderEvent =
  | { type: 'refresh-progress'; done: number; total: number; failed: number; running: boolean }
  | { type: 'items-changed'; feedIds: string[] }
  | { type: 'feeds-changed' }
  | { type: 'feed-error'; feedId: string; message: string }
  | { type: 'online'; online: boolean };

export interface ApiError {
  code: 'invalid_argument' | 'not_found' | 'unknown_method' | 'conflict' | 'internal' | 'unauthorized';
  message: string;
}

/** What crosses the wire for every call. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** The renderer-side shape: `window.tidings` in the app. */
export interface TidingsBridge {
  invoke(method: Method, args: unknown[]): Promise<ApiResult<unknown>>;
  onEvent(listener: (e: ReaderEvent) => void): () => void;
}
