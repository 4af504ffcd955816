// content/: sanitized article HTML, read only when an article is opened or exported. `items` holds
// each article as the feed sent it; `full` the page's article fetched for feeds set to "fetch full
// article" — kept apart so the reader can switch back to the feed's version.
//
// Each feed has a snapshot, content/<feedId>.json (the one form content files had before logs), and
// a log, content/<feedId>.jsonl, of the changes made since, applied over the snapshot in order. A
// refresh appends only its new records to the log; reading a feed reads both. When the bytes no
// longer live outweigh the live ones the feed is compacted: a new snapshot is written atomically,
// then the log removed. A crash between the two leaves both, which reads the same: the log's records
// replayed over a snapshot that already holds them change nothing (see ContentRecord).
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CoalescingWriter } from './coalesce';
import { DamageError, quarantine } from './damage';
import { removeDurable, writeAtomic } from './atomic';
import { appendLog } from './content-append';
import {
  applyRecord, decodeSnapshot, docWeight, emptyDoc, encodeRecords, encodeSnapshot, isSoundLine, LOG_HEADER, parseLog, textWeight,
  type ContentDoc, type ContentRecord,
} from './content-log';
import type { FullText } from './types';

/** Bytes of a snapshot and a log beyond their texts (format fields, header line). */
const FIXED_WEIGHT = 128;
/** Dead bytes below this never trigger a compaction: a tiny file is cheaper appended to than rewritten. */
const DEAD_FLOOR = 4096;
/** A log appended to without its feed in memory is first checked for dead bytes at this size (or the snapshot's). */
const FIRST_CHECK = 64 * 1024;

/** What is known this session of one feed's files; kept for every feed touched (a few numbers each). */
interface Shard {
  /** Parsed texts, for the few feeds read or written last; kept equal to the files plus `queue`. */
  doc?: ContentDoc;
  /** docWeight(doc), kept up to date while doc is. */
  live: number;
  loading?: Promise<ContentDoc>;
  /** Records of updates made while the texts were being read, in order. */
  held: ContentRecord[];
  /** Records waiting for the next append. */
  queue: ContentRecord[];
  /** Sizes on disk: null when the file is absent, undefined when not known. */
  snapBytes?: number | null;
  logBytes?: number | null;
  /** The log's size when it last ended in a sound line (its tail then needs no check). */
  logSound?: number;
  /** The log size at which a feed appended to without being in memory is read to count its dead bytes. */
  checkAt: number;
  writer: CoalescingWriter;
}

function own(map: Record<string, string> | undefined, id: string): string | undefined {
  return map && Object.hasOwn(map, id) ? map[id] : undefined;
}

async function readIfThere(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function sizeIfThere(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** ContentShards: the content files, a few recently used ones kept parsed in memory. */
export class ContentShards {
  private readonly shards = new Map<string, Shard>();
  /** Feeds whose doc is in memory, most recently used last. */
  private readonly recent = new Set<string>();
  private readonly background = new Set<Promise<void>>();
  private writes = 0;

  constructor(
    private readonly dir: string,
    private readonly notice: (file: string, message: string) => void,
    private readonly now: () => Date,
    private readonly keep = 12,
  ) {}

  /** get: the HTML of one item as the feed sent it. */
  async get(feedId: string, itemId: string): Promise<string | undefined> {
    return own((await this.docOf(feedId)).items, itemId);
  }

  /** getFull: the full article of one item and why its last fetch failed, when either is known. */
  async getFull(feedId: string, itemId: string): Promise<{ html?: string; error?: string } | undefined> {
    const doc = await this.docOf(feedId);
    const html = own(doc.full, itemId);
    const error = own(doc.fullErrors, itemId);
    return html === undefined && error === undefined ? undefined : { ...(html !== undefined && { html }), ...(error !== undefined && { error }) };
  }

  /** update: set and delete items' texts in one feed's content (a removed item loses all of them); resolves when durable. */
  async update(feedId: string, set: ReadonlyMap<string, string>, remove: readonly string[] = [], full?: ReadonlyMap<string, FullText>): Promise<void> {
    if (set.size === 0 && remove.length === 0 && !full?.size) return;
    const s = this.shard(feedId);
    for (const id of remove) s.held.push(['d', id]);
    for (const [id, html] of set) s.held.push(['i', id, html]);
    // A failed fetch keeps the article fetched last time: an older full text beats a summary.
    for (const [id, outcome] of full ?? []) s.held.push('html' in outcome ? ['f', id, outcome.html] : ['e', id, outcome.error]);
    // A read in progress decides whether the changes go through the parsed texts; until it ends
    // they wait in `held`, in the order they were made, whichever update releases them.
    if (s.loading) await s.loading.catch(() => undefined);
    this.release(feedId, s);
    // Nothing queued and nothing being written: these changes changed nothing, or are durable already.
    if (!s.queue.length && !s.writer.busy) return;
    await s.writer.request();
  }

  /** Moves the held records into the write queue, through the parsed texts when they are in memory. */
  private release(feedId: string, s: Shard): void {
    const records = s.held;
    if (!records.length) return;
    s.held = [];
    const doc = s.doc;
    // Without the texts in memory the records are appended as they are: the log applies them in
    // order, so knowing what they replace is needed only to skip no-op changes and count dead bytes.
    if (!doc) {
      s.queue.push(...records);
      return;
    }
    for (const r of records) if (this.applyKnown(s, doc, r)) s.queue.push(r);
    this.touch(feedId);
  }

  /** drop: delete a feed's content files. */
  async drop(feedId: string): Promise<void> {
    const s = this.shards.get(feedId);
    this.shards.delete(feedId);
    this.recent.delete(feedId);
    if (s) {
      await s.loading?.catch(() => undefined);
      await s.writer.idle();
    }
    // The log first: a crash in between leaves an orphan snapshot, never a log replayed alone.
    await removeDurable(this.logPath(feedId));
    await removeDurable(this.snapPath(feedId));
  }

  /** idle: resolves when every content write (compactions included) is durable. */
  async idle(): Promise<void> {
    for (;;) {
      const busy = [...this.shards.values()].filter((s) => s.writer.busy || s.loading);
      if (!busy.length && !this.background.size) return;
      for (const s of busy) {
        await s.loading?.catch(() => undefined);
        await s.writer.idle();
      }
      await Promise.all(this.background);
    }
  }

  /** writeCount: writes performed so far (tests count them). */
  async writeCount(): Promise<number> {
    return this.writes;
  }

  private snapPath(feedId: string): string {
    return join(this.dir, 'content', `${feedId}.json`);
  }

  private logPath(feedId: string): string {
    return join(this.dir, 'content', `${feedId}.jsonl`);
  }

  private shard(feedId: string): Shard {
    let s = this.shards.get(feedId);
    if (!s) {
      const shard: Shard = { live: 0, held: [], queue: [], checkAt: FIRST_CHECK, writer: new CoalescingWriter(() => this.flush(feedId, shard)) };
      this.shards.set(feedId, (s = shard));
    }
    return s;
  }

  /** Applies a record to the parsed texts, keeping their weight; false when it changes nothing. */
  private applyKnown(s: Shard, doc: ContentDoc, r: ContentRecord): boolean {
    const id = r[1];
    const before = [own(doc.items, id), own(doc.full, id), own(doc.fullErrors, id)];
    applyRecord(doc, r);
    const after = [own(doc.items, id), own(doc.full, id), own(doc.fullErrors, id)];
    if (before.every((v, i) => v === after[i])) return false;
    for (const v of before) if (v !== undefined) s.live -= textWeight(id, v);
    for (const v of after) if (v !== undefined) s.live += textWeight(id, v);
    return true;
  }

  private async docOf(feedId: string): Promise<ContentDoc> {
    const s = this.shard(feedId);
    if (s.doc) {
      this.touch(feedId);
      return s.doc;
    }
    if (!s.loading) {
      s.loading = this.load(feedId, s).finally(() => (s.loading = undefined));
      s.loading.then(() => this.touch(feedId), () => undefined);
    }
    return s.loading;
  }

  /** Marks a feed's doc most recently used, and lets go of the docs of the least recent idle ones. */
  private touch(feedId: string): void {
    this.recent.delete(feedId);
    this.recent.add(feedId);
    for (const id of this.recent) {
      if (this.recent.size <= this.keep) return;
      const s = this.shards.get(id);
      // A feed with a write pending keeps its doc until it is durable (the flush may compact from it).
      if (s?.writer.busy) continue;
      this.recent.delete(id);
      if (s) s.doc = undefined;
    }
  }

  /** Reads a feed's snapshot and log; damage is set aside with a notice and the rest kept. */
  private async load(feedId: string, s: Shard): Promise<ContentDoc> {
    // Appends asked for before this read land first; updates made meanwhile wait for it.
    await s.writer.idle();
    const snapPath = this.snapPath(feedId);
    const logPath = this.logPath(feedId);
    let doc = emptyDoc();
    const snap = await readIfThere(snapPath);
    s.snapBytes = snap?.length ?? null;
    if (snap) {
      try {
        doc = decodeSnapshot(snap.toString('utf8'), `content/${feedId}.json`);
      } catch (err) {
        if (!(err instanceof DamageError)) throw err;
        const to = await quarantine(snapPath, this.now());
        this.notice(`content/${feedId}.json`, `${err.message}; moved aside to ${to}`);
        s.snapBytes = null;
      }
    }
    const log = await readIfThere(logPath);
    s.logBytes = log?.length ?? null;
    s.logSound = undefined;
    if (log) {
      const name = `content/${feedId}.jsonl`;
      try {
        const parsed = parseLog(log.toString('utf8'), name);
        for (const r of parsed.records) applyRecord(doc, r);
        if (!parsed.torn) s.logSound = log.length;
        if (parsed.damage) {
          // What could be read becomes the snapshot before the log is moved aside: a crash in
          // between leaves both, read the same way again.
          await this.writeSnapshot(feedId, s, doc);
          const to = await quarantine(logPath, this.now());
          s.logBytes = null;
          this.notice(name, `${new DamageError(name, parsed.damage).message}; the rest was kept, the log moved aside to ${to}`);
        }
      } catch (err) {
        if (!(err instanceof DamageError)) throw err;
        const to = await quarantine(logPath, this.now());
        s.logBytes = null;
        this.notice(name, `${err.message}; moved aside to ${to}`);
      }
    }
    s.doc = doc;
    s.live = docWeight(doc);
    if (this.shouldCompact(s)) this.track(feedId, s.writer.request());
    return doc;
  }

  private async writeSnapshot(feedId: string, s: Shard, doc: ContentDoc): Promise<void> {
    const text = encodeSnapshot(doc);
    await writeAtomic(this.snapPath(feedId), text);
    s.snapBytes = Buffer.byteLength(text);
  }

  /** Whether the bytes on disk (and queued) that no longer count outweigh the live ones; needs s.doc. */
  private shouldCompact(s: Shard): boolean {
    if (!s.doc || s.snapBytes === undefined || s.logBytes === undefined) return false;
    let queued = 0;
    for (const r of s.queue) queued += r[0] === 'd' ? r[1].length + 8 : textWeight(r[1], r[2]);
    if (!s.logBytes && !queued) return false;
    const dead = (s.snapBytes ?? 0) + (s.logBytes ?? 0) + queued - s.live - FIXED_WEIGHT;
    // Nothing live: the snapshot written instead is a few bytes.
    return s.live === 0 || dead > Math.max(s.live, DEAD_FLOOR);
  }

  /** The writer's job: append the queued records, or write the snapshot when there is none yet or compaction is due. */
  private async flush(feedId: string, s: Shard): Promise<void> {
    let records: ContentRecord[] = [];
    try {
      if (s.snapBytes === undefined) s.snapBytes = await sizeIfThere(this.snapPath(feedId));
      if (s.snapBytes === null && s.logBytes === undefined) s.logBytes = await sizeIfThere(this.logPath(feedId));
      // Taken only now: records queued while the sizes were looked up go in this write too (and
      // into a first snapshot's doc below).
      records = s.queue;
      s.queue = [];
      // A feed's first texts: a snapshot is as cheap to write as a log is to start.
      if (s.snapBytes === null && s.logBytes === null && !s.doc) {
        const doc = emptyDoc();
        for (const r of records) applyRecord(doc, r);
        s.doc = doc;
        s.live = docWeight(doc);
        this.touch(feedId);
      }
      if (s.doc && ((s.snapBytes === null && !s.logBytes) || this.shouldCompact({ ...s, queue: records }))) {
        this.writes++;
        await this.writeSnapshot(feedId, s, s.doc);
        if (s.logBytes !== null) await removeDurable(this.logPath(feedId));
        s.logBytes = null;
        s.logSound = undefined;
        s.checkAt = Math.max(FIRST_CHECK, s.snapBytes ?? 0);
        return;
      }
      if (!records.length) return;
      this.writes++;
      const size = await appendLog(this.logPath(feedId), encodeRecords(records), { header: LOG_HEADER, isSound: isSoundLine, knownSize: s.logSound });
      s.logBytes = s.logSound = size;
      if (!s.doc && size >= Math.max(s.checkAt, s.snapBytes ?? 0)) this.track(feedId, this.check(feedId, s));
    } catch (err) {
      // The files are the truth after a failed write: forget what this session thought of them.
      s.doc = undefined;
      this.recent.delete(feedId);
      s.snapBytes = s.logBytes = s.logSound = undefined;
      throw err;
    }
  }

  /** Reads a feed whose log grew while it was not in memory, compacting it when dead bytes outweigh live ones. */
  private async check(feedId: string, s: Shard): Promise<void> {
    await this.docOf(feedId);
    // load() asked for the compaction if due; if not, look again once the log has doubled.
    s.checkAt = 2 * (s.logBytes ?? 0);
  }

  private track(feedId: string, p: Promise<void>): void {
    const t = p
      .catch((err: unknown) => this.notice(`content/${feedId}.jsonl`, `storage: compacting content/${feedId} failed: ${String(err)}`))
      .finally(() => this.background.delete(t));
    this.background.add(t);
  }
}
