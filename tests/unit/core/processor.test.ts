import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReaderEvent } from '../../../src-main/ipc/contract';
import { refreshFeeds, type RefreshContext } from '../../../src-main/core/processor';
import { startServer, type TestServer } from '../../helpers/http';
import { memoryStore, newFeed, type MemoryStore } from './memory-store';

// A tiny live site: feeds whose content the tests change between refreshes.
const docs = new Map<string, { body: string; etag?: string; status?: number; headers?: Record<string, string>; delayMs?: number }>();
const hits = new Map<string, number>();
const conditional = new Map<string, string | undefined>();
let inFlight = 0;
let maxInFlight = 0;
let server: TestServer;

const rssDoc = (n: number, extra = '') =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>Live ${extra}</title><link>https://live.example/</link>${Array.from({ length: n }, (_, i) => `<item><title>Post ${i}</title><guid>post-${i}</guid><link>https://live.example/${i}</link><pubDate>Mon, 0${(i % 9) + 1} Jan 2024 10:00:00 GMT</pubDate><description>&lt;p&gt;Body ${i} ${extra}&lt;/p&gt;</description><category>News Today</category></item>`).join('')}</channel></rss>`;

beforeAll(async () => {
  server = await startServer(async (req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    conditional.set(path, req.headers['if-none-match']);
    const doc = docs.get(path);
    if (!doc) return void res.writeHead(404).end();
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, doc.delayMs ?? 0));
    inFlight--;
    if (doc.etag && req.headers['if-none-match'] === doc.etag) return void res.writeHead(304).end();
    res.writeHead(doc.status ?? 200, { 'content-type': 'application/rss+xml', ...(doc.etag && { etag: doc.etag }), ...doc.headers });
    res.end(doc.body);
  });
});
afterAll(() => server.close());
beforeEach(() => {
  docs.clear();
  hits.clear();
  maxInFlight = 0;
});

function context(store: MemoryStore, now = new Date('2026-03-01T12:00:00Z')) {
  const events: ReaderEvent[] = [];
  let clock = now;
  const ctx: RefreshContext & { events: ReaderEvent[]; setNow(d: Date): void } = {
    store,
    rules: [],
    emit: (e) => events.push(e),
    now: () => clock,
    events,
    setNow: (d) => (clock = d),
  };
  return ctx;
}

describe('refreshFeeds', () => {
  it('stores items, sanitized content, tags and health, and reports progress', async () => {
    docs.set('/a', { body: rssDoc(3) });
    const feed = newFeed(`${server.origin}/a`);
    const store = memoryStore([feed]);
    const ctx = context(store);
    const summary = await refreshFeeds(ctx);
    expect(summary).toMatchObject({ total: 1, updated: 1, unchanged: 0, failed: [], newItems: 3 });
    const items = store.feedItems(feed.id);
    expect(items.map((i) => i.title).sort()).toEqual(['Post 0', 'Post 1', 'Post 2']);
    expect(items[0]).toMatchObject({ read: false, starred: false, summary: expect.stringMatching(/^Body \d$/) });
    expect(items[0]!.tags).toEqual(expect.arrayContaining(['news-today', 'year-2024']));
    expect(store.contents.size).toBe(3);
    expect([...store.contents.values()].every((html) => !html.includes('<script'))).toBe(true);
    const f = store.library().feeds[0]!;
    expect(f.title).toBe('Live');
    expect(f.siteUrl).toBe('https://live.example/');
    expect(f.health).toMatchObject({ status: 200, encoding: 'utf-8', itemCount: 3, consecutiveFailures: 0, lastSuccess: '2026-03-01T12:00:00.000Z' });
    expect(ctx.events[0]).toEqual({ type: 'refresh-progress', done: 0, total: 1, failed: 0, running: true });
    expect(ctx.events).toContainEqual({ type: 'refresh-progress', done: 1, total: 1, failed: 0, running: false });
    expect(ctx.events).toContainEqual({ type: 'items-changed', feedIds: [feed.id] });
  });

  it('never duplicates items or resets read/starred on later refreshes; skips identical bodies; uses ETag', async () => {
    docs.set('/b', { body: rssDoc(3) });
    const feed = newFeed(`${server.origin}/b`);
    const store = memoryStore([feed]);
    const ctx = context(store);
    await refreshFeeds(ctx);
    const [first] = store.feedItems(feed.id);
    await store.patchItems([first!.id], (i) => ((i.read = true), (i.starred = true), true));
    const putsBefore = store.puts;
    // Same bytes, no validators: the body hash must skip the work.
    expect(await refreshFeeds(ctx)).toMatchObject({ updated: 0, unchanged: 1, newItems: 0 });
    expect(store.puts).toBe(putsBefore);
    // Changed feed: two new items, one edited.
    docs.set('/b', { body: rssDoc(5, 'v2'), etag: '"v2"' });
    expect(await refreshFeeds(ctx)).toMatchObject({ updated: 1, newItems: 2 });
    expect(store.feedItems(feed.id)).toHaveLength(5);
    expect(store.getItem(first!.id)).toMatchObject({ read: true, starred: true });
    expect(store.library().feeds[0]!.title).toBe('Live v2');
    // Now the server has an ETag: the next refresh sends it and gets 304.
    expect(await refreshFeeds(ctx)).toMatchObject({ updated: 0, unchanged: 1 });
    expect(conditional.get('/b')).toBe('"v2"');
    expect(store.library().feeds[0]!.health.status).toBe(304);
  });

  it('drops validators older than 8 days', async () => {
    docs.set('/c', { body: rssDoc(1), etag: '"c"' });
    const feed = newFeed(`${server.origin}/c`);
    const store = memoryStore([feed]);
    const ctx = context(store, new Date('2026-03-01T00:00:00Z'));
    await refreshFeeds(ctx);
    ctx.setNow(new Date('2026-03-10T00:00:00Z'));
    await refreshFeeds(ctx);
    expect(conditional.get('/c')).toBeUndefined();
    expect(store.library().feeds[0]!.health.status).toBe(200);
  });

  it('isolates a failing feed, keeps its items, backs off, and honours Retry-After', async () => {
    docs.set('/ok', { body: rssDoc(2) });
    docs.set('/flaky', { body: rssDoc(2) });
    const ok = newFeed(`${server.origin}/ok`);
    const flaky = newFeed(`${server.origin}/flaky`);
    const store = memoryStore([ok, flaky]);
    const ctx = context(store);
    await refreshFeeds(ctx);
    expect(store.feedItems(flaky.id)).toHaveLength(2);
    docs.set('/flaky', { body: 'gone', status: 500 });
    const s = await refreshFeeds(ctx);
    expect(s.failed).toEqual([{ feedId: flaky.id, title: 'Live', error: `fetcher: status 500 for ${server.origin}/flaky` }]);
    expect(store.feedItems(flaky.id)).toHaveLength(2);
    const h = store.library().feeds.find((f) => f.id === flaky.id)!.health;
    expect(h).toMatchObject({ consecutiveFailures: 1, lastError: `fetcher: status 500 for ${server.origin}/flaky`, status: 500, nextAttempt: '2026-03-01T12:15:00.000Z' });
    expect(ctx.events).toContainEqual({ type: 'feed-error', feedId: flaky.id, message: `fetcher: status 500 for ${server.origin}/flaky` });
    // Inside the backoff window the feed is not asked again, unless forced.
    const before = hits.get('/flaky');
    await refreshFeeds(ctx);
    expect(hits.get('/flaky')).toBe(before);
    ctx.force = true;
    docs.set('/flaky', { body: '', status: 429, headers: { 'retry-after': '3600' } });
    await refreshFeeds(ctx);
    const h2 = store.library().feeds.find((f) => f.id === flaky.id)!.health;
    expect(h2).toMatchObject({ consecutiveFailures: 2, nextAttempt: '2026-03-01T13:00:00.000Z' });
  });

  it('records a web page and a non-feed as parser errors, and keeps what a truncated feed holds', async () => {
    docs.set('/page', { body: '<!DOCTYPE html><html><body>Hi</body></html>' });
    docs.set('/text', { body: 'Hello, world' });
    docs.set('/cut', { body: '<rss version="2.0"><channel><title>x</title><item><title>kept</title><guid>k</guid></item><item><title>half' });
    const [page, text, cut] = ['/page', '/text', '/cut'].map((p) => newFeed(`${server.origin}${p}`));
    const store = memoryStore([page!, text!, cut!]);
    const s = await refreshFeeds(context(store));
    expect(s.failed.map((f) => f.error).sort()).toEqual(['parser: not a feed (the document starts with "Hello, world")', 'parser: this address returned a web page, not a feed']);
    expect(store.feedItems(cut!.id).map((i) => i.title).sort()).toEqual(['half', 'kept']);
  });

  it('moves a feed only after its permanent redirect was seen on 3 refreshes', async () => {
    docs.set('/old', { body: '', status: 301, headers: { location: '/new' } });
    docs.set('/new', { body: rssDoc(1) });
    const feed = newFeed(`${server.origin}/old`);
    const store = memoryStore([feed]);
    const ctx = context(store);
    for (let i = 1; i <= 3; i++) {
      docs.set('/new', { body: rssDoc(1, `r${i}`) });
      await refreshFeeds(ctx);
      const f = store.library().feeds[0]!;
      if (i < 3) expect(f).toMatchObject({ url: `${server.origin}/old`, http: { movedTo: `${server.origin}/new`, movedCount: i } });
      else expect(f.url).toBe(`${server.origin}/new`);
    }
    expect(store.library().feeds[0]!.id).toBe(feed.id);
  });

  it('limits concurrency per host', async () => {
    const feeds = Array.from({ length: 6 }, (_, i) => {
      docs.set(`/p${i}`, { body: rssDoc(1), delayMs: 60 });
      return newFeed(`${server.origin}/p${i}`);
    });
    const store = memoryStore(feeds);
    store.library().settings.perHostConcurrency = 2;
    const s = await refreshFeeds(context(store));
    expect(s.updated).toBe(6);
    expect(maxInFlight).toBe(2);
  });

  it('keeps a read mark made while the refresh was merging', async () => {
    docs.set('/race', { body: rssDoc(2) });
    const feed = newFeed(`${server.origin}/race`);
    const store = memoryStore([feed]);
    await refreshFeeds(context(store));
    const ids = store.feedItems(feed.id).map((i) => i.id);
    docs.set('/race', { body: rssDoc(2, 'edited') });
    // The sanitizer runs after each item's snapshot: the reader "clicks" in between.
    const ctx = { ...context(store), sanitize: (html: string) => (void store.patchItems(ids, (i) => ((i.read = true), true)), html) };
    expect(await refreshFeeds(ctx)).toMatchObject({ updated: 1 });
    expect(store.feedItems(feed.id).map((i) => [i.summary, i.read])).toEqual([
      ['Body 0 edited', true],
      ['Body 1 edited', true],
    ]);
  });

  it('lets overlapping refreshes share the work instead of fetching a feed twice', async () => {
    docs.set('/twice', { body: rssDoc(2), delayMs: 50 });
    const feed = newFeed(`${server.origin}/twice`);
    const store = memoryStore([feed]);
    const [a, b] = await Promise.all([refreshFeeds(context(store)), refreshFeeds(context(store))]);
    expect(hits.get('/twice')).toBe(1);
    expect(a.updated + b.updated).toBe(1);
    expect(store.feedItems(feed.id)).toHaveLength(2);
  });

  it('stores the items of a feed whose validators were seeded at subscription time', async () => {
    const body = rssDoc(2);
    docs.set('/seeded', { body, etag: '"s"' });
    const { hash } = await import('../../../src-main/core/identity');
    const feed = newFeed(`${server.origin}/seeded`, { http: { etag: '"s"', validatorsAt: '2026-03-01T11:00:00.000Z', bodyHash: hash(Buffer.from(body)) } });
    const store = memoryStore([feed]);
    expect(await refreshFeeds(context(store))).toMatchObject({ updated: 1, newItems: 2 });
    expect(conditional.get('/seeded')).toBeUndefined();
  });

  it('keeps a title the user locked', async () => {
    docs.set('/locked', { body: rssDoc(1) });
    const feed = newFeed(`${server.origin}/locked`, { title: 'Mine', titleLocked: true });
    const store = memoryStore([feed]);
    await refreshFeeds(context(store));
    expect(store.library().feeds[0]!.title).toBe('Mine');
  });
});

describe('refreshFeeds with the real store', () => {
  it('refreshes into a library on disk; read state and items survive a re-refresh and a reopen', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { openStore } = await import('../../../src-main/storage/store');
    const dir = await mkdtemp(join(tmpdir(), 'tidings-processor-'));
    try {
      docs.set('/disk', { body: rssDoc(4), etag: '"d1"' });
      const feed = newFeed(`${server.origin}/disk`);
      let store = await openStore(dir);
      await store.updateLibrary((lib) => void lib.feeds.push(feed));
      const events: ReaderEvent[] = [];
      const first = await refreshFeeds({ store, rules: [], emit: (e) => events.push(e) });
      expect(first).toMatchObject({ updated: 1, newItems: 4, failed: [] });
      const ids = store.feedItems(feed.id).map((i) => i.id);
      expect(ids).toHaveLength(4);
      expect(await store.getContent(ids[0]!)).toMatch(/Body \d/);
      await store.patchItems([ids[0]!], (i) => ((i.read = true), true));
      docs.set('/disk', { body: rssDoc(6, 'new'), etag: '"d2"' });
      expect(await refreshFeeds({ store, rules: [], emit: () => undefined })).toMatchObject({ updated: 1, newItems: 2 });
      await store.close();
      store = await openStore(dir);
      expect(store.feedItems(feed.id)).toHaveLength(6);
      expect(store.getItem(ids[0]!)?.read).toBe(true);
      const stored = store.library().feeds[0]!;
      expect(stored.http).toMatchObject({ etag: '"d2"' });
      expect(stored.health).toMatchObject({ status: 200, itemCount: 6, consecutiveFailures: 0 });
      expect(await refreshFeeds({ store, rules: [], emit: () => undefined })).toMatchObject({ updated: 0, unchanged: 1 });
      expect(conditional.get('/disk')).toBe('"d2"');
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('refreshFeeds with entries known from the last refresh', () => {
  const entry = (i: number, link = `https://live.example/${i}`, guid = `post-${i}`) =>
    `<item><title>Post ${i}</title><guid>${guid}</guid><link>${link}</link><pubDate>Mon, 0${(i % 9) + 1} Jan 2024 10:00:00 GMT</pubDate><description>&lt;p&gt;Body ${i}&lt;/p&gt;</description></item>`;
  const doc = (entries: string[], site = 'https://live.example/') => `<?xml version="1.0"?><rss version="2.0"><channel><title>Live</title><link>${site}</link>${entries.join('')}</channel></rss>`;
  const snapshot = (store: MemoryStore) =>
    [...store.allItems()].map(({ fetched: _f, ...i }) => ({ ...i, html: store.contents.get(i.id) })).sort((a, b) => (a.id < b.id ? -1 : 1));

  // The processor remembers entries per store object: a shallow copy of a store is one it has never
  // seen, over the same data — the whole-document parse to compare with.
  type Stripped = ReturnType<typeof snapshot>[number] extends infer T ? Omit<T, 'id' | 'feedId'> & { id: number; feedId: boolean } : never;
  async function bothWays(versions: string[]): Promise<[Stripped[], Stripped[]]> {
    const feedA = newFeed(`${server.origin}/inc-a`);
    const feedB = newFeed(`${server.origin}/inc-b`);
    const a = memoryStore([feedA]);
    const b = memoryStore([feedB]);
    // The two feeds differ only by address and so by item ids, which the comparison leaves out.
    const key = (i: { title: string; link?: string }) => `${i.title} ${i.link}`;
    const strip = (s: ReturnType<typeof snapshot>, feedId: string): Stripped[] => s.map((i) => ({ ...i, id: i.id.length, feedId: i.feedId === feedId })).sort((x, y) => (key(x) < key(y) ? -1 : 1));
    let last: [Stripped[], Stripped[]] = [[], []];
    for (const [k, body] of versions.entries()) {
      docs.set('/inc-a', { body });
      docs.set('/inc-b', { body });
      const at = new Date(Date.UTC(2026, 2, 1 + k));
      await refreshFeeds({ ...context(a, at), force: true });
      await refreshFeeds({ ...context({ ...b }, at), force: true });
      last = [strip(snapshot(a), feedA.id), strip(snapshot(b), feedB.id)];
      expect(last[0], `after version ${k + 1}`).toEqual(last[1]);
    }
    return last;
  }

  it('stores the same as a whole parse when items are added, changed, dropped and repeated', async () => {
    const base = [0, 1, 2, 3, 4].map((i) => entry(i));
    const corrected = entry(2).replace('Body 2', 'Body 2, corrected');
    const moved = 'https://moved.example/';
    const [inc, whole] = await bothWays([
      doc(base),
      // Two new, one changed in place, one gone.
      doc([entry(5), entry(6), ...base.slice(0, 2), corrected, base[3]!]),
      // A new entry repeating a known guid with another link: a separate item, not an overwrite.
      doc([entry(7, 'https://live.example/other', 'post-5'), entry(5), entry(6), ...base.slice(0, 2), corrected, base[3]!]),
      doc([entry(5), entry(6), ...base.slice(0, 2), corrected, base[3]!, entry(9, '/nine')]),
      // The site moved: relative links of known entries resolve elsewhere now.
      doc([entry(8, '/eight'), entry(5), entry(9, '/nine')], moved),
      // Two new entries sharing a guid, then one of them gone.
      doc([entry(8, '/eight'), entry(5), entry(9, '/nine'), entry(10, '/da', 'dup'), entry(11, '/db', 'dup')], moved),
      doc([entry(8, '/eight'), entry(5), entry(9, '/nine'), entry(10, '/da', 'dup')], moved),
    ]);
    expect(inc).toEqual(whole);
    expect(inc.map((i) => i.title).filter((t) => !/Post 1\d/.test(t)).sort()).toEqual(['Post 0', 'Post 1', 'Post 2', 'Post 3', 'Post 4', 'Post 5', 'Post 6', 'Post 7', 'Post 8', 'Post 9']);
    expect(inc.find((i) => i.title === 'Post 9')!.link).toBe('https://moved.example/nine');
    expect(inc.find((i) => i.title === 'Post 2')!.html).toContain('corrected');
    expect(inc.find((i) => i.title === 'Post 8')!.link).toBe('https://moved.example/eight');
  });

  it('keeps read state and stores again an item removed meanwhile whose entry is unchanged', async () => {
    const feed = newFeed(`${server.origin}/inc-c`);
    const store = memoryStore([feed]);
    const first = doc([0, 1, 2].map((i) => entry(i)));
    docs.set('/inc-c', { body: first });
    await refreshFeeds({ ...context(store), force: true });
    const [i0, i1] = [...store.allItems()].sort((x, y) => (x.title < y.title ? -1 : 1));
    await store.patchItems([i0!.id], (it) => ((it.read = true), true));
    await store.pruneItems(feed.id, [i1!.id]);
    docs.set('/inc-c', { body: doc([3, 0, 1, 2].map((i) => entry(i))) });
    await refreshFeeds({ ...context(store), force: true });
    const after = new Map([...store.allItems()].map((i) => [i.title, i]));
    expect([...after.keys()].sort()).toEqual(['Post 0', 'Post 1', 'Post 2', 'Post 3']);
    expect(after.get('Post 0')!.read).toBe(true);
    expect(after.get('Post 3')!.read).toBe(false);
  });
});
