// `npm run bench -- refresh [--feeds 1000] [--items 50] [--latency 50] [--concurrency N] [--no-newsboat] [--offline] [--offline-cost] [--cold-only] [--without-sanitizer] [--profile cold|unchanged|warm|changed]`
// Issue 3 §8: Tidings' cold / unchanged / warm / changed refresh of the farm (bench/farm.ts) with
// peak RSS and event-loop delay, then newsboat's three reloads on the same farm, and the ratios.
import { fork, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FarmMode, FarmSpec } from './farm';
import { feedIdFor } from '../src-main/core/identity';
import { refreshFeeds } from '../src-main/core/processor';
import { digestPoolStats } from '../src-main/core/digest-pool';
import { openStore } from '../src-main/storage/store';
import { loadDefaultRules } from '../src-main/core/tags';
import type { Feed } from '../src-main/core/model';

interface Phase {
  name: string;
  ms: number;
  peakRssMb: number;
  maxLoopDelayMs?: number;
  detail: string;
}

type Farm = { urls: string[]; bytes: number; mode(m: FarmMode): Promise<void>; close(): void };

async function startFarmProcess(spec: FarmSpec): Promise<Farm> {
  const child = fork(fileURLToPath(new URL('./farm.ts', import.meta.url)), ['--serve-farm', JSON.stringify(spec)], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const first = await new Promise<{ urls: string[]; bytes: number }>((ok, fail) => {
    child.once('message', (m) => ok(m as { urls: string[]; bytes: number }));
    child.once('exit', (code) => fail(new Error(`bench: the farm exited with ${code}`)));
  });
  return {
    ...first,
    mode: (m) => new Promise<void>((ok) => (child.once('message', () => ok()), child.send({ mode: m }))),
    close: () => void child.send({ close: true }),
  };
}

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

/** With `--profile <phase name prefix>`: a CPU profile of that phase alone, written next to the bench's temp files. */
let profilePhase: string | undefined;

async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  if (!profilePhase || !name.startsWith(profilePhase)) return fn();
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    const file = join(tmpdir(), `tidings-bench-${name.split(' ').slice(0, 2).join('-')}-${process.pid}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    console.log(`bench: CPU profile of "${name}" in ${file}`);
    session.disconnect();
  }
}

async function measure(name: string, fn: () => Promise<string>): Promise<Phase> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  let peak = process.memoryUsage.rss();
  let heap = 0;
  let heapTotal = 0;
  let external = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    heap = Math.max(heap, m.heapUsed);
    heapTotal = Math.max(heapTotal, m.heapTotal);
    external = Math.max(external, m.external);
  }, 50);
  loop.enable();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const pool0 = digestPoolStats();
  const detail = await profiled(name, fn);
  const ms = performance.now() - t0;
  const pool = digestPoolStats();
  const workerBusy = pool.jobs > pool0.jobs ? `, ${pool.jobs - pool0.jobs} feeds digested in the worker (busy ${((100 * (pool.busyMs - pool0.busyMs)) / ms).toFixed(0)}% of the time)` : '';
  const cpu = process.cpuUsage(cpu0);
  loop.disable();
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  return { name, ms, peakRssMb: peak / 1048576, maxLoopDelayMs: loop.max / 1e6, detail: `${detail}${workerBusy}, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, peak heap ${(heap / 1048576).toFixed(0)} MB (of ${(heapTotal / 1048576).toFixed(0)}), external ${(external / 1048576).toFixed(0)} MB` };
}

interface TidingsOptions {
  concurrency?: number;
  withoutSanitizer: boolean;
  /** Issue 8's offline copies (images, full text) during the refresh; newsboat keeps none. */
  offline: boolean;
  /** Stop after the cold refresh (for profiling). */
  coldOnly: boolean;
}

async function tidings(farm: Farm, opts: TidingsOptions): Promise<Phase[]> {
  const { concurrency, withoutSanitizer } = opts;
  const dir = mkdtempSync(join(tmpdir(), 'tidings-bench-refresh-'));
  const store = await openStore(dir);
  try {
    const now = new Date().toISOString();
    await store.updateLibrary((lib) => {
      if (concurrency) lib.settings.concurrency = concurrency;
      for (const url of farm.urls) {
        const feed: Feed = { id: feedIdFor(url), url, title: url, folder: '', addedAt: now, health: { itemCount: 0, consecutiveFailures: 0 }, http: {} };
        lib.feeds.push(feed);
      }
    });
    const rules = loadDefaultRules();
    // --without-sanitizer isolates the rest of the pipeline (a diagnostic, labelled in the output).
    const ctx = { store, rules, emit: () => undefined, offline: opts.offline, ...(withoutSanitizer && { sanitize: (html: string) => html }) };
    const run = async (): Promise<string> => {
      const s = await refreshFeeds(ctx);
      await store.flush();
      if (s.failed.length) console.error(`bench: ${s.failed.length} feeds failed, first: ${s.failed[0]!.error}`);
      return `updated ${s.updated}, unchanged ${s.unchanged}, failed ${s.failed.length}, new items ${s.newItems}`;
    };
    const phases: Phase[] = [];
    console.log(`bench: RSS before the first refresh ${(process.memoryUsage.rss() / 1048576).toFixed(0)} MB (bench and modules loaded, store open)`);
    await farm.mode('normal');
    phases.push(await measure(opts.offline ? 'tidings cold, offline copies on' : 'tidings cold', run));
    await store.flush();
    phases[0]!.detail += `, data dir ${mb(dirSize(dir))} (media ${mb(dirSize(join(dir, 'media')))})`;
    // With --expose-gc: what the refresh left alive (the store's items) apart from garbage.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc) {
      gc();
      const m = process.memoryUsage();
      console.log(`bench: after the cold refresh and a full GC: heap ${(m.heapUsed / 1048576).toFixed(0)} MB of ${(m.heapTotal / 1048576).toFixed(0)} MB, external ${(m.external / 1048576).toFixed(0)} MB, RSS ${(m.rss / 1048576).toFixed(0)} MB`);
    }
    if (opts.coldOnly) return phases;
    await farm.mode('ignore-validators');
    phases.push(await measure('tidings unchanged (same bytes, validators ignored)', run));
    await farm.mode('normal');
    phases.push(await measure('tidings warm (all 304)', run));
    await farm.mode('changed');
    phases.push(await measure('tidings changed (10 new items per feed)', run));
    phases.push({ name: 'tidings process peak RSS (maxRSS)', ms: 0, peakRssMb: process.resourceUsage().maxRSS / 1024, detail: `${store.itemCount()} items stored` });
    return phases;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function dirSize(dir: string): number {
  let n = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (e.isFile()) n += statSync(join(e.parentPath, e.name)).size;
  }
  return n;
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

async function newsboat(farm: Farm): Promise<Phase[]> {
  const which = spawnSync('newsboat', ['--version'], { encoding: 'utf8' });
  if (which.status !== 0) {
    console.log('bench: newsboat is not installed (apt-get install -y newsboat); skipping the comparison');
    return [];
  }
  const dir = mkdtempSync(join(tmpdir(), 'tidings-bench-newsboat-'));
  try {
    writeFileSync(join(dir, 'urls'), `${farm.urls.join('\n')}\n`);
    writeFileSync(join(dir, 'config'), 'reload-threads 8\n');
    await farm.mode('normal');
    const phases: Phase[] = [];
    for (const name of ['newsboat reload 1 (cold)', 'newsboat reload 2', 'newsboat reload 3 (all 304)']) {
      const t0 = performance.now();
      const r = spawnSync('/usr/bin/time', ['-f', '%M', 'newsboat', '-x', 'reload', '-u', join(dir, 'urls'), '-c', join(dir, 'cache.db'), '-C', join(dir, 'config')], {
        env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir },
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      const ms = performance.now() - t0;
      const rssKb = Number(r.stderr.trim().split('\n').pop());
      phases.push({ name, ms, peakRssMb: rssKb / 1024, detail: r.status === 0 ? 'ok' : `exit ${r.status}: ${r.stderr.slice(0, 200)}` });
    }
    return phases;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** run: the refresh benchmark; prints a table and the ratios against the issue's targets. */
export async function run(args: string[] = []): Promise<Phase[]> {
  const spec: FarmSpec = { feeds: arg(args, '--feeds', 1000), items: arg(args, '--items', 50), latencyMs: arg(args, '--latency', 50), hosts: 8 };
  const concurrency = args.includes('--concurrency') ? arg(args, '--concurrency', 8) : undefined;
  profilePhase = args.includes('--profile') ? `tidings ${args[args.indexOf('--profile') + 1] ?? 'cold'}` : undefined;
  const farm = await startFarmProcess(spec);
  console.log(`bench: farm of ${spec.feeds} feeds × ${spec.items} items, ${(farm.bytes / 1048576).toFixed(0)} MB, ${spec.latencyMs} ms latency, ${spec.hosts} hosts; concurrency ${concurrency ?? 'default (8)'}`);
  try {
    const withoutSanitizer = args.includes('--without-sanitizer');
    if (withoutSanitizer) console.log('bench: DIAGNOSTIC RUN: sanitizing replaced by a pass-through');
    const offline = args.includes('--offline');
    if (offline) console.log('bench: offline copies on (issue 8: every article picture is downloaded from the farm)');
    if (args.includes('--offline-cost')) {
      // Issue 8: the extra time and disk of offline copies, each run from an empty library.
      console.log('bench: offline cost: a cold refresh without, then with, offline copies (the farm serves a 20–60 KB picture per figure)');
      const without = await tidings(farm, { withoutSanitizer, offline: false, coldOnly: true });
      const withCopies = await tidings(farm, { withoutSanitizer, offline: true, coldOnly: true });
      for (const p of [...without, ...withCopies]) console.log(`${p.name.padEnd(40)} ${(p.ms / 1000).toFixed(2).padStart(7)} s  peak RSS ${p.peakRssMb.toFixed(0).padStart(4)} MB  ${p.detail}`);
      console.log(`offline cost: refresh ×${(withCopies[0]!.ms / without[0]!.ms).toFixed(2)} (+${((withCopies[0]!.ms - without[0]!.ms) / 1000).toFixed(1)} s)`);
      return [...without, ...withCopies];
    }
    const ours = await tidings(farm, { ...(concurrency && { concurrency }), withoutSanitizer, offline, coldOnly: args.includes('--cold-only') });
    const theirs = args.includes('--no-newsboat') ? [] : await newsboat(farm);
    const all = [...ours, ...theirs];
    for (const p of all) {
      console.log(`${p.name.padEnd(52)} ${(p.ms / 1000).toFixed(2).padStart(7)} s  peak RSS ${p.peakRssMb.toFixed(0).padStart(4)} MB${p.maxLoopDelayMs !== undefined ? `  max loop delay ${p.maxLoopDelayMs.toFixed(0)} ms` : ''}  ${p.detail}`);
    }
    const t = (prefix: string) => all.find((p) => p.name.startsWith(prefix))?.ms;
    const ratio = (a?: number, b?: number) => (a && b ? (a / b).toFixed(3) : 'n/a');
    console.log(`ratios: cold/newsboat-cold ${ratio(t('tidings cold'), t('newsboat reload 1'))} (target ≤ 0.333); unchanged/newsboat-2nd ${ratio(t('tidings unchanged'), t('newsboat reload 2'))} (≤ 0.1); warm/newsboat-3rd ${ratio(t('tidings warm'), t('newsboat reload 3'))} (≤ 0.1); changed/cold ${ratio(t('tidings changed'), t('tidings cold'))} (≤ 0.5); peak RSS ${Math.max(...ours.map((p) => p.peakRssMb)).toFixed(0)} MB (≤ 400)`);
    return all;
  } finally {
    farm.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run(process.argv.slice(2));
