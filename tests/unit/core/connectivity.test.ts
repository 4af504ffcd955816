import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReaderEvent } from '../../../src-main/ipc/contract';
import { classifyRefresh, isNetworkError, probeHost } from '../../../src-main/core/connectivity';
import { fetchFeed } from '../../../src-main/core/fetcher';
import { refreshFeeds } from '../../../src-main/core/processor';
import { openReader } from '../../../src-main/core/service';
import { startServer, type TestServer } from '../../helpers/http';
import { memoryStore, newFeed } from './memory-store';

const RSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>Up</title><link>https://up.example/</link><item><title>Hello</title><guid>h1</guid><link>https://up.example/1</link><description>Searchable words here</description></item></channel></rss>`;

let feeds: TestServer;
let hanging: net.Server;
const stalled = new Set<net.Socket>();
let hangingOrigin: string;
let closedOrigin: string;

/** A port that was just free: nothing listens there, so a connect is refused. */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}

beforeAll(async () => {
  feeds = await startServer((req, res) => {
    if (req.url === '/feed.xml') return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(RSS);
    if (req.url === '/broken.xml') return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<html>not a feed');
    res.writeHead(req.url === '/down' ? 503 : 404).end();
  });
  // Accepts connections and never answers: a stalled network path.
  hanging = net.createServer((socket) => void stalled.add(socket));
  await new Promise<void>((ok) => hanging.listen(0, '127.0.0.1', ok));
  hangingOrigin = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
  closedOrigin = `http://127.0.0.1:${await freePort()}`;
});
afterAll(async () => {
  await feeds.close();
  for (const socket of stalled) socket.destroy();
  await new Promise<void>((ok) => hanging.close(() => ok()));
});

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

describe('isNetworkError', () => {
  it('is true for a refused connection, a stalled server and an unknown host', async () => {
    const refused = await failure(fetchFeed(`${closedOrigin}/feed.xml`));
    expect(String(refused)).toMatch(/refused/);
    expect(isNetworkError(refused)).toBe(true);
    const stalled = await failure(fetchFeed(`${hangingOrigin}/feed.xml`, { totalTimeoutMs: 300 }));
    expect(String(stalled)).toMatch(/timed out/);
    expect(isNetworkError(stalled)).toBe(true);
    const unknown = await failure(fetchFeed('http://no-such-host.invalid/feed.xml', { totalTimeoutMs: 5000 }));
    expect(isNetworkError(unknown)).toBe(true);
  });

  it('is false for HTTP statuses and for other errors', async () => {
    for (const path of ['/missing', '/down']) {
      const e = await failure(fetchFeed(`${feeds.origin}${path}`));
      expect(String(e)).toMatch(/status (404|503)/);
      expect(isNetworkError(e)).toBe(false);
    }
    expect(isNetworkError(new Error('parser: not a feed'))).toBe(false);
    expect(isNetworkError(Object.assign(new Error('x'), { code: 'EHOSTUNREACH' }))).toBe(true);
    expect(isNetworkError(Object.assign(new Error('x'), { code: 'ENETUNREACH' }))).toBe(true);
    expect(isNetworkError(undefined)).toBe(false);
  });
});

describe('classifyRefresh', () => {
  const net1 = { feedId: 'a', title: 'A', error: 'fetcher: connection refused by x', network: true };
  const http1 = { feedId: 'b', title: 'B', error: 'fetcher: status 404 for x' };
  it('is offline only when every attempted feed failed at the network level', () => {
    expect(classifyRefresh({ total: 2, attempted: 2, failed: [net1, { ...net1, feedId: 'c' }] })).toBe('offline');
    expect(classifyRefresh({ total: 2, attempted: 2, failed: [net1, http1] })).toBe('online');
    expect(classifyRefresh({ total: 3, attempted: 2, failed: [net1] })).toBe('online');
    expect(classifyRefresh({ total: 0, attempted: 0, failed: [] })).toBe('unknown');
    expect(classifyRefresh({ total: 5, attempted: 0, failed: [] })).toBe('unknown');
  });
});

describe('refresh outcomes and backoff', () => {
  it('marks network failures and does not grow their backoff, while HTTP and parse failures back off', async () => {
    const down = newFeed(`${closedOrigin}/feed.xml`);
    const missing = newFeed(`${feeds.origin}/missing`);
    const broken = newFeed(`${feeds.origin}/broken.xml`);
    const store = memoryStore([down, missing, broken]);
    const events: ReaderEvent[] = [];
    let now = new Date('2026-03-01T12:00:00Z');
    const ctx = { store, rules: [], emit: (e: ReaderEvent) => events.push(e), now: () => now, force: true };
    for (let round = 1; round <= 3; round++) {
      const summary = await refreshFeeds(ctx);
      expect(summary.attempted).toBe(3);
      const byId = new Map(summary.failed.map((f) => [f.feedId, f]));
      expect(byId.get(down.id)?.network).toBe(true);
      expect(byId.get(missing.id)?.network).toBeUndefined();
      expect(byId.get(broken.id)?.network).toBeUndefined();
      const health = (id: string) => store.library().feeds.find((f) => f.id === id)!.health;
      expect(health(down.id).consecutiveFailures).toBe(0);
      expect(Date.parse(health(down.id).nextAttempt!) - now.getTime()).toBe(15 * 60_000);
      expect(health(missing.id).consecutiveFailures).toBe(round);
      expect(health(broken.id).consecutiveFailures).toBe(round);
      expect(Date.parse(health(missing.id).nextAttempt!) - now.getTime()).toBe(15 * 60_000 * 2 ** (round - 1));
      expect(classifyRefresh(summary)).toBe('online');
      now = new Date(now.getTime() + 3600_000);
    }
  });

  it('classifies a refresh where every feed is unreachable as offline', async () => {
    const store = memoryStore([newFeed(`${closedOrigin}/a.xml`), newFeed(`${hangingOrigin}/b.xml`)]);
    await store.updateLibrary((lib) => void (lib.settings = { ...lib.settings, totalTimeoutMs: 300 }));
    const summary = await refreshFeeds({ store, rules: [], emit: () => undefined, force: true });
    expect(summary.failed).toHaveLength(2);
    expect(classifyRefresh(summary)).toBe('offline');
  });
});

describe('probeHost', () => {
  it('connects to a listening host and fails fast on a closed port', async () => {
    expect(await probeHost(`${feeds.origin}/feed.xml`)).toBe(true);
    expect(await probeHost(`${closedOrigin}/feed.xml`)).toBe(false);
    expect(await probeHost('not a url')).toBe(false);
  });
});

describe('the service online state', () => {
  it('emits offline when every feed is unreachable and online again once a refresh reaches the server', async () => {
    let server: Server = createServer((_req, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(RSS));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as AddressInfo).port;
    const stop = () => new Promise<void>((ok) => (server.closeAllConnections(), server.close(() => ok())));
    const reader = await openReader({ dataDir: join(await mkdtemp(join(tmpdir(), 'tidings-online-')), 'data') });
    const events: ReaderEvent[] = [];
    reader.onEvent((e) => events.push(e));
    const online = () => events.filter((e) => e.type === 'online');
    try {
      const added = await reader.api.addFeed(`http://127.0.0.1:${port}/feed.xml`);
      expect(added.kind).toBe('added');
      expect(await reader.api.status()).toMatchObject({ online: true, refreshing: false });
      await stop();

      const summary = await reader.api.refresh();
      expect(summary.failed).toEqual([expect.objectContaining({ network: true })]);
      expect(online()).toEqual([{ type: 'online', online: false }]);
      const status = await reader.api.status();
      expect(status).toMatchObject({ online: false, refreshing: false });
      expect(Date.parse(status.lastRefresh!)).not.toBeNaN();
      // Reading and search need no network.
      const page = await reader.api.listItems({ search: 'searchable' });
      expect(page.items).toHaveLength(1);
      expect((await reader.api.getItem(page.items[0]!.id))?.title).toBe('Hello');

      // Offline, a refresh is tried again for every feed though each is waiting out its retry.
      await reader.api.refresh();
      expect(online()).toHaveLength(1);

      server = createServer((_req, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(RSS));
      await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
      expect((await reader.api.refresh()).failed).toEqual([]);
      expect(online()).toEqual([{ type: 'online', online: false }, { type: 'online', online: true }]);
      expect((await reader.api.status()).online).toBe(true);
    } finally {
      await reader.close();
      await stop();
    }
  });

  it('probes one feed host while offline and, once it answers, goes online and refreshes', async () => {
    let hits = 0;
    let server: Server = createServer((_req, res) => void (hits++, res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(RSS)));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as AddressInfo).port;
    const stop = () => new Promise<void>((ok) => (server.closeAllConnections(), server.close(() => ok())));
    const reader = await openReader({ dataDir: join(await mkdtemp(join(tmpdir(), 'tidings-probe-')), 'data') });
    // The background job calls probe on its timer; the service is the api object itself.
    const service = reader.api as typeof reader.api & { probe(): Promise<boolean> };
    const events: ReaderEvent[] = [];
    reader.onEvent((e) => events.push(e));
    try {
      await reader.api.addFeed(`http://127.0.0.1:${port}/feed.xml`);
      await stop();
      await reader.api.refresh();
      expect((await reader.api.status()).online).toBe(false);
      expect(await service.probe()).toBe(false);
      expect(events.filter((e) => e.type === 'online')).toEqual([{ type: 'online', online: false }]);

      server = createServer((_req, res) => void (hits++, res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(RSS)));
      await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
      const before = hits;
      expect(await service.probe()).toBe(true);
      expect(hits).toBe(before + 1);
      expect(events.filter((e) => e.type === 'online')).toEqual([{ type: 'online', online: false }, { type: 'online', online: true }]);
      // Online, probing does nothing.
      expect(await service.probe()).toBe(true);
      expect(hits).toBe(before + 1);
    } finally {
      await reader.close();
      await stop();
    }
  });

  it('stays online when only some feeds fail and another feed host still answers', async () => {
    const start = async () => {
      const server = createServer((_req, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(RSS));
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      return { server, port: (server.address() as AddressInfo).port };
    };
    const stop = (server: Server) => new Promise<void>((ok) => (server.closeAllConnections(), server.close(() => ok())));
    const a = await start();
    const b = await start();
    const reader = await openReader({ dataDir: join(await mkdtemp(join(tmpdir(), 'tidings-partial-')), 'data') });
    const events: ReaderEvent[] = [];
    reader.onEvent((e) => events.push(e));
    try {
      const fa = await reader.api.addFeed(`http://127.0.0.1:${a.port}/feed.xml`);
      await reader.api.addFeed(`http://127.0.0.1:${b.port}/feed.xml`);
      if (fa.kind !== 'added') throw new Error('not added');
      await stop(a.server);
      // Only the dead feed is refreshed: every attempted feed failed, yet the other host answers.
      const summary = await reader.api.refresh([fa.feed.id]);
      expect(summary.failed).toEqual([expect.objectContaining({ network: true })]);
      expect((await reader.api.status()).online).toBe(true);
      await stop(b.server);
      await reader.api.refresh([fa.feed.id]);
      expect((await reader.api.status()).online).toBe(false);
      expect(events.filter((e) => e.type === 'online')).toEqual([{ type: 'online', online: false }]);
    } finally {
      await reader.close();
      await stop(a.server);
      await stop(b.server);
    }
  });
});
