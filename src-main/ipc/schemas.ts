// Argument schemas for every ReaderApi method: the boundary check shared by IPC and HTTP.
import * as v from 'valibot';
import type { Method } from './contract';

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
const ids = v.pipe(v.array(id), v.maxLength(200_000));
const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const isoDate = v.pipe(v.string(), v.maxLength(40), v.check((s) => !Number.isNaN(Date.parse(s)), 'not a date'));
const folder = v.pipe(v.string(), v.maxLength(500));
const tag = v.pipe(v.string(), v.minLength(1), v.maxLength(100));

export const itemQuery = v.strictObject({
  feedId: v.optional(id),
  folder: v.optional(folder),
  status: v.optional(v.picklist(['all', 'unread', 'starred'])),
  today: v.optional(v.boolean()),
  tags: v.optional(v.pipe(v.array(tag), v.maxLength(100))),
  tagMode: v.optional(v.picklist(['any', 'all'])),
  search: v.optional(text(1000)),
  sort: v.optional(v.picklist(['newest', 'oldest'])),
  since: v.optional(isoDate),
  before: v.optional(isoDate),
  offset: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000))),
});

const tagRule = v.strictObject({
  tag,
  any: v.optional(v.array(text(200))),
  all: v.optional(v.array(text(200))),
  in: v.optional(v.array(v.picklist(['title', 'content']))),
  feeds: v.optional(v.array(text(2000))),
  categories: v.optional(v.array(text(200))),
});

const settingsPatch = v.partial(
  v.strictObject({
    refreshIntervalMinutes: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(7 * 24 * 60)),
    refreshOnStart: v.boolean(),
    concurrency: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(64)),
    perHostConcurrency: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(16)),
    connectTimeoutMs: v.pipe(v.number(), v.integer(), v.minValue(1000), v.maxValue(120_000)),
    totalTimeoutMs: v.pipe(v.number(), v.integer(), v.minValue(1000), v.maxValue(600_000)),
    maxBodyBytes: v.pipe(v.number(), v.integer(), v.minValue(1024), v.maxValue(200 * 1024 * 1024)),
    retentionDays: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(36_500)),
    minItemsPerFeed: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000)),
    articleFont: v.picklist(['serif', 'sans']),
    articleSize: v.pipe(v.number(), v.minValue(10), v.maxValue(40)),
    articleWidth: v.pipe(v.number(), v.minValue(20), v.maxValue(120)),
    theme: v.picklist(['system', 'light', 'dark']),
    loadRemoteImages: v.boolean(),
    mediaLimitMb: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000)),
  }),
);

/** Each method's arguments as a tuple schema (optional trailing arguments may be left out). */
export const ARG_SCHEMAS = {
  listFeeds: v.strictTuple([]),
  addFeed: v.union([v.strictTuple([text(4000)]), v.strictTuple([text(4000), v.optional(folder)])]),
  removeFeed: v.strictTuple([id]),
  restoreFeed: v.strictTuple([id]),
  updateFeed: v.strictTuple([
    id,
    v.strictObject({ title: v.optional(text(500)), folder: v.optional(folder), fullText: v.optional(v.boolean()) }),
  ]),
  refresh: v.union([v.strictTuple([]), v.strictTuple([v.optional(ids)])]),
  status: v.strictTuple([]),
  listItems: v.strictTuple([itemQuery]),
  getItem: v.strictTuple([id]),
  setRead: v.strictTuple([ids, v.boolean()]),
  markAllRead: v.strictTuple([
    v.strictObject({ query: itemQuery, olderThanDays: v.optional(v.pipe(v.number(), v.minValue(0))) }),
  ]),
  setStarred: v.strictTuple([id, v.boolean()]),
  setItemTags: v.strictTuple([
    id,
    v.strictObject({ add: v.optional(v.array(tag)), remove: v.optional(v.array(tag)) }),
  ]),
  counts: v.strictTuple([]),
  listTags: v.strictTuple([]),
  getTagRules: v.strictTuple([]),
  setTagRules: v.strictTuple([v.pipe(v.array(tagRule), v.maxLength(10_000))]),
  previewTagRule: v.strictTuple([tagRule]),
  applyTagRules: v.strictTuple([]),
  listSavedSearches: v.strictTuple([]),
  saveSearch: v.strictTuple([
    v.strictObject({ id: v.optional(id), name: v.pipe(text(200), v.minLength(1)), query: text(1000), tags: v.array(tag) }),
  ]),
  deleteSavedSearch: v.strictTuple([id]),
  importOpml: v.strictTuple([v.union([text(50 * 1024 * 1024), v.strictObject({ base64: v.pipe(text(40 * 1024 * 1024), v.regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64')) })])]),
  exportOpml: v.strictTuple([]),
  exportMarkdown: v.strictTuple([
    v.strictObject({
      ids: v.optional(ids),
      query: v.optional(itemQuery),
      dir: v.pipe(text(4000), v.minLength(1)),
      overwrite: v.optional(v.boolean()),
      layout: v.optional(v.pipe(text(100), v.regex(/^[\w-]+$/))),
    }),
  ]),
  getSettings: v.strictTuple([]),
  updateSettings: v.strictTuple([settingsPatch]),
  storageReport: v.strictTuple([]),
  clearMediaCache: v.strictTuple([]),
} satisfies Record<Method, v.GenericSchema>;
