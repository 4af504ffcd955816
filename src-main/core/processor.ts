// The refresh pipeline (DESIGN §3): fetch → decode → parse → sanitize → tag → merge, per feed,
// with bounded concurrency, backoff and per-feed health. One feed's failure never touches
// another feed or its own stored items.
import type { Feed, FeedHealth, FeedHttpState, Item, ParsedFeed, Settings, TagRule } from './model';
import { DEFAULT_SETTINGS } from './model';
import type { ReaderEvent, RefreshSummary } from '../ipc/contract';
import type { FeedUpdate, LibraryData, Store } from '../storage/types';
import { decodeBody } from './encoding';
import { fetchFeed, FetchError, type FetchResult } from './fetcher';
import { isNetworkError } from './connectivity';
import { mediaSessionFor } from './media';
import { keepOffline } from './offline';
import { refreshFavicon } from './favicon';
import { assignItemIds, hash } from './identity';
import { sourceHashOf, toStoredItem } from './merge';
import { parseFeed } from './parser';
import { sanitizeHtml } from './sanitizer';
import { hostOf, runScheduled } from './scheduler';
import { computeTags } from './tags';
import { htmlToText } from './text';

export interface RefreshContext {
  store: Store;
  rules: TagRule[];
  emit(e: ReaderEvent): void;
  now?: () => Date;
  /** Ignore backoff and Retry-After. */
  force?: boolean;
  /** The HTML sanitizer (default core/sanitizer's sanitizeHtml); replaceable for measurements. */
  sanitize?: (html: string, baseUrl: string) => string;
  /** Keep new and changed articles readable offline: images into <dataDir>/media, full text where the feed asks (default true). */
  offline?: boolean;
}

const DAY = 24 * 60 * 60 * 1000;
const VALIDATOR_TTL = 8 * DAY;
const BACKOFF_BASE = 15 * 60 * 1000;
const MOVES_TO_FOLLOW = 3;
const SLICE_MS = 8;
const FLUSH_EVERY = 50;

type Outcome = { feedId: string; title: string; kind: 'updated' | 'unchanged' | 'failed'; newItems: number; error?: string; network?: boolean };
type Patch = { feedId: string; apply: (feed: Feed) => void };

/** refreshFeeds: refresh the given feeds (default all that are due) and report what happened; never throws for one feed's failure. */
export async function refreshFeeds(ctx: RefreshContext, feedIds?: string[]): Promise<RefreshSummary> {
  const started = Date.now();
  const lib = ctx.store.library();
  const settings: Settings = { ...DEFAULT_SETTINGS, ...lib.settings };
  const wanted = feedIds ? new Set(feedIds) : undefined;
  const feeds = lib.feeds.filter((f) => !wanted || wanted.has(f.id));
  const nowMs = (ctx.now?.() ?? new Date()).getTime();
  // A feed already being refreshed by an overlapping call (refresh-on-start plus a click) is left to it.
  const busy = inFlight.get(ctx.store) ?? new Set<string>();
  inFlight.set(ctx.store, busy);
  const due = feeds.filter((f) => !busy.has(f.id) && (ctx.force || !f.health.nextAttempt || Date.parse(f.health.nextAttempt) <= nowMs));
  for (const f of due) busy.add(f.id);
  try {
    return await refreshDue(ctx, feeds, due, settings, started);
  } finally {
    for (const f of due) busy.delete(f.id);
  }
}

const inFlight = new WeakMap<Store, Set<string>>();

async function refreshDue(ctx: RefreshContext, feeds: Feed[], due: Feed[], settings: Settings, started: number): Promise<RefreshSummary> {
  const patches: Patch[] = [];
  let flushing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    const batch = patches.splice(0);
    if (batch.length) flushing = flushing.then(() => applyPatches(ctx.store, batch));
    return flushing;
  };
  let done = 0;
  let failed = 0;
  ctx.emit({ type: 'refresh-progress', done, total: due.length, failed, running: true });
  const tasks = due.map((feed) => ({
    host: hostOf(feed.url),
    run: async (): Promise<Outcome> => {
      const out = await refreshOne(ctx, feed, settings, patches);
      done++;
      if (out.kind === 'failed') {
        failed++;
        ctx.emit({ type: 'feed-error', feedId: feed.id, message: out.error ?? 'failed' });
      }
      // A failed write surfaces at the final flush; here it must not become an unhandled rejection.
      if (patches.length >= FLUSH_EVERY) flush().catch(() => undefined);
      ctx.emit({ type: 'refresh-progress', done, total: due.length, failed, running: done < due.length });
      return out;
    },
  }));
  const settled = await runScheduled(tasks, settings.concurrency, settings.perHostConcurrency);
  await flush();
  // refreshOne catches its own errors; a rejection here is a bug, still reported per feed, never lost.
  const outcomes = settled.map((s, i): Outcome =>
    s.status === 'fulfilled' ? s.value : { feedId: due[i]!.id, title: due[i]!.title, kind: 'failed', newItems: 0, error: `processor: ${String(s.reason)}` },
  );
  const changed = outcomes.filter((o) => o.kind === 'updated').map((o) => o.feedId);
  if (changed.length) ctx.emit({ type: 'items-changed', feedIds: changed });
  if (due.length) ctx.emit({ type: 'feeds-changed' });
  if (due.length === 0) ctx.emit({ type: 'refresh-progress', done: 0, total: 0, failed: 0, running: false });
  return {
    total: feeds.length,
    updated: changed.length,
    unchanged: feeds.length - changed.length - outcomes.filter((o) => o.kind === 'failed').length,
    failed: outcomes.filter((o) => o.kind === 'failed').map((o) => ({ feedId: o.feedId, title: o.title, error: o.error ?? 'failed', ...(o.network && { network: true }) })),
    newItems: outcomes.reduce((n, o) => n + o.newItems, 0),
    durationMs: Date.now() - started,
    attempted: due.length,
  };
}

async function refreshOne(ctx: RefreshContext, feed: Feed, settings: Settings, patches: Patch[]): Promise<Outcome> {
  const now = ctx.now?.() ?? new Date();
  const iso = now.toISOString();
  // Validators and the body hash only mean "you have this" after a refresh stored the items.
  const fresh = !!feed.health.lastSuccess && !!feed.http.validatorsAt && now.getTime() - Date.parse(feed.http.validatorsAt) < VALIDATOR_TTL;
  const base = { feedId: feed.id, title: feed.title };
  let res: FetchResult;
  try {
    res = await fetchFeed(feed.url, {
      ...(fresh && feed.http.etag && { etag: feed.http.etag }),
      ...(fresh && feed.http.lastModified && { lastModified: feed.http.lastModified }),
      connectTimeoutMs: settings.connectTimeoutMs,
      totalTimeoutMs: settings.totalTimeoutMs,
      maxBodyBytes: settings.maxBodyBytes,
    });
  } catch (e) {
    return fail(feed, e, now, patches);
  }
  const moved = trackMove(res.permanentRedirect);
  const finalUrl = res.finalUrl;
  if (res.kind === 'not-modified') {
    patches.push({ feedId: feed.id, apply: (f) => succeed(f, iso, { status: 304, finalUrl }, {}, moved) });
    return { ...base, kind: 'unchanged', newItems: 0 };
  }
  return ingest(ctx, feed, res, now, moved, patches);
}

type Fetched = Extract<FetchResult, { kind: 'ok' }>;

async function ingest(ctx: RefreshContext, feed: Feed, res: Fetched, now: Date, moved: (f: Feed) => void, patches: Patch[]): Promise<Outcome> {
  const iso = now.toISOString();
  const base = { feedId: feed.id, title: feed.title };
  const finalUrl = res.finalUrl;
  const validators: Partial<FeedHttpState> = res.etag || res.lastModified
    ? { etag: res.etag, lastModified: res.lastModified, validatorsAt: iso }
    : { etag: undefined, lastModified: undefined, validatorsAt: undefined };
  const bodyHash = hash(res.body);
  const status = res.status;
  if (bodyHash === feed.http.bodyHash && feed.health.lastSuccess) {
    patches.push({ feedId: feed.id, apply: (f) => succeed(f, iso, { status, finalUrl }, { ...validators, bodyHash }, moved) });
    return { ...base, kind: 'unchanged', newItems: 0 };
  }
  try {
    // Parsing is the longest synchronous step: start it in a fresh turn of the event loop.
    await breathe(true);
    const { text, encoding } = decodeBody(res.body, res.contentType);
    const parsed = parseFeed(text, res.finalUrl);
    const { changed, newItems } = await mergeItems(ctx, feed, parsed, iso);
    // Offline copies (issue 8): one media session per refresh (its patch list); failures go to the feed's health, never fail it.
    // A feed just set to fetch full articles also gets them for items it already had (keepOffline's backfill).
    const offline = ctx.offline !== false && (changed.items.length || feed.fullText)
      ? await keepOffline(ctx.store, feed, changed, mediaSessionFor(patches)).catch(() => undefined)
      : undefined;
    if (changed.items.length || changed.fullText?.size) {
      keepLatestState(ctx.store, changed.items);
      await ctx.store.putItems(changed);
    }
    const itemCount = ctx.store.feedItems(feed.id).length;
    // Only small values go into the patch: it waits for the next library flush, the body must not.
    const health = { status, finalUrl, encoding, itemCount, ...(offline && { offline }) };
    const { title, link } = parsed;
    // Issue 5: the icon is looked for on the side (weekly at most); it never holds up or fails a refresh.
    if (ctx.offline !== false) void refreshFavicon(ctx, feed, parsed.icon, link);
    patches.push({
      feedId: feed.id,
      apply: (f) => {
        succeed(f, iso, health, { ...validators, bodyHash }, moved);
        if (!f.titleLocked && title) f.title = title;
        if (link) f.siteUrl = link;
      },
    });
    return { ...base, kind: changed.items.length ? 'updated' : 'unchanged', newItems };
  } catch (e) {
    return fail(feed, e, now, patches);
  }
}

// One clock for every feed in flight: several feeds finishing together must not add their slices up.
let sliceStart = Date.now();

/** Yields to the event loop once the current slice is used up (or always, when asked). */
async function breathe(always = false): Promise<void> {
  if (!always && Date.now() - sliceStart < SLICE_MS) return;
  await new Promise<void>((r) => setImmediate(r));
  sliceStart = Date.now();
}

async function mergeItems(ctx: RefreshContext, feed: Feed, parsed: ParsedFeed, now: string): Promise<{ changed: FeedUpdate; newItems: number }> {
  const { store } = ctx;
  const sanitize = ctx.sanitize ?? sanitizeHtml;
  const ids = assignItemIds(feed.id, parsed.items, (id) => {
    const known = store.getItem(id);
    return known ? known.link ?? '' : undefined;
  });
  const items: Item[] = [];
  const content = new Map<string, string>();
  let newItems = 0;
  for (const { id, item } of ids) {
    await breathe();
    const previous = store.getItem(id);
    const sourceHash = sourceHashOf(item);
    if (previous && previous.sourceHash === sourceHash) continue;
    const pruned = previous ? undefined : store.prunedState(feed.id, id);
    if (!previous && !pruned) newItems++;
    const plain = htmlToText(item.content ?? item.summary ?? '');
    const tags = computeTags(
      { title: item.title, text: plain, categories: item.categories, ...(item.published && { published: item.published }), feedId: feed.id, feedUrl: feed.url },
      ctx.rules,
      previous?.userTags,
    );
    items.push(toStoredItem({ feedId: feed.id, id, parsed: item, ...(previous && { previous }), ...(pruned && { pruned }), now, sourceHash, tags, text: plain }));
    if (item.content) content.set(id, sanitize(item.content, item.contentBase ?? item.link ?? feed.url));
  }
  return { changed: { feedId: feed.id, items, content }, newItems };
}

// Merging yields to the event loop, so the reader may have marked an item read (or starred, or
// tagged) since its snapshot: the state written is the state in the store right now.
function keepLatestState(store: Store, items: Item[]): void {
  for (const item of items) {
    const now = store.getItem(item.id);
    if (!now) continue;
    item.read = now.read;
    item.starred = now.starred;
    if (now.userTags) {
      item.userTags = now.userTags;
      const tags = new Set(item.tags);
      for (const t of now.userTags.added) tags.add(t);
      for (const t of now.userTags.removed) tags.delete(t);
      item.tags = [...tags];
    }
  }
}

function trackMove(target: string | undefined): (f: Feed) => void {
  return (f) => {
    if (!target || target === f.url) {
      delete f.http.movedTo;
      delete f.http.movedCount;
      return;
    }
    const count = f.http.movedTo === target ? (f.http.movedCount ?? 0) + 1 : 1;
    // Only a move seen on several refreshes in a row is believed: one bad deploy must not lose a feed.
    if (count >= MOVES_TO_FOLLOW) {
      f.url = target;
      delete f.http.movedTo;
      delete f.http.movedCount;
    } else {
      f.http.movedTo = target;
      f.http.movedCount = count;
    }
  };
}

function succeed(f: Feed, iso: string, health: Partial<FeedHealth>, http: Partial<FeedHttpState>, moved: (f: Feed) => void): void {
  const h: FeedHealth = { ...f.health, ...health, lastAttempt: iso, lastSuccess: iso, consecutiveFailures: 0 };
  delete h.lastError;
  delete h.nextAttempt;
  f.health = h;
  const next: FeedHttpState = { ...f.http, ...http };
  for (const k of Object.keys(next) as (keyof FeedHttpState)[]) if (next[k] === undefined) delete next[k];
  f.http = next;
  moved(f);
}

function fail(feed: Feed, e: unknown, now: Date, patches: Patch[]): Outcome {
  const raw = e instanceof Error ? e.message : String(e);
  const message = /^[a-z-]+: /.test(raw) ? raw : `processor: ${raw}`;
  // An unreachable network is not the feed's fault: a fixed short retry, and the failure count stays.
  const network = isNetworkError(e);
  const failures = feed.health.consecutiveFailures + (network ? 0 : 1);
  const retryAfter = e instanceof FetchError ? e.retryAfterMs : undefined;
  const delay = network ? BACKOFF_BASE : Math.min(DAY, retryAfter ?? BACKOFF_BASE * 2 ** Math.min(failures - 1, 10));
  const status = e instanceof FetchError ? e.status : undefined;
  patches.push({
    feedId: feed.id,
    apply: (f) => {
      const h: FeedHealth = {
        ...f.health,
        lastAttempt: now.toISOString(),
        lastError: message,
        nextAttempt: new Date(now.getTime() + delay).toISOString(),
        consecutiveFailures: failures,
        ...(status !== undefined && { status }),
      };
      // A timeout or refused connection has no status: the last one seen would mislead.
      if (status === undefined) delete h.status;
      f.health = h;
    },
  });
  return { feedId: feed.id, title: feed.title, kind: 'failed', newItems: 0, error: message, ...(network && { network: true }) };
}

async function applyPatches(store: Store, batch: Patch[]): Promise<void> {
  await store.updateLibrary((lib: LibraryData) => {
    const byId = new Map(lib.feeds.map((f) => [f.id, f]));
    for (const p of batch) {
      const feed = byId.get(p.feedId);
      // A feed removed while it was being refreshed stays removed.
      if (feed) p.apply(feed);
    }
  });
}
