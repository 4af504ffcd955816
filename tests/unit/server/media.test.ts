// GET /media/… of `tidings serve`: cached images of a real refresh, served without a token but only
// by content-hash name, never sniffed, SVG without scripts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { openReader } from '../../../src-main/core/service';
import { startHttpServer, type RunningServer } from '../../../src-main/server/http';
import type { Reader } from '../../../src-main/core/reader';
import { startServer, type TestServer } from '../../helpers/http';
import { png } from '../../helpers/png';

const PIC = png(5, 5, [10, 200, 10]);
const SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
let reader: Reader;
let server: RunningServer;
let feeds: TestServer;
let dataDir: string;

beforeAll(async () => {
  feeds = await startServer((req, res) => {
    if (req.url === '/pic.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(PIC);
    if (req.url !== '/feed.xml') return void res.writeHead(404).end();
    const item = (i: number) =>
      `<item><title>Post ${i}</title><guid>p${i}</guid><link>${feeds.origin}/p${i}</link><description>&lt;p&gt;Look &lt;img src="/pic.png" alt="pic"&gt;&lt;/p&gt;</description></item>`;
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Pics</title><link>${feeds.origin}/</link>${item(1)}${item(2)}</channel></rss>`);
  });
  const base = await mkdtemp(join(tmpdir(), 'tidings-media-http-'));
  const staticDir = join(base, 'static');
  await mkdir(staticDir, { recursive: true });
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>reader</title>');
  dataDir = join(base, 'data');
  reader = await openReader({ dataDir });
  server = await startHttpServer({ reader, staticDir });
});

afterAll(async () => {
  await server.close();
  await reader.close();
  await feeds.close();
});

function get(path: string, method = 'GET', host = `127.0.0.1:${server.port}`) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((ok, fail) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers: { Host: host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('GET /media/…', () => {
  it('serves the images a refresh cached, and the stored article points at them', async () => {
    const added = await reader.api.addFeed(`${feeds.origin}/feed.xml`);
    expect(added.kind).toBe('added');
    const page = await reader.api.listItems({});
    expect(page.items).toHaveLength(2);
    const detail = await reader.api.getItem(page.items[0]!.id);
    const path = `/media/${sha(PIC).slice(0, 2)}/${sha(PIC)}.png`;
    expect(detail!.html).toContain(`src="${path}"`);
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(PIC);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toContain('immutable');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    // The flat name the brief describes maps to the same file.
    expect((await get(`/media/${sha(PIC)}.png`)).body).toEqual(PIC);
    const head = await get(path, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect((await reader.api.storageReport()).media).toBeGreaterThanOrEqual(PIC.length);
  });

  it('serves SVG as image/svg+xml under a script-free CSP', async () => {
    const h = sha(SVG);
    await mkdir(join(dataDir, 'media', h.slice(0, 2)), { recursive: true });
    await writeFile(join(dataDir, 'media', h.slice(0, 2), `${h}.svg`), SVG);
    const res = await get(`/media/${h.slice(0, 2)}/${h}.svg`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml');
    expect(res.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'unsafe-inline'/);
    expect(res.headers['content-security-policy']).not.toContain('script-src');
  });

  it('answers 404 for anything but a content-hash name, and 421 for a foreign Host', async () => {
    await writeFile(join(dataDir, 'media', 'notes.txt'), 'secret');
    const h = 'a'.repeat(64);
    for (const path of ['/media/notes.txt', '/media/../library.json', '/media/%2e%2e/library.json', `/media/${h}.png`, `/media/${h}.exe`, `/media/bb/${h}.png`, '/media/']) {
      expect((await get(path)).status, path).toBe(404);
    }
    const pic = `/media/${sha(PIC).slice(0, 2)}/${sha(PIC)}.png`;
    expect((await get(pic, 'GET', 'evil.example')).status).toBe(421);
    expect((await get(pic, 'POST')).status).toBe(405);
  });
});
