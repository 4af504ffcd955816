// The benchmark farm (issue 3 §8): N feeds × M items of realistic 2–6 KB HTML, RSS and Atom
// mixed, served by one node:http server per loopback address (127.0.0.2–9) with 50 ms latency per
// response and ETag/Last-Modified. Runs as its own process (so it never counts in the reader's
// memory) and is driven over IPC: { mode: 'normal' | 'ignore-validators' | 'changed' }.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FarmMode = 'normal' | 'ignore-validators' | 'changed';

export interface FarmSpec {
  feeds: number;
  items: number;
  latencyMs: number;
  hosts: number;
}

export interface FarmInfo {
  urls: string[];
  bytes: number;
}

const WORDS = ('the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were her ' +
  'she there been one all would their we him can more when will has no if out so said what up its about into than them only time new some could ' +
  'energy market policy research city council science report data system network water climate health school court election budget music film').split(' ');

/** rng: a small deterministic generator (xorshift32) so every run serves the same bytes; tests use it for generated inputs. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

function sentence(r: () => number, n: number): string {
  const w = Array.from({ length: n }, () => WORDS[Math.floor(r() * WORDS.length)]!);
  w[0] = w[0]!.charAt(0).toUpperCase() + w[0]!.slice(1);
  return `${w.join(' ')}.`;
}

/** articleHtml: 2–6 KB of the HTML blogs really send (paragraphs, links, images, lists, quotes). */
export function articleHtml(seed: number): string {
  const r = rng(seed);
  const target = 2048 + Math.floor(r() * 4096);
  let html = '';
  for (let k = 0; html.length < target; k++) {
    const pick = r();
    if (pick < 0.6) html += `<p>${sentence(r, 12)} ${sentence(r, 9)} <a href="/archive/${seed}/${k}">${sentence(r, 3)}</a> ${sentence(r, 14)}</p>\n`;
    else if (pick < 0.75) html += `<figure><img src="/img/${seed}-${k}.jpg" alt="${sentence(r, 4)}" width="640" height="360"><figcaption>${sentence(r, 6)}</figcaption></figure>\n`;
    else if (pick < 0.88) html += `<ul>${Array.from({ length: 3 }, () => `<li>${sentence(r, 7)}</li>`).join('')}</ul>\n`;
    else html += `<blockquote><p>${sentence(r, 18)}</p></blockquote>\n`;
  }
  return html;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** feedDocument: feed i with items [first, first+count) newest first, RSS for even i, Atom for odd. */
export function feedDocument(i: number, first: number, count: number, origin: string): string {
  const r = rng(i + 1);
  const title = sentence(r, 3).slice(0, -1);
  const items: string[] = [];
  for (let j = first + count - 1; j >= first; j--) {
    const date = new Date(Date.UTC(2026, 0, 1) + j * 3_600_000 + i * 1000);
    const body = articleHtml(i * 100_000 + j);
    const t = sentence(rng(i * 7919 + j), 6).slice(0, -1);
    const link = `${origin}/f${i}/posts/${j}`;
    items.push(
      i % 2 === 0
        ? `<item><title>${esc(t)}</title><link>${link}</link><guid isPermaLink="true">${link}</guid><pubDate>${date.toUTCString()}</pubDate><category>Topic ${j % 7}</category><description>${esc(body)}</description></item>`
        : `<entry><title>${esc(t)}</title><link href="${link}"/><id>tag:farm,2026:${i}:${j}</id><published>${date.toISOString()}</published><updated>${date.toISOString()}</updated><category term="topic-${j % 7}"/><content type="html">${esc(body)}</content></entry>`,
    );
  }
  return i % 2 === 0
    ? `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>${title}</title><link>${origin}/f${i}/</link><description>Farm feed ${i}</description>${items.join('\n')}</channel></rss>\n`
    : `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>${title}</title><link href="${origin}/f${i}/"/><id>tag:farm,2026:${i}</id><updated>2026-01-01T00:00:00Z</updated>${items.join('\n')}</feed>\n`;
}

interface Doc {
  body: Buffer;
  etag: string;
  lastModified: string;
}

/** pictureBytes: a deterministic 20–60 KB body that reads as a JPEG (its magic number; nothing decodes it). */
export function pictureBytes(seed: number): Buffer {
  const r = rng(seed + 7);
  const buf = Buffer.alloc(20_480 + Math.floor(r() * 40_960));
  for (let i = 0; i < buf.length; i += 4) buf.writeUInt32LE(Math.floor(r() * 4294967296), Math.min(i, buf.length - 4));
  buf.set([0xff, 0xd8, 0xff, 0xe0], 0);
  return buf;
}

/** startFarm: generate and serve the farm; returns the feed URLs, a mode switch and a closer. */
export async function startFarm(spec: FarmSpec): Promise<FarmInfo & { setMode(m: FarmMode): void; close(): Promise<void>; hits(): number }> {
  const servers: Server[] = [];
  const origins: string[] = [];
  let mode: FarmMode = 'normal';
  let hits = 0;
  const docs = new Map<string, { normal: Doc; changed?: Doc }>();
  const make = (body: string, version: number): Doc => ({
    body: Buffer.from(body),
    etag: `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`,
    lastModified: new Date(Date.UTC(2026, 0, 1 + version)).toUTCString(),
  });
  for (let h = 0; h < spec.hosts; h++) {
    const server = createServer((req, res) => {
      hits++;
      const entry = docs.get(`${h} ${req.url}`);
      const img = /^\/img\/(\d+)-(\d+)\.jpg$/.exec(req.url ?? '');
      setTimeout(() => {
        if (img) {
          // Issue 8's offline copies: every figure of the farm's articles is a 20–60 KB picture.
          const etag = `"img-${img[1]}-${img[2]}"`;
          if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
          const body = pictureBytes(Number(img[1]) * 64 + Number(img[2]));
          return void res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': body.length, etag }).end(body);
        }
        if (!entry) return void res.writeHead(404).end();
        const doc = mode === 'changed' ? entry.changed! : entry.normal;
        const honour = mode !== 'ignore-validators';
        if (honour && (req.headers['if-none-match'] === doc.etag || (!req.headers['if-none-match'] && req.headers['if-modified-since'] === doc.lastModified))) {
          return void res.writeHead(304, { etag: doc.etag, 'last-modified': doc.lastModified }).end();
        }
        res.writeHead(200, { 'content-type': 'application/xml; charset=utf-8', 'content-length': doc.body.length, etag: doc.etag, 'last-modified': doc.lastModified });
        res.end(doc.body);
      }, spec.latencyMs);
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((ok) => server.listen(0, `127.0.0.${2 + h}`, ok));
    servers.push(server);
    origins.push(`http://127.0.0.${2 + h}:${(server.address() as AddressInfo).port}`);
  }
  const urls: string[] = [];
  let bytes = 0;
  for (let i = 0; i < spec.feeds; i++) {
    const h = i % spec.hosts;
    const path = `/f${i}/${i % 2 === 0 ? 'rss.xml' : 'atom.xml'}`;
    const normal = make(feedDocument(i, 0, spec.items, origins[h]!), 0);
    // "changed": ten new items on top, the oldest ten gone (the feed keeps its length).
    const changed = make(feedDocument(i, 10, spec.items, origins[h]!), 1);
    docs.set(`${h} ${path}`, { normal, changed });
    bytes += normal.body.length;
    urls.push(`${origins[h]}${path}`);
  }
  return {
    urls,
    bytes,
    setMode: (m) => void (mode = m),
    hits: () => hits,
    close: async () => {
      for (const s of servers) s.closeAllConnections();
      await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
    },
  };
}

// As a child process: start the farm, report the URLs, obey mode switches from the parent.
if (process.send && process.argv.includes('--serve-farm')) {
  const spec = JSON.parse(process.argv[process.argv.indexOf('--serve-farm') + 1]!) as FarmSpec;
  const farm = await startFarm(spec);
  process.on('message', (m: { mode?: FarmMode; hits?: boolean; close?: boolean }) => {
    if (m.mode) {
      farm.setMode(m.mode);
      process.send!({ ok: true });
    }
    if (m.hits) process.send!({ hits: farm.hits() });
    if (m.close) void farm.close().then(() => process.exit(0));
  });
  process.send({ urls: farm.urls, bytes: farm.bytes });
}
