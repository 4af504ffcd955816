// The refresh pipeline (DESIGN §3): fetch → decode → parse → sanitize → tag → merge, per feed,
// with bounded concurrency, backoff and per-feed health. One feed's failure never touches
// another feed or its own stored items.
import type { Feed, FeedHealth, FeedHttpState, Item, OfflineRecord, ParsedItem, Settings, TagRule } from './model';
import { DEFAULT_SETTINGS } from './model';
import type { ReaderEvent, RefreshSummary } from '../ipc/contract';
import type { FeedUpdate, LibraryData, Store } from '../storage/types';
import { digestFeed, digestItem, type Digest, type DigestInput } from './digest';
import { digestOffThread, digestPoolEnabled, digestPoolHasRoom } from './digest-pool';
import { fetchFeed, FetchError, type FetchResult } from './fetcher';
import { isNetworkError } from './connectivity';
import { mediaSessionFor } from './media';
import { keepOffline } from './offline';
import { refreshFavicon } from './favicon';
import { assignItemIds, hash } from './identity';
import { toStoredItem } from './merge';
import { sanitizeHtml } from './sanitizer';
import { hostOf, runScheduled } from './scheduler';
import { computeTags } from './tags';
import { EntryCache } from './entry-cache';

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
/** Feeds parsed and merged at once (each holds its body, document and raw articles meanwhile). */
const INGEST_LIMIT = 3;
/** The largest document the main thread parses while a worker is on (~10 ms of parsing per 512 KB). */
const IN_PLACE_MAX_BYTES = 512 * 1024;

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
  const finish = (feed: Feed, out: Outcome): Outcome => {
    done++;
    if (out.kind === 'failed') {
      failed++;
      ctx.emit({ type: 'feed-error', feedId: feed.id, message: out.error ?? 'failed' });
    }
    // A failed write surfaces at the final flush; here it must not become an unhandled rejection.
    if (patches.length >= FLUSH_EVERY) flush().catch(() => undefined);
    ctx.emit({ type: 'refresh-progress', done, total: due.length, failed, running: done < due.length });
    return out;
  };
  // A fetched feed leaves its fetch slot once it is admitted to parsing, so the network keeps busy
  // while bodies are parsed and written. Parsing (body, document, raw articles in memory) admits
  // few feeds; offline copies and writes (network and disk waits) as many as fetching does.
  const gates: Gates = { parsing: gate(INGEST_LIMIT), storing: gate(settings.concurrency) };
  const ingesting: Promise<Outcome>[] = new Array(due.length);
  const tasks = due.map((feed, i) => ({
    host: hostOf(feed.url),
    run: async (): Promise<void> => {
      const step = await fetchOne(ctx, feed, settings, patches);
      if (!('ingest' in step)) {
        ingesting[i] = Promise.resolve(finish(feed, step));
        return;
      }
      await gates.parsing.enter();
      ingesting[i] = step.ingest(gates).then((out) => finish(feed, out));
    },
  }));
  const settled = await runScheduled(tasks, settings.concurrency, settings.perHostConcurrency);
  const ingested = await Promise.allSettled(ingesting.map((p, i) => p ?? Promise.reject(settled[i]?.status === 'rejected' ? settled[i].reason : 'not run')));
  await flush();
  // fetchOne and ingest catch their own errors; a rejection here is a bug, still reported per feed, never lost.
  const outcomes = ingested.map((s, i): Outcome =>
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

/** Fetches one feed: the outcome when there is nothing to ingest (failure, 304), else the ingestion to run. */
async function fetchOne(ctx: RefreshContext, feed: Feed, settings: Settings, patches: Patch[]): Promise<Outcome | { ingest: (gates: Gates) => Promise<Outcome> }> {
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
  const fetched = res;
  return { ingest: (gates) => ingest(ctx, feed, fetched, now, moved, patches, gates) };
}

type Gate = { enter(): Promise<void>; leave(): void };
/** The two stages of ingestion; the caller holds `parsing` when ingest starts, and ingest gives it back. */
type Gates = { parsing: Gate; storing: Gate };

/** A counting gate: at most `limit` holders at once, waiters served in order. */
function gate(limit: number): Gate {
  let held = 0;
  const waiting: (() => void)[] = [];
  return {
    enter: () => {
      if (held < limit) {
        held++;
        return Promise.resolve();
      }
      return new Promise<void>((ok) => waiting.push(ok));
    },
    leave: () => {
      const next = waiting.shift();
      if (next) next();
      else held--;
    },
  };
}

type Fetched = Extract<FetchResult, { kind: 'ok' }>;

async function ingest(ctx: RefreshContext, feed: Feed, res: Fetched, now: Date, moved: (f: Feed) => void, patches: Patch[], gates: Gates): Promise<Outcome> {
  let parsing = true;
  const parsed = () => {
    if (parsing) gates.parsing.leave();
    parsing = false;
  };
  try {
    return await ingestHeld(ctx, feed, res, now, moved, patches, gates, parsed);
  } finally {
    parsed();
  }
}

async function ingestHeld(ctx: RefreshContext, feed: Feed, res: Fetched, now: Date, moved: (f: Feed) => void, patches: Patch[], gates: Gates, parsed: () => void): Promise<Outcome> {
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
    const cache = entryCacheOf(ctx.store);
    let digest = await digestBody(ctx, feed, res, cache.known(feed.id, (id) => !!ctx.store.ref(id)));
    let merged = await mergeItems(ctx, feed, digest, iso);
    // Known entries left out of the parse turned out to matter (an id they share with a new one,
    // an item gone meanwhile): parse the whole document.
    if (!merged) {
      cache.forget(feed.id);
      digest = await digestBody(ctx, feed, res);
      merged = (await mergeItems(ctx, feed, digest, iso))!;
    }
    const { changed, newItems, entries } = merged;
    const { encoding } = digest;
    const { title, link, icon } = digest.feed;
    // Entered before parsing is left: a feed waiting to be stored keeps holding its place, so
    // what waits stays bounded all the way back to the fetch slots.
    await gates.storing.enter();
    parsed();
    let offline: OfflineRecord | undefined;
    try {
      // Offline copies (issue 8): one media session per refresh (its patch list); failures go to the feed's health, never fail it.
      // A feed just set to fetch full articles also gets them for items it already had (keepOffline's backfill).
      offline = ctx.offline !== false && (changed.items.length || feed.fullText)
        ? await keepOffline(ctx.store, feed, changed, mediaSessionFor(patches)).catch(() => undefined)
        : undefined;
      if (changed.items.length || changed.fullText?.size) {
        keepLatestState(ctx.store, changed.items);
        await ctx.store.putItems(changed);
      }
      // Only once stored: an entry remembered is one whose item the store has.
      if (entries) cache.remember(feed.id, entries.context, entries.ids);
      else cache.forget(feed.id);
    } finally {
      gates.storing.leave();
    }
    // The counter, not feedItems(): that would read every stored item's text of the feed into memory.
    const itemCount = ctx.store.tallyFeed(feed.id).total;
    // Only small values go into the patch: it waits for the next library flush, the body must not.
    const health = { status, finalUrl, encoding, itemCount, ...(offline && { offline }) };
    // Issue 5: the icon is looked for on the side (weekly at most); it never holds up or fails a refresh.
    if (ctx.offline !== false) void refreshFavicon(ctx, feed, icon, link);
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

const entryCaches = new WeakMap<Store, EntryCache>();

function entryCacheOf(store: Store): EntryCache {
  let c = entryCaches.get(store);
  if (!c) entryCaches.set(store, (c = new EntryCache()));
  return c;
}

/** Decode and parse a fetched body, digesting its items in a worker when the pool is on (else mergeItems digests them in slices). */
async function digestBody(ctx: RefreshContext, feed: Feed, res: Fetched, knownEntries?: DigestInput['knownEntries']): Promise<Digest> {
  const input = { body: res.body, ...(res.contentType && { contentType: res.contentType }), finalUrl: res.finalUrl, feedId: feed.id, feedUrl: feed.url, rules: ctx.rules, ...(knownEntries && { knownEntries }) };
  // With the worker busy the main thread digests this feed itself, in slices, so both cores work;
  // but parsing is one slice, so a large document waits for the worker instead.
  if (!ctx.sanitize && digestPoolEnabled() && (digestPoolHasRoom() || res.body.byteLength > IN_PLACE_MAX_BYTES)) {
    // The worker cannot ask the store: it gets the fingerprints stored for this feed, so that
    // unchanged items are not sanitized again. Reading them costs a little; with known entries
    // left out of the parse, what is parsed is new anyway.
    if (knownEntries) return digestOffThread(input);
    // scanFeed reads the file once and keeps nothing; feedItems would keep every text in memory.
    const stored = ctx.store.scanFeed?.(feed.id) ?? ctx.store.feedItems(feed.id);
    const known = stored.flatMap((i) => (i.sourceHash ? [i.sourceHash] : []));
    return digestOffThread({ ...input, known });
  }
  // Parsing is the longest synchronous step: start it in a fresh turn of the event loop.
  await breathe(true);
  return digestFeed(input, ctx.sanitize, { parseOnly: true });
}

type Merged = { changed: FeedUpdate; newItems: number; entries?: { context: string; ids: Map<string, string> } };

/** The items to store from a digest; undefined when entries left out of the parse cannot be trusted to be what the store has. */
async function mergeItems(ctx: RefreshContext, feed: Feed, digest: Digest, now: string): Promise<Merged | undefined> {
  const { store } = ctx;
  const sanitize = ctx.sanitize ?? sanitizeHtml;
  const byItem = new Map(digest.items.map((d) => [d.item, d]));
  const ids = assignItemIds(feed.id, digest.items.map((d) => d.item), (id) => {
    const known = store.getItem(id);
    return known ? known.link ?? '' : undefined;
  });
  const entries = entryIds(feed.id, digest, ids, entryCacheOf(store), (id) => !!store.ref(id));
  if (entries === false) return undefined;
  const items: Item[] = [];
  const content = new Map<string, string>();
  let newItems = 0;
  for (const { id, item } of ids) {
    await breathe();
    const { sourceHash, digest: ready } = byItem.get(item)!;
    const previous = store.getItem(id);
    if (previous && previous.sourceHash === sourceHash) continue;
    const pruned = previous ? undefined : store.prunedState(feed.id, id);
    if (!previous && !pruned) newItems++;
    // Not digested when its fingerprint was known (under another id), or digesting in place.
    const { text, tags: ruleTags, html } = ready ?? digestItem(item, { feedId: feed.id, feedUrl: feed.url, rules: ctx.rules }, sanitize);
    const tags = previous?.userTags
      ? computeTags({ title: item.title, text, categories: item.categories, ...(item.published && { published: item.published }), feedId: feed.id, feedUrl: feed.url }, ctx.rules, previous.userTags)
      : ruleTags;
    items.push(toStoredItem({ feedId: feed.id, id, parsed: item, ...(previous && { previous }), ...(pruned && { pruned }), now, sourceHash, tags, text }));
    if (html !== undefined) content.set(id, html);
  }
  return { changed: { feedId: feed.id, items, content }, newItems, ...(entries && { entries }) };
}

/**
 * The id of every entry of the document (the parsed ones as just assigned, the left-out ones as
 * remembered), to remember for the next refresh. Undefined when the document is not worth
 * remembering (entries not matched, repeated guids, repeats dropped); false when a left-out entry
 * cannot stand: its item is gone, or a new entry has its id — the whole document must be parsed.
 */
function entryIds(feedId: string, digest: Digest, ids: { id: string; item: ParsedItem }[], cache: EntryCache, stored: (id: string) => boolean): { context: string; ids: Map<string, string> } | undefined | false {
  const e = digest.entries;
  if (!e) return undefined;
  const skipped = e.hashes.length - e.parsed.length;
  // No item dropped as a repeat and no guid shared: every id is the plain one of its entry.
  const guids = digest.items.flatMap((d) => (d.item.guid ? [d.item.guid] : []));
  const clean = ids.length === digest.items.length && new Set(guids).size === guids.length;
  const out = new Map<string, string>();
  const byItem = new Map(ids.map(({ id, item }) => [item, id]));
  e.parsed.forEach((k, j) => {
    const id = byItem.get(digest.items[j]!.item);
    if (id !== undefined) out.set(e.hashes[k]!, id);
  });
  if (skipped) {
    for (const h of e.hashes) {
      if (out.has(h)) continue;
      const id = cache.idOf(feedId, h);
      // Gone since the parse began: only the whole document can say what it was.
      if (id === undefined || !stored(id)) return false;
      out.set(h, id);
    }
  }
  // Two entries with equal bytes, or ids shared: positions no longer tell items apart.
  if (!clean || out.size !== e.hashes.length || new Set(out.values()).size !== out.size) return skipped ? false : undefined;
  return { context: e.context, ids: out };
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
