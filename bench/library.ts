// `npm run bench -- library [--feeds 1000] [--items 100] [--no-newsboat] [--keep]`
// Issue 4: builds a library of feeds × items (realistic 2–6 KB articles), then measures in a fresh
// process each figure of the issue's table with peak RSS, and newsboat's `-x print-unread` on a
// cache of the same articles (fetched by one `-x reload` from the loopback farm of bench/farm.ts).
import { fork, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { articleHtml, feedDocument } from './farm';
import { openStore } from '../src-main/storage/store';
import { queryItems } from '../src-main/core/query';
import { computeCounts } from '../src-main/core/counts';
import { SearchIndex } from '../src-main/core/search';
import { htmlToText } from '../src-main/core/text';
import { dirSize } from '../src-main/core/disk';
import type { Feed, Item } from '../src-main/core/model';

interface Figure {
  name: string;
  ms: number;
  target?: number;
  peakRssMb: number;
  detail?: string;
}

const TOPICS = ['energy', 'politics', 'science', 'health', 'climate', 'business', 'culture', 'sport', 'technology', 'education', 'transport', 'housing'];
const WORDS = 'market policy research city council report data system network water school court election budget music film wind solar grid storage vote study trial league'.split(' ');

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

function feedId(i: number): string {
  return `feed${String(i).padStart(4, '0')}`;
}

/** makeItem: item j of feed i, its article the farm's (same seed), one hour apart, a third read. */
function makeItem(i: number, j: number, html: string): Item {
  const published = new Date(Date.UTC(2025, 0, 1) + j * 3_600_000 + i * 1000).toISOString();
  const w = (k: number) => WORDS[(i * 31 + j * 7 + k * 13) % WORDS.length]!;
  const topics = [TOPICS[(i + j) % TOPICS.length]!, TOPICS[(j * 5) % TOPICS.length]!];
  return {
    id: `${feedId(i)}-${j}`,
    feedId: feedId(i),
    guid: `tag:farm,2026:${i}:${j}`,
    link: `http://127.0.0.2/f${i}/posts/${j}`,
    title: `${w(0)} ${w(1)} ${w(2)} ${w(3)} ${j}`,
    author: `Author ${i % 97}`,
    published,
    fetched: published,
    summary: htmlToText(html, 300),
    categories: topics.map((t) => t[0]!.toUpperCase() + t.slice(1)),
    tags: [...new Set([...topics, 'year-2025'])],
    read: j % 3 === 0,
    starred: j % 50 === 0,
  };
}

async function build(dir: string, feeds: number, items: number): Promise<{ rawBytes: number; htmlBytes: number }> {
  const store = await openStore(dir);
  let rawBytes = 0;
  let htmlBytes = 0;
  await store.updateLibrary((lib) => {
    for (let i = 0; i < feeds; i++) {
      const f: Feed = { id: feedId(i), url: `http://127.0.0.2/f${i}/rss.xml`, title: `Feed ${i}`, folder: `Folder ${i % 10}${i % 3 ? `/Sub ${i % 3}` : ''}`, addedAt: new Date().toISOString(), health: { itemCount: items, consecutiveFailures: 0 }, http: {} };
      lib.feeds.push(f);
    }
  });
  for (let i = 0; i < feeds; i += 8) {
    await Promise.all(
      Array.from({ length: Math.min(8, feeds - i) }, (_, k) => {
        const fi = i + k;
        const list: Item[] = [];
        const content = new Map<string, string>();
        for (let j = 0; j < items; j++) {
          const html = articleHtml(fi * 100_000 + j);
          const it = makeItem(fi, j, html);
          list.push(it);
          content.set(it.id, html);
          htmlBytes += Buffer.byteLength(html);
          rawBytes += Buffer.byteLength(html) + Buffer.byteLength(it.title + it.summary + (it.link ?? '') + (it.guid ?? '') + (it.author ?? ''));
        }
        return store.putItems({ feedId: feedId(fi), items: list, content });
      }),
    );
  }
  await store.close();
  return { rawBytes, htmlBytes };
}

const rss = () => process.resourceUsage().maxRSS / 1024;

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const v = fn();
  return [v, performance.now() - t0];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** openOnly: a fresh process's open → first page (and its counts), nothing else. */
async function openOnly(dir: string): Promise<Figure[]> {
  const t0 = performance.now();
  const store = await openStore(dir);
  const first = queryItems(store, { limit: 50 });
  const openMs = performance.now() - t0;
  const counts = computeCounts(store);
  const both = performance.now() - t0;
  const peak = rss();
  await store.close();
  return [
    { name: 'open → first timeline page (50 items)', ms: openMs, target: 250, peakRssMb: peak, detail: `${store.itemCount()} items, total ${first.total}` },
    { name: 'open → first page + all counts', ms: both, peakRssMb: peak, detail: `${counts.unread} unread` },
  ];
}

/** measure: runs in a fresh process on a built library; returns the figures. */
async function measure(dir: string, feeds: number, items: number): Promise<Figure[]> {
  const out: Figure[] = [];
  const store = await openStore(dir);
  queryItems(store, { limit: 50 });
  // What the app does next happens in later turns of the event loop: let the store's warm-up run.
  await new Promise((r) => setTimeout(r, 50));

  const countRuns = Array.from({ length: 7 }, () => time(() => computeCounts(store))[1]);
  const counts = computeCounts(store);
  out.push({ name: 'unread counts: feeds, folders, tags', ms: median(countRuns), target: 20, peakRssMb: rss(), detail: `first ${countRuns[0]!.toFixed(1)} ms; ${Object.keys(counts.feeds).length} feeds, ${Object.keys(counts.folders).length} folders, ${Object.keys(counts.tags).length} tags, ${counts.unread} unread` });

  const tagRuns = TOPICS.slice(0, 7).map((t) => time(() => queryItems(store, { tags: [t], status: 'unread', limit: 50 }))[1]);
  const tagPage = queryItems(store, { tags: ['energy'], status: 'unread', limit: 50 });
  out.push({ name: 'page of a tag + unread filter', ms: median(tagRuns), target: 16, peakRssMb: rss(), detail: `worst ${Math.max(...tagRuns).toFixed(1)} ms; energy+unread: ${tagPage.total} items` });

  const tb = performance.now();
  const search = new SearchIndex(store);
  await search.ready;
  const buildMs = performance.now() - tb;
  out.push({ name: 'search index build (background, at open)', ms: buildMs, peakRssMb: rss(), detail: `${search.size()} documents` });
  const queries = ['solar', 'climate policy', '"wind grid"', 'council budget is:unread', 'research tag:science', 'network', 'feed:"Feed 12" market'];
  const searchRuns = queries.map((q) => time(() => queryItems(store, { search: q, limit: 50 }, { search }))[1]);
  out.push({ name: 'search query', ms: median(searchRuns), target: 50, peakRssMb: rss(), detail: `worst ${Math.max(...searchRuns).toFixed(1)} ms over ${queries.length} queries` });

  const unread = store.refsByDate().filter((r) => !r.read);
  const oneRuns: number[] = [];
  for (let k = 0; k < 20; k++) {
    const id = unread[(k * 97) % unread.length]!.id;
    const t = performance.now();
    await store.patchItems([id], (it) => ((it.read = true), true));
    oneRuns.push(performance.now() - t);
  }
  out.push({ name: 'mark one item read, durable', ms: median(oneRuns), target: 5, peakRssMb: rss(), detail: `worst ${Math.max(...oneRuns).toFixed(1)} ms of 20` });

  const all = store.refsByDate().map((r) => r.id);
  const ta = performance.now();
  await store.patchItems(all, (it) => (it.read ? false : ((it.read = true), true)));
  out.push({ name: `mark all ${all.length} read, durable`, ms: performance.now() - ta, target: 500, peakRssMb: rss(), detail: `${store.tallyAll().unread} unread left` });

  const refreshRuns: number[] = [];
  for (let k = 0; k < 5; k++) {
    const fi = k * 37;
    const list: Item[] = [];
    const content = new Map<string, string>();
    for (let j = items + k * 10; j < items + k * 10 + 10; j++) {
      const html = articleHtml(fi * 100_000 + j);
      const it = makeItem(fi, j, html);
      list.push(it);
      content.set(it.id, html);
    }
    const t = performance.now();
    await store.putItems({ feedId: feedId(fi), items: list, content });
    refreshRuns.push(performance.now() - t);
  }
  out.push({ name: 'refresh of one feed with 10 new items, durable', ms: median(refreshRuns), target: 20, peakRssMb: rss(), detail: `worst ${Math.max(...refreshRuns).toFixed(1)} ms of 5` });
  search.close();
  await store.close();
  void feeds;
  return out;
}

/** newsboat: fill newsboat's cache from a loopback server of the same articles (one `-x reload`), then time `-x print-unread`. */
async function newsboat(feeds: number, items: number): Promise<Figure[]> {
  if (spawnSync('newsboat', ['--version']).status !== 0) {
    console.log('bench: newsboat is not installed (apt-get install -y newsboat); skipping the comparison');
    return [];
  }
  const dir = mkdtempSync(join(tmpdir(), 'tidings-bench-newsboat-'));
  // Documents are made on request (the farm's generator, same seeds as the library built above).
  const server = createServer((req, res) => {
    const m = /^\/f(\d+)\/rss\.xml$/.exec(req.url ?? '');
    if (!m) return void res.writeHead(404).end();
    const body = feedDocument(Number(m[1]), 0, items, origin);
    res.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' }).end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    writeFileSync(join(dir, 'urls'), `${Array.from({ length: feeds }, (_, i) => `${origin}/f${i}/rss.xml`).join('\n')}\n`);
    writeFileSync(join(dir, 'config'), 'reload-threads 8\n');
    const env = { ...process.env, HOME: dir, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir };
    const nb = (args: string[]) =>
      new Promise<{ ms: number; rssMb: number; out: string; ok: boolean }>((ok) => {
        const t0 = performance.now();
        const child = spawn('/usr/bin/time', ['-f', '%M', 'newsboat', ...args, '-u', join(dir, 'urls'), '-c', join(dir, 'cache.db'), '-C', join(dir, 'config')], { env });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('exit', (code) => ok({ ms: performance.now() - t0, rssMb: Number(err.trim().split('\n').pop()) / 1024, out: out.trim(), ok: code === 0 }));
      });
    const reload = await nb(['-x', 'reload']);
    console.log(`bench: newsboat -x reload of ${feeds} feeds took ${(reload.ms / 1000).toFixed(1)} s (${reload.ok ? 'ok' : 'failed'})`);
    const runs = [];
    for (let k = 0; k < 3; k++) runs.push(await nb(['-x', 'print-unread']));
    runs.sort((a, b) => a.ms - b.ms);
    const mid = runs[1]!;
    return [{ name: 'newsboat -x print-unread (open + count)', ms: mid.ms, peakRssMb: mid.rssMb, detail: `median of 3: ${runs.map((r) => r.ms.toFixed(0)).join(', ')} ms; prints "${mid.out.slice(0, 60)}"` }];
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** run: the library benchmark; prints each figure against its target. */
export async function run(args: string[] = []): Promise<Figure[]> {
  const feeds = arg(args, '--feeds', 1000);
  const items = arg(args, '--items', 100);
  const dir = mkdtempSync(join(tmpdir(), 'tidings-bench-library-'));
  try {
    const tb = performance.now();
    const { rawBytes, htmlBytes } = await build(dir, feeds, items);
    writeFileSync(join(dir, 'bench-raw.json'), JSON.stringify({ rawBytes, htmlBytes }));
    console.log(`bench: built ${feeds} feeds × ${items} items in ${((performance.now() - tb) / 1000).toFixed(1)} s; article HTML ${(htmlBytes / 1048576).toFixed(0)} MB`);
    if (args.includes('--build-only')) return [];
    // Let the kernel write the built library out, so its write-back does not slow the figures.
    spawnSync('sync');
    const opens: Figure[][] = [];
    for (let k = 0; k < 3; k++) opens.push(await inChild(['--open-only', dir]));
    const pick = (i: number) => opens.map((o) => o[i]!).sort((a, b) => a.ms - b.ms)[1]!;
    const o1 = pick(0);
    const o2 = pick(1);
    o1.detail = `${o1.detail}; median of 3 fresh processes: ${opens.map((o) => o[0]!.ms.toFixed(0)).join(', ')} ms`;
    const figures = [o1, o2, ...(await inChild(['--measure', dir, String(feeds), String(items)]))];
    const disk = await dirSize(dir);
    figures.push({ name: 'disk size / raw content', ms: 0, peakRssMb: 0, detail: `${(disk / 1048576).toFixed(0)} MB on disk / ${(rawBytes / 1048576).toFixed(0)} MB raw (HTML + item text) = ${(disk / rawBytes).toFixed(2)}× (target ≤ 1.3×); vs HTML alone ${(disk / htmlBytes).toFixed(2)}×` });
    if (!args.includes('--no-newsboat')) {
      const theirs = await newsboat(feeds, items);
      figures.push(...theirs);
      const ours = figures.find((f) => f.name.startsWith('open → first page + all counts'));
      if (theirs[0] && ours) figures.push({ name: 'newsboat print-unread / Tidings open + counts', ms: 0, peakRssMb: 0, detail: `${(theirs[0].ms / ours.ms).toFixed(1)}× (target ≥ 3×)` });
    }
    for (const f of figures) {
      const verdict = f.target === undefined ? '' : f.ms <= f.target ? `  ok (≤ ${f.target} ms)` : `  MISSED (target ≤ ${f.target} ms)`;
      console.log(`${f.name.padEnd(48)} ${f.ms ? `${f.ms.toFixed(1).padStart(8)} ms` : ''.padStart(11)}${f.peakRssMb ? `  peak RSS ${f.peakRssMb.toFixed(0).padStart(4)} MB` : ''}${verdict}  ${f.detail ?? ''}`);
    }
    return figures;
  } finally {
    if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
    else console.log(`bench: library kept in ${dir}`);
  }
}

function inChild(args: string[]): Promise<Figure[]> {
  const child = fork(fileURLToPath(import.meta.url), args, { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  return new Promise<Figure[]>((ok, fail) => {
    child.once('message', (m) => ok(m as Figure[]));
    child.once('exit', (code) => fail(new Error(`bench: the measuring process exited with ${code}`)));
  });
}

if (process.argv.includes('--open-only') && process.send) {
  const figures = await openOnly(process.argv[process.argv.indexOf('--open-only') + 1]!);
  process.send(figures, () => process.exit(0));
} else if (process.argv.includes('--measure') && process.send) {
  const i = process.argv.indexOf('--measure');
  const figures = await measure(process.argv[i + 1]!, Number(process.argv[i + 2]), Number(process.argv[i + 3]));
  process.send(figures, () => process.exit(0));
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run(process.argv.slice(2));
}
