// Feed icons (issue 5) against a real loopback server: which candidate wins, what is refused,
// and how often a feed is checked again.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheFavicon, iconCandidates, iconDue, refreshFavicon } from '../../../src-main/core/favicon';
import { mediaFileFor } from '../../../src-main/core/media';
import { refreshFeeds } from '../../../src-main/core/processor';
import type { ReaderEvent } from '../../../src-main/ipc/contract';
import { startServer, type TestServer } from '../../helpers/http';
import { png } from '../../helpers/png';
import { memoryStore, newFeed } from './memory-store';

const DECLARED = png(16, 16, [0, 128, 255]);
const FALLBACK = png(32, 32, [255, 128, 0]);
const docs = new Map<string, { body: Buffer | string; type?: string; delayMs?: number }>();
const hits = new Map<string, number>();
let server: TestServer;
let dir: string;

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const localOf = (b: Buffer) => `/media/${sha(b).slice(0, 2)}/${sha(b)}.png`;

beforeAll(async () => {
  server = await startServer(async (req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const doc = docs.get(path);
    if (!doc) return void res.writeHead(404).end();
    if (doc.delayMs) await new Promise((r) => setTimeout(r, doc.delayMs));
    res.writeHead(200, { 'content-type': doc.type ?? 'image/png' }).end(doc.body);
  });
});
afterAll(() => server.close());
beforeEach(async () => {
  docs.clear();
  hits.clear();
  dir = await mkdtemp(join(tmpdir(), 'tidings-favicon-'));
  return () => rm(dir, { recursive: true, force: true });
});

const feedAt = (path = '/feed.xml') => newFeed(`${server.origin}${path}`);

describe('iconCandidates', () => {
  it('puts the declared icon first, then /favicon.ico of the site and of the feed host, without duplicates', () => {
    const feed = { url: 'https://feeds.example.net/a.xml', siteUrl: 'https://blog.example.org/posts/' };
    expect(iconCandidates(feed, '/logo.png')).toEqual([
      'https://feeds.example.net/logo.png',
      'https://blog.example.org/favicon.ico',
      'https://feeds.example.net/favicon.ico',
    ]);
    expect(iconCandidates({ url: 'https://x.example/f' }, 'javascript:alert(1)')).toEqual(['https://x.example/favicon.ico']);
  });
});

describe('cacheFavicon', () => {
  it('stores the declared icon in the media cache and returns its /media path', async () => {
    docs.set('/icon.png', { body: DECLARED });
    docs.set('/favicon.ico', { body: FALLBACK });
    const local = await cacheFavicon(feedAt(), `${server.origin}/icon.png`, { dir: join(dir, 'media') });
    expect(local).toBe(localOf(DECLARED));
    expect(await readFile(mediaFileFor(join(dir, 'media'), local!)!)).toEqual(DECLARED);
    expect(hits.get('/favicon.ico')).toBeUndefined();
  });

  it('falls back to /favicon.ico when the feed declares none or its icon is missing', async () => {
    docs.set('/favicon.ico', { body: FALLBACK, type: 'image/x-icon' });
    expect(await cacheFavicon(feedAt(), undefined, { dir: join(dir, 'media') })).toBe(localOf(FALLBACK));
    expect(await cacheFavicon(feedAt(), `${server.origin}/gone.png`, { dir: join(dir, 'media') })).toBe(localOf(FALLBACK));
    expect(hits.get('/gone.png')).toBe(1);
  });

  it('refuses a candidate that is not an image, whatever its content type says', async () => {
    docs.set('/icon.png', { body: '<html><body>not found</body></html>', type: 'image/png' });
    docs.set('/favicon.ico', { body: 'plain text', type: 'image/x-icon' });
    const errors: string[] = [];
    expect(await cacheFavicon(feedAt(), `${server.origin}/icon.png`, { dir: join(dir, 'media'), errors })).toBeUndefined();
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^media: not an image/);
  });

  it('refuses an icon over the size cap and takes the next candidate', async () => {
    docs.set('/huge.png', { body: png(400, 400, [9, 9, 9]) });
    docs.set('/favicon.ico', { body: FALLBACK });
    const errors: string[] = [];
    const local = await cacheFavicon(feedAt(), `${server.origin}/huge.png`, { dir: join(dir, 'media'), maxBytes: 1024, errors });
    expect(png(400, 400, [9, 9, 9]).length).toBeGreaterThan(1024);
    expect(local).toBe(localOf(FALLBACK));
    expect(errors[0]).toMatch(/over the 1 KB limit/);
  });

  it('refuses a private host that is not the feed\'s own', async () => {
    docs.set('/favicon.ico', { body: FALLBACK });
    const feed = newFeed('https://public.example/feed.xml');
    const errors: string[] = [];
    expect(await cacheFavicon(feed, `${server.origin}/favicon.ico`, { dir: join(dir, 'media'), timeoutMs: 2000, errors })).toBeUndefined();
    expect(errors[0]).toMatch(/refused private address/);
    expect(hits.get('/favicon.ico')).toBeUndefined();
  });
});

describe('refreshFavicon', () => {
  it('saves the icon and check time, then checks again only after a week', async () => {
    docs.set('/favicon.ico', { body: FALLBACK });
    const feed = feedAt();
    const store = Object.assign(memoryStore([feed]), { dir });
    const events: ReaderEvent[] = [];
    let now = new Date('2026-03-01T12:00:00Z');
    const ctx = { store, emit: (e: ReaderEvent) => events.push(e), now: () => now };

    await refreshFavicon(ctx, feed, undefined);
    const saved = store.library().feeds[0]!;
    expect(saved.icon).toBe(localOf(FALLBACK));
    expect(saved.iconCheckedAt).toBe('2026-03-01T12:00:00.000Z');
    expect(events).toEqual([{ type: 'feeds-changed' }]);
    expect(hits.get('/favicon.ico')).toBe(1);

    now = new Date('2026-03-07T12:00:00Z');
    await refreshFavicon(ctx, saved, undefined);
    expect(hits.get('/favicon.ico')).toBe(1);
    expect(iconDue(saved, now)).toBe(false);

    // A week on, the site is down: the check is recorded, the icon found before is kept.
    docs.clear();
    now = new Date('2026-03-08T12:00:01Z');
    expect(iconDue(saved, now)).toBe(true);
    await refreshFavicon(ctx, saved, undefined);
    expect(hits.get('/favicon.ico')).toBe(2);
    expect(saved.icon).toBe(localOf(FALLBACK));
    expect(saved.iconCheckedAt).toBe('2026-03-08T12:00:01.000Z');
    expect(events).toHaveLength(1);
  });

  it('does not ask again within the week when no icon was found, but looks again when the cached file is gone', async () => {
    const feed = feedAt();
    const store = Object.assign(memoryStore([feed]), { dir });
    const ctx = { store, now: () => new Date('2026-03-01T12:00:00Z') };
    await refreshFavicon(ctx, feed, undefined);
    await refreshFavicon(ctx, feed, undefined);
    expect(hits.get('/favicon.ico')).toBe(1);
    expect(feed.icon).toBeUndefined();
    expect(feed.iconCheckedAt).toBe('2026-03-01T12:00:00.000Z');

    // An icon whose file was evicted from the cache is fetched again before the week is out.
    docs.set('/favicon.ico', { body: FALLBACK });
    feed.icon = localOf(DECLARED);
    await refreshFavicon(ctx, feed, undefined);
    expect(hits.get('/favicon.ico')).toBe(2);
    expect(feed.icon).toBe(localOf(FALLBACK));
  });
});

describe('refresh', () => {
  it('looks for the icon beside a refresh without holding it up, and saves what it finds', async () => {
    const rss = `<?xml version="1.0"?><rss version="2.0"><channel><title>Iconic</title><link>${server.origin}/</link>`
      + `<image><url>${server.origin}/icon.png</url><title>Iconic</title><link>${server.origin}/</link></image>`
      + '<item><title>One</title><guid>one</guid><description>Hi</description></item></channel></rss>';
    docs.set('/feed.xml', { body: rss, type: 'application/rss+xml' });
    docs.set('/icon.png', { body: DECLARED, delayMs: 1500 });
    const feed = feedAt();
    const store = Object.assign(memoryStore([feed]), { dir });
    const events: ReaderEvent[] = [];
    const summary = await refreshFeeds({ store, rules: [], emit: (e) => events.push(e) });
    expect(summary.updated).toBe(1);
    // The slow icon is still on its way when the refresh is done.
    expect(store.library().feeds[0]!.icon).toBeUndefined();
    await expect.poll(() => store.library().feeds[0]!.icon, { timeout: 5000 }).toBe(localOf(DECLARED));
    expect(events.filter((e) => e.type === 'feeds-changed').length).toBe(2);
    expect(hits.get('/favicon.ico')).toBeUndefined();
  });
});
