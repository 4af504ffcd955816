// A feed's content grows by appending to content/<feedId>.jsonl over the snapshot content/<feedId>.json:
// earlier bytes stay untouched, a torn last line is a write that never happened, a bad line in the
// middle is damage (reported, the rest kept), and compaction keeps exactly the live texts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFile, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ContentShards } from '../../../src-main/storage/content';
import type { FullText } from '../../../src-main/storage/types';
import { tempDir } from './fixtures';

let dir: string;
let cleanup: () => Promise<void>;
let notices: { file: string; message: string }[];
const opened: ContentShards[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  notices = [];
});
afterEach(async () => {
  for (const c of opened.splice(0)) await c.idle();
  await cleanup();
});

/** A reader of the library's content as a fresh start of the app would see it. */
function open(keep?: number): ContentShards {
  const c = new ContentShards(dir, (file, message) => notices.push({ file, message }), () => new Date('2026-03-01T10:00:00Z'), keep);
  opened.push(c);
  return c;
}

const snap = (f = 'f1') => join(dir, 'content', `${f}.json`);
const log = (f = 'f1') => join(dir, 'content', `${f}.jsonl`);
const exists = (p: string) => stat(p).then(() => true, () => false);
const html = (id: string, v = 0) => `<p class="a">text of ${id}, version ${v} — ünïcödé</p>` + 'lorem <b>ipsum</b> '.repeat(40);
const texts = (ids: string[], v = 0) => new Map(ids.map((id) => [id, html(id, v)]));
const ids = (from: number, n: number, f = 'f1') => Array.from({ length: n }, (_, i) => `${f}-i${from + i}`);

beforeEach(async () => {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(dir, 'content'), { recursive: true });
});

describe('appending', () => {
  it('leaves the earlier bytes untouched and grows the log by about the new records', async () => {
    const c = open();
    await c.update('f1', texts(ids(0, 50)));
    // A feed's first texts make its snapshot; later ones go to the log.
    expect(await exists(log())).toBe(false);
    const snapBefore = await readFile(snap());
    const snapIno = (await stat(snap())).ino;

    await open().update('f1', texts(ids(50, 10)));
    const log1 = await readFile(log());
    const added = [...texts(ids(60, 10))].reduce((n, [id, h]) => n + Buffer.byteLength(JSON.stringify(['i', id, h])) + 1, 0);
    await open().update('f1', texts(ids(60, 10)));
    const log2 = await readFile(log());

    expect(await readFile(snap())).toEqual(snapBefore);
    expect((await stat(snap())).ino).toBe(snapIno);
    expect(log2.subarray(0, log1.length)).toEqual(log1);
    expect(log2.length - log1.length).toBe(added);
    const r = open();
    for (const id of ids(0, 70)) expect(await r.get('f1', id)).toBe(html(id));
    expect(notices).toEqual([]);
  });

  it('writes nothing for changes that change nothing, once the feed is in memory', async () => {
    const c = open();
    await c.update('f1', texts(ids(0, 3)));
    const before = await c.writeCount();
    await c.update('f1', texts(ids(0, 3)));
    await c.update('f1', new Map(), ['f1-i99']);
    expect(await c.writeCount()).toBe(before);
    await c.update('f1', texts(ids(0, 1), 1));
    expect(await c.writeCount()).toBe(before + 1);
  });

  it('keeps every update of a new feed made while its first write runs, in memory and on disk', async () => {
    const c = open();
    const first = c.update('f1', texts(ids(0, 2)));
    await new Promise((r) => setImmediate(r));
    const second = c.update('f1', texts(ids(2, 2)), [], new Map<string, FullText>([['f1-i0', { html: '<p>full</p>' }]]));
    await Promise.all([first, second]);
    for (const r of [c, open()]) {
      for (const id of ids(0, 4)) expect(await r.get('f1', id)).toBe(html(id));
      expect(await r.getFull('f1', 'f1-i0')).toEqual({ html: '<p>full</p>' });
    }
  });

  it('coalesces a burst of updates of one feed into few appends', async () => {
    const c = open();
    await c.update('f1', texts(ids(0, 1)));
    const before = await c.writeCount();
    await Promise.all(ids(1, 40).map((id) => c.update('f1', texts([id]))));
    expect((await c.writeCount()) - before).toBeLessThanOrEqual(3);
    const r = open();
    for (const id of ids(0, 41)) expect(await r.get('f1', id)).toBe(html(id));
  });
});

describe('updates made while a feed is being read', () => {
  it('land in the order they were made', async () => {
    await open().update('f1', texts(ids(0, 30)));
    await open().update('f1', texts(ids(30, 5)));
    const c = open();
    const reading = c.get('f1', 'f1-i0');
    const writes: Promise<void>[] = [];
    for (let v = 1; v <= 10; v++) writes.push(c.update('f1', new Map([['f1-i0', `<p>v${v}</p>`]])));
    // Some more once the read is done but before the first of those resumes.
    const later = reading.then(() => Promise.all([11, 12].map((v) => c.update('f1', new Map([['f1-i0', `<p>v${v}</p>`]])))));
    // The read sees the texts before those updates or after all ten, never a mix.
    expect([html('f1-i0'), '<p>v10</p>']).toContain(await reading);
    await Promise.all([...writes, later]);
    expect(await c.get('f1', 'f1-i0')).toBe('<p>v12</p>');
    expect(await open().get('f1', 'f1-i0')).toBe('<p>v12</p>');
  });
});

describe('a log a crash cut short', () => {
  it.each([
    ['a last line without its newline', '["i","f1-i9","<p>half'],
    ['an unreadable last line', '\u0000\u0000\u0000\n'],
  ])('with %s reads without it, silently, and the next append cuts it away', async (_name, tail) => {
    await open().update('f1', texts(ids(0, 5)));
    await open().update('f1', texts(ids(5, 5)));
    const good = await readFile(log());
    await appendFile(log(), tail);

    const r = open();
    for (const id of ids(0, 10)) expect(await r.get('f1', id)).toBe(html(id));
    expect(await r.get('f1', 'f1-i9')).toBe(html('f1-i9'));
    expect(notices).toEqual([]);

    await open().update('f1', texts(ids(10, 2)));
    const after = await readFile(log());
    expect(after.subarray(0, good.length)).toEqual(good);
    expect(after.includes(Buffer.from(tail))).toBe(false);
    const again = open();
    for (const id of ids(0, 12)) expect(await again.get('f1', id)).toBe(html(id));
    expect(notices).toEqual([]);
    expect((await readdir(join(dir, 'content'))).filter((n) => n.includes('.corrupt-'))).toEqual([]);
  });

  it('with only part of its header is an empty log, started afresh on the next append', async () => {
    await open().update('f1', texts(ids(0, 2)));
    await writeFile(log(), '{"format":"tidings-con');
    expect(await open().get('f1', 'f1-i1')).toBe(html('f1-i1'));
    await open().update('f1', texts(ids(2, 1)));
    expect((await readFile(log(), 'utf8')).startsWith('{"format":"tidings-content-log","version":1}\n["i","f1-i2"')).toBe(true);
    const r = open();
    for (const id of ids(0, 3)) expect(await r.get('f1', id)).toBe(html(id));
    expect(notices).toEqual([]);
  });
});

describe('a damaged log', () => {
  it('with a bad line in the middle keeps every other record, reports it and keeps a copy aside', async () => {
    await open().update('f1', texts(ids(0, 3)));
    await open().update('f1', texts(ids(3, 3)));
    await open().update('f1', new Map(), [], new Map([['f1-i0', { html: '<p>full 0</p>' }]]));
    const lines = (await readFile(log(), 'utf8')).split('\n');
    // Header, i3, i4, i5, f0, '': spoil i4's record.
    expect(lines).toHaveLength(6);
    lines[2] = lines[2]!.slice(0, 40) + '\u0000garbage';
    await writeFile(log(), lines.join('\n'));

    const r = open();
    expect(await r.get('f1', 'f1-i4')).toBeUndefined();
    for (const id of ['f1-i0', 'f1-i1', 'f1-i2', 'f1-i3', 'f1-i5']) expect(await r.get('f1', id)).toBe(html(id));
    expect(await r.getFull('f1', 'f1-i0')).toEqual({ html: '<p>full 0</p>' });
    expect(notices).toHaveLength(1);
    expect(notices[0]!.file).toBe('content/f1.jsonl');
    expect(notices[0]!.message).toMatch(/^storage: content\/f1\.jsonl is damaged \(line 3 unreadable\); the rest was kept/);
    const aside = (await readdir(join(dir, 'content'))).filter((n) => n.startsWith('f1.jsonl.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(await readFile(join(dir, 'content', aside[0]!), 'utf8')).toBe(lines.join('\n'));

    // What was kept is on disk: the next start reports nothing and reads the same.
    const again = open();
    expect(await again.get('f1', 'f1-i5')).toBe(html('f1-i5'));
    expect(await again.getFull('f1', 'f1-i0')).toEqual({ html: '<p>full 0</p>' });
    expect(notices).toHaveLength(1);
  });

  it('of another format is moved aside whole; the snapshot still reads', async () => {
    await open().update('f1', texts(ids(0, 2)));
    await writeFile(log(), '{"format":"something-else","version":1}\n["i","f1-i0","<p>not ours</p>"]\n');
    const r = open();
    expect(await r.get('f1', 'f1-i0')).toBe(html('f1-i0'));
    expect(notices.map((n) => n.file)).toEqual(['content/f1.jsonl']);
    expect(await exists(log())).toBe(false);
    expect((await readdir(join(dir, 'content'))).filter((n) => n.startsWith('f1.jsonl.corrupt-'))).toHaveLength(1);
  });

  it('beside a damaged snapshot still gives what it holds; the snapshot alone is set aside', async () => {
    await open().update('f1', texts(ids(0, 2)));
    await open().update('f1', texts(ids(2, 2)));
    await writeFile(snap(), Buffer.alloc(64));
    const r = open();
    expect(await r.get('f1', 'f1-i0')).toBeUndefined();
    expect(await r.get('f1', 'f1-i3')).toBe(html('f1-i3'));
    expect(notices.map((n) => n.file)).toEqual(['content/f1.json']);
    expect((await readdir(join(dir, 'content'))).filter((n) => n.includes('.corrupt-'))).toEqual([expect.stringMatching(/^f1\.json\.corrupt-/)]);
    await r.update('f1', texts(ids(4, 1)));
    const again = open();
    for (const id of ids(2, 3)) expect(await again.get('f1', id)).toBe(html(id));
    expect(notices).toHaveLength(1);
  });

  it('of a newer version is refused and set aside, never applied', async () => {
    await open().update('f1', texts(ids(0, 1)));
    await writeFile(log(), '{"format":"tidings-content-log","version":2}\n["i","f1-i0","<p>v2</p>"]\n');
    expect(await open().get('f1', 'f1-i0')).toBe(html('f1-i0'));
    expect(notices[0]!.message).toContain('log version 2');
  });
});

describe('content files of the earlier form', () => {
  it('are read as they are, grow by a log beside them, and read the same with it', async () => {
    // Exactly what the content module wrote before logs existed (one JSON document per feed).
    const old = { format: 'tidings-content', version: 1, items: { a: '<p>a</p>', b: '<p>b</p>' }, full: { a: '<p>A</p>' }, fullErrors: { b: 'fetcher: status 503' } };
    const oldText = JSON.stringify(old);
    await writeFile(snap(), oldText);
    const r = open();
    expect(await r.get('f1', 'a')).toBe('<p>a</p>');
    expect(await r.getFull('f1', 'a')).toEqual({ html: '<p>A</p>' });
    expect(await r.getFull('f1', 'b')).toEqual({ error: 'fetcher: status 503' });

    await open().update('f1', new Map([['c', '<p>c</p>']]), [], new Map<string, FullText>([['b', { html: '<p>B</p>' }]]));
    expect(await readFile(snap(), 'utf8')).toBe(oldText);
    expect(await exists(log())).toBe(true);
    const after = open();
    expect(await after.get('f1', 'c')).toBe('<p>c</p>');
    expect(await after.getFull('f1', 'b')).toEqual({ html: '<p>B</p>' });
    expect(await after.getFull('f1', 'a')).toEqual({ html: '<p>A</p>' });
    expect(notices).toEqual([]);
  });

  it('left beside the whole log by a crash during compaction read the same (the log replays to no effect)', async () => {
    await open().update('f1', texts(['a', 'b', 'c']));
    const w = open();
    await w.update('f1', texts(['b'], 1), ['c'], new Map<string, FullText>([['a', { html: '<p>A</p>' }], ['b', { error: 'fetcher: timeout' }]]));
    await w.update('f1', new Map(), [], new Map<string, FullText>([['a', { error: 'fetcher: status 500' }]]));
    await w.idle();
    const logText = await readFile(log(), 'utf8');
    // The snapshot a compaction would write now, and the log it had not removed yet.
    const compacted = { format: 'tidings-content', version: 1, items: { a: html('a'), b: html('b', 1) }, full: { a: '<p>A</p>' }, fullErrors: { a: 'fetcher: status 500', b: 'fetcher: timeout' } };
    await writeFile(snap(), JSON.stringify(compacted));
    expect(await readFile(log(), 'utf8')).toBe(logText);

    const r = open();
    expect(await r.get('f1', 'a')).toBe(html('a'));
    expect(await r.get('f1', 'b')).toBe(html('b', 1));
    expect(await r.get('f1', 'c')).toBeUndefined();
    expect(await r.getFull('f1', 'a')).toEqual({ html: '<p>A</p>', error: 'fetcher: status 500' });
    expect(await r.getFull('f1', 'b')).toEqual({ error: 'fetcher: timeout' });
    expect(notices).toEqual([]);
  });
});

describe('compaction', () => {
  it('once dead bytes outweigh live ones, rewrites the snapshot with exactly the live texts and removes the log', async () => {
    const c = open();
    await c.update('f1', texts(ids(0, 20)));
    await c.update('f1', new Map(), [], new Map<string, FullText>([['f1-i0', { html: '<p>full</p>' }], ['f1-i1', { error: 'fetcher: gone' }]]));
    expect(await exists(log())).toBe(true);
    // Replacing and removing most texts leaves more dead bytes than live ones.
    await c.update('f1', texts(ids(0, 8), 1), ids(8, 10));
    await c.idle();
    expect(await exists(log())).toBe(false);
    const doc = JSON.parse(await readFile(snap(), 'utf8'));
    expect(doc).toEqual({
      format: 'tidings-content', version: 1,
      items: Object.fromEntries([...texts(ids(0, 8), 1), ...texts(ids(18, 2))]),
      full: { 'f1-i0': '<p>full</p>' },
      fullErrors: { 'f1-i1': 'fetcher: gone' },
    });
  });

  it('also happens for feeds appended to without being read, once their log has grown', async () => {
    const big = (v: number) => new Map(ids(0, 10).map((id) => [id, html(id, v) + 'x'.repeat(8000)]));
    await open().update('f1', big(0));
    // Each refresh by a fresh start replaces every text: the log fills with dead bytes unseen.
    let compactions = 0;
    for (let v = 1; v <= 30; v++) {
      const c = open();
      await c.update('f1', big(v));
      await c.idle();
      if (!(await exists(log()))) compactions++;
    }
    const size = (await stat(snap())).size + ((await exists(log())) ? (await stat(log())).size : 0);
    const live = [...big(30)].reduce((n, [id, h]) => n + Buffer.byteLength(JSON.stringify(['i', id, h])), 0);
    // 31 versions were written; what stays is the snapshot and at most about as much log.
    expect(compactions).toBeGreaterThanOrEqual(5);
    expect(size).toBeLessThan(2.5 * live);
    const r = open();
    for (const [id, h] of big(30)) expect(await r.get('f1', id)).toBe(h);
  });

  it('leaves a feed whose log holds only new texts as it is', async () => {
    const c = open();
    await c.update('f1', texts(ids(0, 10)));
    for (let k = 1; k <= 5; k++) await c.update('f1', texts(ids(10 * k, 10)));
    await c.idle();
    expect(await exists(log())).toBe(true);
  });

  it('of a feed whose texts all went leaves an empty snapshot', async () => {
    const c = open();
    await c.update('f1', texts(ids(0, 3)));
    await c.update('f1', new Map(), ids(0, 3));
    await c.idle();
    expect(await exists(log())).toBe(false);
    expect(JSON.parse(await readFile(snap(), 'utf8')).items).toEqual({});
  });
});

describe('reopening', () => {
  type Want = { item?: string; full?: string; error?: string };
  // The rules written out once more, independently: what a fresh start must read back.
  function applyWant(want: Map<string, Want>, set: Map<string, string>, remove: string[], full: Map<string, FullText>): void {
    for (const id of remove) want.delete(id);
    for (const [id, h] of set) want.set(id, { ...want.get(id), item: h });
    for (const [id, o] of full) {
      const w = { ...want.get(id) };
      if ('html' in o) {
        w.full = o.html;
        delete w.error;
      } else w.error = o.error;
      want.set(id, w);
    }
  }

  it('after every kind of write — set, full text, fetch error, removal, compaction — reads the same texts', async () => {
    const want = new Map<string, Want>();
    const all = ids(0, 12);
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    let c = open(2);
    let compacted = 0;
    const kinds = ['set', 'full', 'error', 'remove', 'mixed'] as const;
    for (let step = 0; step < 60; step++) {
      const kind = kinds[step % kinds.length]!;
      const pick = () => all.filter(() => rand(3) === 0);
      const set = kind === 'set' || kind === 'mixed' ? texts(pick(), step) : new Map<string, string>();
      const remove = kind === 'remove' || kind === 'mixed' ? pick() : [];
      const full = new Map<string, FullText>(
        kind === 'full' || kind === 'mixed' ? pick().map((id) => [id, { html: `<p>full ${id} ${step}</p>` }]) : kind === 'error' ? pick().map((id) => [id, { error: `fetcher: failed at ${step}` }]) : [],
      );
      const hadLog = await exists(log());
      await c.update('f1', set, remove, full);
      await c.idle();
      if (hadLog && !(await exists(log()))) compacted++;
      applyWant(want, set, remove, full);
      const r = open(2);
      for (const id of all) {
        const w = want.get(id);
        expect(await r.get('f1', id), `${id} after step ${step} (${kind})`).toBe(w?.item);
        const f = await r.getFull('f1', id);
        const wf = w && (w.full !== undefined || w.error !== undefined) ? { ...(w.full !== undefined && { html: w.full }), ...(w.error !== undefined && { error: w.error }) } : undefined;
        expect(f, `${id} full after step ${step} (${kind})`).toEqual(wf);
      }
      await r.idle();
      // The next write goes through the texts just read, or (every third) through a fresh start
      // that appends without reading: both ways are checked.
      c = step % 3 === 0 ? open(2) : r;
    }
    expect(compacted).toBeGreaterThan(0);
    expect(notices).toEqual([]);
  });
});

describe('drop', () => {
  it('removes the snapshot and the log', async () => {
    const c = open();
    await c.update('f1', texts(ids(0, 2)));
    await c.update('f1', texts(ids(2, 2)));
    await c.update('f2', texts(ids(0, 1, 'f2')));
    await c.drop('f1');
    expect((await readdir(join(dir, 'content'))).sort()).toEqual(['f2.json']);
    expect(await open().get('f1', 'f1-i0')).toBeUndefined();
  });
});
