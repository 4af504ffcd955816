import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchFeed, FetchError, parseRetryAfter } from '../../../src-main/core/fetcher';
import { startServer, type TestServer } from '../../helpers/http';

const FEED = Buffer.from('<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>');
let server: TestServer;
let seen: Record<string, string | undefined> = {};

beforeAll(async () => {
  server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen = { ua: req.headers['user-agent'], inm: req.headers['if-none-match'], ims: req.headers['if-modified-since'], ae: req.headers['accept-encoding'] };
    switch (url.pathname) {
      case '/feed':
        if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
        res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag: '"v1"', 'last-modified': 'Wed, 01 May 2024 10:00:00 GMT' });
        return void res.end(FEED);
      case '/gzip':
        res.writeHead(200, { 'content-encoding': 'gzip' });
        return void res.end(gzipSync(FEED));
      case '/br':
        res.writeHead(200, { 'content-encoding': 'br' });
        return void res.end(brotliCompressSync(FEED));
      case '/bomb':
        // 64 KB of gzip that inflates to 64 MB: the cap must apply after decompression.
        res.writeHead(200, { 'content-encoding': 'gzip' });
        return void res.end(gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20)));
      case '/big':
        res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
        return void res.write('x');
      case '/moved':
        return void res.writeHead(301, { location: '/feed' }).end();
      case '/temp':
        return void res.writeHead(302, { location: '/moved' }).end();
      case '/loop':
        return void res.writeHead(302, { location: '/loop' }).end();
      case '/to-file':
        return void res.writeHead(302, { location: 'file:///etc/passwd' }).end();
      case '/to-ftp':
        return void res.writeHead(301, { location: 'ftp://example.org/feed' }).end();
      case '/slow':
        res.writeHead(200);
        res.write('<rss>');
        return; // never ends
      case '/hang':
        return; // no headers at all
      case '/busy':
        return void res.writeHead(429, { 'retry-after': '120' }).end();
      case '/down':
        return void res.writeHead(503, { 'retry-after': 'Wed, 21 Oct 2099 07:28:00 GMT' }).end();
      default:
        return void res.writeHead(404).end('nope');
    }
  });
});
afterAll(() => server.close());

describe('fetchFeed', () => {
  it('fetches a feed with a Tidings user agent and validators, then gets 304 with them', async () => {
    const first = await fetchFeed(`${server.origin}/feed`);
    expect(first.kind).toBe('ok');
    if (first.kind !== 'ok') return;
    expect(first.body.equals(FEED)).toBe(true);
    expect(first.etag).toBe('"v1"');
    expect(first.lastModified).toBe('Wed, 01 May 2024 10:00:00 GMT');
    expect(first.contentType).toContain('rss');
    expect(seen.ua).toMatch(/Tidings/);
    expect(seen.ae).toMatch(/gzip.*br/);
    const second = await fetchFeed(`${server.origin}/feed`, { etag: first.etag, lastModified: first.lastModified });
    expect(second.kind).toBe('not-modified');
    expect(seen.inm).toBe('"v1"');
    expect(seen.ims).toBe('Wed, 01 May 2024 10:00:00 GMT');
  });

  it('decompresses gzip and brotli', async () => {
    for (const path of ['/gzip', '/br']) {
      const r = await fetchFeed(`${server.origin}${path}`);
      expect(r.kind === 'ok' && r.body.toString()).toBe(FEED.toString());
    }
  });

  it('caps the decompressed size and the declared Content-Length', async () => {
    await expect(fetchFeed(`${server.origin}/bomb`, { maxBodyBytes: 1024 * 1024 })).rejects.toThrow(/fetcher: response larger than the 1 MB limit/);
    await expect(fetchFeed(`${server.origin}/big`)).rejects.toThrow(/fetcher: response of 50 MB exceeds the 20 MB limit/);
  });

  it('follows redirects, reporting a permanent one only when every hop was permanent', async () => {
    const perm = await fetchFeed(`${server.origin}/moved`);
    expect(perm.kind === 'ok' && perm.permanentRedirect).toBe(`${server.origin}/feed`);
    const mixed = await fetchFeed(`${server.origin}/temp`);
    expect(mixed.kind).toBe('ok');
    expect(mixed.kind === 'ok' && mixed.finalUrl).toBe(`${server.origin}/feed`);
    expect(mixed.kind === 'ok' && mixed.permanentRedirect).toBeUndefined();
  });

  it('refuses redirect loops and redirects to file: or ftp:', async () => {
    await expect(fetchFeed(`${server.origin}/loop`)).rejects.toThrow(/more than 10 redirects/);
    await expect(fetchFeed(`${server.origin}/to-file`)).rejects.toThrow(/fetcher: refused file address/);
    await expect(fetchFeed(`${server.origin}/to-ftp`)).rejects.toThrow(/fetcher: refused ftp address/);
    await expect(fetchFeed('file:///etc/passwd')).rejects.toThrow(/refused file/);
  });

  it('times out a response that never ends and a server that never answers', async () => {
    const t0 = Date.now();
    await expect(fetchFeed(`${server.origin}/slow`, { totalTimeoutMs: 300 })).rejects.toThrow('fetcher: timed out after 0.3 s');
    await expect(fetchFeed(`${server.origin}/hang`, { totalTimeoutMs: 300 })).rejects.toThrow('fetcher: timed out after 0.3 s');
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('reports the status and Retry-After of 404, 429 and 503', async () => {
    const e404 = await fetchFeed(`${server.origin}/missing`).catch((e: unknown) => e);
    expect(e404).toBeInstanceOf(FetchError);
    expect((e404 as FetchError).message).toBe(`fetcher: status 404 for ${server.origin}/missing`);
    expect((e404 as FetchError).status).toBe(404);
    const e429 = (await fetchFeed(`${server.origin}/busy`).catch((e: unknown) => e)) as FetchError;
    expect(e429.status).toBe(429);
    expect(e429.retryAfterMs).toBe(120_000);
    const e503 = (await fetchFeed(`${server.origin}/down`).catch((e: unknown) => e)) as FetchError;
    expect(e503.retryAfterMs).toBeGreaterThan(365 * 24 * 3600 * 1000);
  });

  it('names a refused connection', async () => {
    const gone = await startServer(() => undefined);
    const origin = gone.origin;
    await gone.close();
    await expect(fetchFeed(`${origin}/feed`)).rejects.toThrow(/^fetcher: connection refused by 127\.0\.0\.1:\d+$/);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, ignores junk', () => {
    expect(parseRetryAfter('30')).toBe(30_000);
    expect(parseRetryAfter('Wed, 01 May 2024 10:01:00 GMT', Date.parse('2024-05-01T10:00:00Z'))).toBe(60_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
