// The offline image cache against a real loopback server: what gets stored, under which name,
// what is refused, and how the article is rewritten.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheContentImages, cacheImages, mediaFileFor, mediaSession, originalImages, repairMissingImages, sniffImage } from '../../../src-main/core/media';
import { sanitizeHtml } from '../../../src-main/core/sanitizer';
import { appFileFor } from '../../../src-main/app/policy';
import { startServer, type TestServer } from '../../helpers/http';
import { png } from '../../helpers/png';

const RED = png(4, 3, [255, 0, 0]);
const BLUE = png(8, 6, [0, 0, 255]);
const BIG = png(300, 300, [1, 2, 3]);
const SVG = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>';
const docs = new Map<string, { body: Buffer | string; type?: string; status?: number; location?: string; delayMs?: number }>();
const hits = new Map<string, number>();
let inFlight = 0;
let maxInFlight = 0;
let server: TestServer;
let other: TestServer;
let dir: string;

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const localOf = (b: Buffer | string, ext: string) => `/media/${sha(b).slice(0, 2)}/${sha(b)}.${ext}`;

beforeAll(async () => {
  server = await startServer(async (req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const doc = docs.get(path);
    if (!doc) return void res.writeHead(404).end();
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, doc.delayMs ?? 0));
    inFlight--;
    res.writeHead(doc.status ?? 200, { 'content-type': doc.type ?? 'image/png', ...(doc.location && { location: doc.location }) });
    res.end(doc.body);
  });
  // A second private origin: images there are not the feed's own.
  other = await startServer((_req, res) => void res.writeHead(200, { 'content-type': 'image/png' }).end(RED), 'localhost');
});
afterAll(async () => {
  await server.close();
  await other.close();
});
beforeEach(async () => {
  docs.clear();
  hits.clear();
  maxInFlight = 0;
  dir = join(await mkdtemp(join(tmpdir(), 'tidings-media-')), 'media');
});

const opts = (extra: Partial<Parameters<typeof cacheImages>[1]> = {}) => ({ dir, baseUrl: `${server.origin}/feed.xml`, ...extra });

describe('cacheImages', () => {
  it('stores an image under its sha256 and points the article at the copy', async () => {
    docs.set('/red.png', { body: RED });
    const html = sanitizeHtml(`<p>Hi <img src="/red.png" alt="red"></p>`, `${server.origin}/post`);
    const out = await cacheImages(html, opts());
    expect(out).toMatchObject({ stored: 1, failed: 0 });
    expect(out.html).toContain(`src="${localOf(RED, 'png')}"`);
    expect(out.html).toContain(`data-original-src="${server.origin}/red.png"`);
    expect(out.html).toContain('alt="red"');
    expect(await readFile(join(dir, sha(RED).slice(0, 2), `${sha(RED)}.png`))).toEqual(RED);
    // The app:// protocol of the Electron shell finds the same file as the HTTP route.
    const file = join(dir, sha(RED).slice(0, 2), `${sha(RED)}.png`);
    expect(appFileFor(`app://tidings${localOf(RED, 'png')}`, { renderer: '/r', media: dir })).toBe(file);
    expect(mediaFileFor(dir, localOf(RED, 'png'))).toBe(file);
  });

  it('downloads each URL once and stores identical bytes once', async () => {
    docs.set('/a.png', { body: RED });
    docs.set('/b.png', { body: RED });
    const html = `<img src="${server.origin}/a.png"><img src="${server.origin}/a.png"><img src="${server.origin}/b.png">`;
    const session = mediaSession();
    const out = await cacheImages(html, opts({ session }));
    const again = await cacheImages(`<p><img src="${server.origin}/a.png"></p>`, opts({ session }));
    expect(out.stored).toBe(3);
    expect(again.stored).toBe(1);
    expect(hits.get('/a.png')).toBe(1);
    expect(hits.get('/b.png')).toBe(1);
    const files = await readdir(join(dir, sha(RED).slice(0, 2)));
    expect(files).toEqual([`${sha(RED)}.png`]);
  });

  it('takes the widest srcset candidate and drops the srcset', async () => {
    docs.set('/small.png', { body: RED });
    docs.set('/large.png', { body: BLUE });
    const html = sanitizeHtml(`<img src="/small.png" srcset="/small.png 400w, /large.png 800w" sizes="50vw">`, `${server.origin}/`);
    const out = await cacheImages(html, opts());
    expect(out.html).toContain(`src="${localOf(BLUE, 'png')}"`);
    expect(out.html).not.toContain('srcset');
    expect(out.html).not.toContain('sizes');
    expect(hits.get('/small.png')).toBeUndefined();
  });

  it('falls back to src when the srcset candidate fails', async () => {
    docs.set('/small.png', { body: RED });
    const session = mediaSession();
    const out = await cacheImages(`<img src="${server.origin}/small.png" srcset="${server.origin}/gone.png 2x">`, opts({ session }));
    expect(out).toMatchObject({ stored: 1, failed: 0 });
    expect(session.errors).toEqual([]);
    expect(out.html).toContain(`src="${localOf(RED, 'png')}"`);
  });

  it('refuses an image over the per-image cap and keeps the remote src', async () => {
    docs.set('/big.png', { body: BIG });
    expect(BIG.length).toBeGreaterThan(200);
    const session = mediaSession({ maxImageBytes: 200 });
    const html = `<img src="${server.origin}/big.png">`;
    const out = await cacheImages(html, opts({ session }));
    expect(out).toEqual({ html, stored: 0, failed: 1 });
    expect(session.errors[0]).toMatch(/^media: .*limit/);
    // Nothing stored: at most the log that remembers the failure.
    expect((await readdir(dir).catch(() => [] as string[])).filter((f) => f !== 'urls.log')).toEqual([]);
  });

  it('stops at the per-refresh image cap', async () => {
    docs.set('/a.png', { body: RED });
    docs.set('/b.png', { body: BLUE });
    const session = mediaSession({ maxImages: 1 });
    const out = await cacheImages(`<img src="${server.origin}/a.png"><img src="${server.origin}/b.png">`, opts({ session }));
    expect(out).toMatchObject({ stored: 1, failed: 1 });
    expect(session.errors.join()).toMatch(/limit of 1 images/);
  });

  it('refuses a response that is not an image, whatever its Content-Type says', async () => {
    docs.set('/evil.png', { body: '<html><script>alert(1)</script></html>', type: 'image/png' });
    const out = await cacheImages(`<img src="${server.origin}/evil.png">`, opts());
    expect(out).toMatchObject({ stored: 0, failed: 1 });
    // Nothing stored: at most the log that remembers the failure.
    expect((await readdir(dir).catch(() => [] as string[])).filter((f) => f !== 'urls.log')).toEqual([]);
  });

  it('stores SVG as .svg', async () => {
    docs.set('/logo.svg', { body: SVG, type: 'text/plain' });
    const out = await cacheImages(`<img src="${server.origin}/logo.svg">`, opts());
    expect(out.html).toContain(localOf(SVG, 'svg'));
  });

  it('refuses private hosts unless the feed itself is on that origin', async () => {
    docs.set('/red.png', { body: RED });
    const html = `<img src="${server.origin}/red.png">`;
    const out = await cacheImages(html, opts({ baseUrl: 'https://feeds.example/rss' }));
    expect(out).toMatchObject({ html, stored: 0, failed: 1 });
    expect(hits.get('/red.png')).toBeUndefined();
    // Another private origin than the feed's, even on loopback, is refused too.
    const elsewhere = await cacheImages(`<img src="${other.origin}/x.png">`, opts());
    expect(elsewhere).toMatchObject({ stored: 0, failed: 1 });
  });

  it('re-checks every redirect against private hosts', async () => {
    docs.set('/hop.png', { body: '', status: 302, location: `${other.origin}/x.png` });
    docs.set('/ok-hop.png', { body: '', status: 301, location: '/red.png' });
    docs.set('/red.png', { body: RED });
    const session = mediaSession();
    const out = await cacheImages(`<img src="${server.origin}/hop.png"><img src="${server.origin}/ok-hop.png">`, opts({ session }));
    expect(out).toMatchObject({ stored: 1, failed: 1 });
    expect(session.errors.join()).toMatch(/refused private address http:\/\/localhost/);
  });

  it('keeps at most the global number of downloads in flight', async () => {
    for (let i = 0; i < 6; i++) docs.set(`/g${i}.png`, { body: png(3, 3, [i, 0, i]), delayMs: 40 });
    // One loopback host, so the per-host limit is raised to let the global one bind.
    const session = mediaSession({ perHost: 10, maxConcurrent: 3 });
    const html = Array.from({ length: 6 }, (_, i) => `<img src="${server.origin}/g${i}.png">`).join('');
    expect((await cacheImages(html, opts({ session }))).stored).toBe(6);
    expect(maxInFlight).toBe(3);
  });

  it('keeps at most two downloads per host in flight', async () => {
    for (let i = 0; i < 6; i++) docs.set(`/d${i}.png`, { body: png(2, 2, [i, i, i]), delayMs: 40 });
    const html = Array.from({ length: 6 }, (_, i) => `<img src="${server.origin}/d${i}.png">`).join('');
    const out = await cacheImages(html, opts());
    expect(out.stored).toBe(6);
    expect(maxInFlight).toBe(2);
  });

  it('returns content without images untouched, and does not cache twice', async () => {
    const plain = '<p>No pictures here</p>';
    expect(await cacheImages(plain, opts())).toEqual({ html: plain, stored: 0, failed: 0 });
    docs.set('/red.png', { body: RED });
    const first = await cacheImages(`<img src="${server.origin}/red.png">`, opts());
    const second = await cacheImages(first.html, opts());
    expect(second).toEqual({ html: first.html, stored: 0, failed: 0 });
    expect(hits.get('/red.png')).toBe(1);
  });

  it('rewrites <picture> sources too', async () => {
    docs.set('/w.png', { body: BLUE });
    docs.set('/f.png', { body: RED });
    const html = `<picture><source srcset="${server.origin}/w.png 1x"><img src="${server.origin}/f.png"></picture>`;
    const out = await cacheImages(html, opts());
    expect(out.html).toContain(`<source srcset="${localOf(BLUE, 'png')}"`);
    expect(out.html).toContain(`<img src="${localOf(RED, 'png')}"`);
  });
});

describe('cacheContentImages', () => {
  it('rewrites every article of a refresh in place and counts failures', async () => {
    docs.set('/red.png', { body: RED });
    const content = new Map([
      ['a', `<img src="${server.origin}/red.png">`],
      ['b', `<img src="${server.origin}/missing.png">`],
      ['c', '<p>text</p>'],
    ]);
    expect(await cacheContentImages(content, opts())).toEqual({ stored: 1, failed: 1 });
    expect(content.get('a')).toContain(localOf(RED, 'png'));
    expect(content.get('b')).toBe(`<img src="${server.origin}/missing.png">`);
    expect(content.get('c')).toBe('<p>text</p>');
  });
});

describe('sniffImage', () => {
  it('knows images by their bytes, not their names', () => {
    expect(sniffImage(RED)).toBe('png');
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe('jpg');
    expect(sniffImage(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'))).toBe('gif');
    expect(sniffImage(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('webp');
    expect(sniffImage(Buffer.from('\x00\x00\x00\x1cftypavif\x00\x00', 'latin1'))).toBe('avif');
    expect(sniffImage(Buffer.from(`\ufeff<!-- logo -->\n${SVG}`))).toBe('svg');
    expect(sniffImage(Buffer.from('<html><svg></svg></html>'))).toBeUndefined();
    expect(sniffImage(Buffer.from('PK\x03\x04', 'latin1'))).toBeUndefined();
    expect(sniffImage(Buffer.alloc(0))).toBeUndefined();
  });
});

describe('mediaFileFor', () => {
  const h = 'ab'.repeat(32);
  it('maps only content-hash names, flat or under their prefix', () => {
    expect(mediaFileFor('/d/media', `/media/ab/${h}.png`)).toBe(`/d/media/ab/${h}.png`);
    expect(mediaFileFor('/d/media', `/media/${h}.jpeg`)).toBe(`/d/media/ab/${h}.jpeg`);
    expect(mediaFileFor('/d/media', `/media/cd/${h}.png`)).toBeUndefined();
    expect(mediaFileFor('/d/media', `/media/${h}.html`)).toBeUndefined();
    expect(mediaFileFor('/d/media', '/media/../library.json')).toBeUndefined();
    expect(mediaFileFor('/d/media', `/media/ab/../ab/${h}.png`)).toBeUndefined();
    expect(mediaFileFor('/d/media', `/media/${h.toUpperCase()}.png`)).toBeUndefined();
  });
});

describe('originalImages and repairMissingImages', () => {
  it('point cached images back at the web: all of them, or only those gone from disk', async () => {
    docs.set('/red.png', { body: RED });
    docs.set('/blue.png', { body: BLUE });
    const html = `<p><img src="${server.origin}/red.png" alt="r"><img src="${server.origin}/blue.png" alt="b"></p>`;
    const cached = (await cacheImages(html, opts())).html;
    expect(originalImages(cached)).toBe(html);
    expect(await repairMissingImages(cached, dir)).toBe(cached);
    await rm(join(dir, sha(BLUE).slice(0, 2)), { recursive: true });
    const repaired = await repairMissingImages(cached, dir);
    expect(repaired).toContain(`src="${localOf(RED, 'png')}"`);
    expect(repaired).toContain(`<img src="${server.origin}/blue.png" alt="b">`);
    expect(originalImages('<p>plain</p>')).toBe('<p>plain</p>');
  });
});
