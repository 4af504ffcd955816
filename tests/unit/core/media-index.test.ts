// Conditional requests for images (issue 8): an image URL met again by a later refresh is asked
// "changed since?" with the validators the server gave, and a 304 reuses the copy on disk.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingHttpHeaders } from 'node:http';
import { cacheImages, mediaFileFor, mediaSession } from '../../../src-main/core/media';
import { MediaIndex } from '../../../src-main/core/media-index';
import { startServer, type TestServer } from '../../helpers/http';
import { png } from '../../helpers/png';

const V1 = png(5, 5, [10, 20, 30]);
const V2 = png(7, 7, [30, 20, 10]);
let current = { body: V1, etag: '"v1"', lastModified: 'Wed, 01 Jan 2025 00:00:00 GMT' as string | undefined };
const seen: { path: string; headers: IncomingHttpHeaders; status: number }[] = [];
let server: TestServer;
let dir: string;

beforeAll(async () => {
  server = await startServer((req, res) => {
    const path = req.url ?? '/';
    const fresh = req.headers['if-none-match'] === current.etag ||
      (!req.headers['if-none-match'] && current.lastModified !== undefined && req.headers['if-modified-since'] === current.lastModified);
    const status = path === '/pic.png' ? (fresh ? 304 : 200) : path === '/busy.png' ? 503 : 404;
    seen.push({ path, headers: req.headers, status });
    if (status !== 200) return void res.writeHead(status).end();
    res.writeHead(200, { 'content-type': 'image/png', ...(current.etag && { etag: current.etag }), ...(current.lastModified && { 'last-modified': current.lastModified }) });
    res.end(current.body);
  });
});
afterAll(() => server.close());
beforeEach(async () => {
  seen.length = 0;
  current = { body: V1, etag: '"v1"', lastModified: 'Wed, 01 Jan 2025 00:00:00 GMT' };
  dir = join(await mkdtemp(join(tmpdir(), 'tidings-media-index-')), 'media');
});

// Each call is one refresh: a fresh session, as the processor makes per refresh.
const refresh = (alt: string) => cacheImages(`<p><img src="${server.origin}/pic.png" alt="${alt}"></p>`, { dir, baseUrl: `${server.origin}/feed.xml`, session: mediaSession() });
const srcOf = (html: string) => /src="([^"]+)"/.exec(html)![1]!;

describe('conditional image requests', () => {
  it('asks with the ETag and Last-Modified it was given and reuses the copy on 304', async () => {
    const first = await refresh('one');
    expect(seen.map((s) => s.status)).toEqual([200]);
    expect(seen[0]!.headers['if-none-match']).toBeUndefined();
    const again = await refresh('two');
    expect(seen.map((s) => s.status)).toEqual([200, 304]);
    expect(seen[1]!.headers['if-none-match']).toBe('"v1"');
    expect(seen[1]!.headers['if-modified-since']).toBe('Wed, 01 Jan 2025 00:00:00 GMT');
    expect(again).toMatchObject({ stored: 1, failed: 0 });
    expect(srcOf(again.html)).toBe(srcOf(first.html));
  });

  it('stores the new image when the server says it changed', async () => {
    const first = await refresh('one');
    current = { body: V2, etag: '"v2"', lastModified: undefined };
    const changed = await refresh('two');
    expect(seen.map((s) => s.status)).toEqual([200, 200]);
    expect(srcOf(changed.html)).not.toBe(srcOf(first.html));
    expect(await readFile(mediaFileFor(dir, srcOf(changed.html))!)).toEqual(V2);
  });

  it('fetches in full when the copy was cleared from disk, whatever the index says', async () => {
    await refresh('one');
    await rm(dir, { recursive: true, force: true });
    const again = await refresh('two');
    expect(seen.map((s) => s.status)).toEqual([200, 200]);
    expect(seen[1]!.headers['if-none-match']).toBeUndefined();
    expect(await readFile(mediaFileFor(dir, srcOf(again.html))!)).toEqual(V1);
  });

  it('does not ask again for a week for a picture that failed for good, but does after a server error', async () => {
    const refreshOf = (path: string) => cacheImages(`<img src="${server.origin}${path}">`, { dir, baseUrl: `${server.origin}/feed.xml`, session: mediaSession() });
    expect(await refreshOf('/gone.png')).toMatchObject({ stored: 0, failed: 1 });
    expect(await refreshOf('/busy.png')).toMatchObject({ stored: 0, failed: 1 });
    const session = mediaSession();
    await cacheImages(`<img src="${server.origin}/gone.png"><img src="${server.origin}/busy.png">`, { dir, baseUrl: `${server.origin}/feed.xml`, session });
    expect(seen.map((s) => s.path)).toEqual(['/gone.png', '/busy.png', '/busy.png']);
    expect(session.errors.join('\n')).toMatch(/gone\.png failed before; not asked for again until/);
    // Remembered across a restart too.
    expect((await MediaIndex.open(dir)).failedUntil(`${server.origin}/gone.png`)).toBeGreaterThan(Date.now());
  });

  it('survives a restart, and a damaged index file only costs a full download', async () => {
    await refresh('one');
    const reopened = await MediaIndex.open(dir);
    expect(reopened.size).toBe(1);
    expect(await reopened.lookup(`${server.origin}/pic.png`, (l) => mediaFileFor(dir, l))).toMatchObject({ etag: '"v1"' });
    await writeFile(join(dir, 'urls.log'), `${(await readFile(join(dir, 'urls.log'), 'utf8')).trim()}\n{"url":"x","local":1}\n{"url":"cut sh`);
    // The damaged lines are skipped, the good one still counts.
    expect((await MediaIndex.open(dir)).size).toBe(1);
  });
});
