// items/<feedId>.json in memory: one Shard per feed. At open only the heads are read; an item's
// text is parsed when first asked for, and written back untouched unless it changed.
import { closeSync, fstatSync, openSync, readSync, readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { Low } from 'lowdb';
import type { Item } from '../core/model';
import { DurableFile, type Codec } from './adapter';
import { CoalescingWriter } from './coalesce';
import { DamageError, quarantineSync } from './damage';
import { Entry, type MemoryIndex, type ShardCounts } from './memory-index';
import type { Tally } from './types';
import {
  bodyLength, bodyOf, decodeHeadJson, decodeWhole, encodeBody, encodeBodyItem, encodeHead, flagsOf, parseBodyItem,
  BODY_OPEN, ITEMS_VERSION, type BodyItem, type DecodedHead, type HeadRow, type ShardHead,
} from './shard';
import { TEMP_MARK } from './atomic';

const bytesCodec: Codec<Uint8Array> = {
  decode: (text) => Buffer.from(text),
  encode: (data) => data,
};

/** Shard: one feed's items (entries in file order), their text bytes, and the file's writer. */
export class Shard {
  entries: Entry[] = [];
  /** The body line as on disk (once read or written); entries' `at`/`len` point into it. */
  body: Buffer | undefined;
  /** Where the body starts in the file on disk, while it has not been read yet. */
  bodyOnDisk = -1;
  /** The list of entries changed (items added or removed, texts changed): the body must be rebuilt. */
  bodyDirty = false;
  /** Flags changed that only the journal holds so far: the next compaction rewrites this file. */
  stateDirty = false;
  pruned: Record<string, number> = {};
  /** The items format version of the file on disk (older ones are rewritten after open). */
  version = ITEMS_VERSION;
  private lazyWriter: CoalescingWriter | undefined;

  constructor(
    readonly feedId: string,
    readonly path: string,
    readonly name: string,
  ) {}

  /** writer: this file's writer, made on first use (most shards of a session are never written). */
  get writer(): CoalescingWriter {
    if (!this.lazyWriter) {
      const db = new Low<Uint8Array>(new DurableFile(this.path, bytesCodec, this.name), new Uint8Array());
      this.lazyWriter = new CoalescingWriter(async () => {
        // Encoded when the write starts, so it carries every change made up to that moment.
        const bytes = this.encode();
        const body = this.body;
        db.data = bytes;
        try {
          await db.write();
        } finally {
          db.data = new Uint8Array();
        }
        this.release(bytes.length, body);
      });
    }
    return this.lazyWriter;
  }

  /** idle: resolves when no write of this file is pending or running. */
  idle(): Promise<void> {
    return this.lazyWriter ? this.lazyWriter.idle() : Promise.resolve();
  }

  /** writes: file writes performed so far. */
  get writes(): number {
    return this.lazyWriter?.writes ?? 0;
  }

  /** itemOf: the full item of an entry, its text parsed on first use (DamageError if it is bad). */
  itemOf(e: Entry): Item {
    if (e.item) return e.item;
    e.item = this.peekItem(e);
    return e.item;
  }

  /** peekItem: the full item of an entry without keeping it (a copy when the text was never parsed). */
  peekItem(e: Entry): Item {
    if (e.item) return e.item;
    if (e.at < 0) throw new DamageError(this.name, `no text for item ${e.id}`);
    const b = this.body ? parseBodyItem(this.body, e.at, e.len, this.name) : this.readOne(e);
    return { id: e.id, feedId: e.feedId, ...b, read: e.read, starred: e.starred, tags: [...e.tags] } as Item;
  }

  /** encode: the whole file as it should now be on disk. */
  encode(): Uint8Array {
    this.loadBody();
    if (this.bodyDirty || !this.body) {
      const old = this.body;
      const parts = this.entries.map((e) =>
        e.dirty || e.at < 0 || !old ? encodeBodyItem(bodyOf(e.item!)) : old.subarray(e.at, e.at + e.len),
      );
      const { body, at } = encodeBody(parts);
      this.entries.forEach((e, i) => {
        e.at = at[i]!;
        e.len = parts[i]!.length;
        e.dirty = false;
      });
      this.body = body;
      this.bodyDirty = false;
    }
    const rows: HeadRow[] = this.entries.map((e) => ({ id: e.id, pub: e.pub, flags: flagsOf(e.read, e.starred), tags: e.tags, len: e.len }));
    const bytes = Buffer.concat([Buffer.from(encodeHead(this.feedId, rows, this.pruned)), this.body]);
    this.version = ITEMS_VERSION;
    return bytes;
  }

  /** peekAll: every item of the shard without keeping them (one read of the file, not kept either). */
  peekAll(): Item[] {
    let body = this.body;
    if (!body && this.bodyOnDisk >= 0 && this.entries.some((e) => !e.item)) body = readFileSync(this.path).subarray(this.bodyOnDisk);
    return this.entries.map((e) => {
      if (e.item) return e.item;
      if (!body || e.at < 0) throw new DamageError(this.name, `no text for item ${e.id}`);
      const b = parseBodyItem(body, e.at, e.len, this.name);
      return { id: e.id, feedId: e.feedId, ...b, read: e.read, starred: e.starred, tags: [...e.tags] } as Item;
    });
  }

  /** While the body is only on disk, one item's bytes are read from it (not the whole file): the file is ours alone (locked) and unchanged since its head was read. */
  private readOne(e: Entry): BodyItem {
    const bytes = Buffer.allocUnsafe(e.len);
    const fd = openSync(this.path, 'r');
    try {
      const n = readSync(fd, bytes, 0, e.len, this.bodyOnDisk + e.at);
      if (n !== e.len) throw new DamageError(this.name, 'the file is shorter than its item state says');
    } finally {
      closeSync(fd);
    }
    return parseBodyItem(bytes, 0, e.len, this.name);
  }

  /**
   * Once written, the texts are on disk: memory keeps only the entries, as after an open, and an
   * item's text is read again when asked for. A refresh of 50,000 items would otherwise keep each
   * text twice (parsed, and as body bytes) for the rest of the session. Nothing is released when
   * the shard changed while the write ran: the next write carries that change.
   */
  private release(fileLength: number, body: Buffer | undefined): void {
    if (!body || this.body !== body || this.bodyDirty) return;
    for (const e of this.entries) if (e.dirty || e.at < 0) return;
    this.bodyOnDisk = fileLength - body.length;
    this.body = undefined;
    for (const e of this.entries) e.item = undefined;
  }

  private loadBody(): void {
    if (this.bodyOnDisk < 0) return;
    const bytes = readFileSync(this.path);
    const body = bytes.subarray(this.bodyOnDisk);
    if (!body.subarray(0, BODY_OPEN.length).equals(BODY_OPEN)) throw new DamageError(this.name, 'the item text is missing');
    this.body = body;
    this.bodyOnDisk = -1;
  }
}

/** loadShards: read the head of every items/*.json into the index; damaged files are moved aside and reported. */
export function loadShards(dir: string, index: MemoryIndex, now: () => Date, notice: (file: string, message: string) => void): Map<string, Shard> {
  const shards = new Map<string, Shard>();
  const itemsDir = join(dir, 'items');
  const buf = { bytes: Buffer.allocUnsafe(HEAD_CHUNK * 4) };
  for (const name of readdirSync(itemsDir)) {
    if (!name.endsWith('.json') || name.startsWith('.') || name.includes(TEMP_MARK)) continue;
    const feedId = name.slice(0, -'.json'.length);
    // Joined by hand: path.join's normalizing, a thousand times over, showed in the open's profile.
    const shard = new Shard(feedId, itemsDir + sep + name, `items/${name}`);
    let counts: ShardCounts;
    try {
      counts = load(shard, buf);
      shards.set(feedId, shard);
    } catch (err) {
      if (!(err instanceof DamageError)) throw err;
      notice(shard.name, `${err.message}; moved aside to ${quarantineSync(shard.path, now())}`);
      continue;
    }
    index.addShard(feedId, shard.entries, counts);
  }
  return shards;
}

// A head takes about 45 bytes per item: one read of this size holds a 100-item feed's head, and
// reading no further than the head keeps the (much larger) body out of the open.
const HEAD_CHUNK = 8192;

/** Fast path: read the head line only, and check the file's length against it; else parse it whole. Returns the shard's tallies. */
function load(shard: Shard, buf: { bytes: Buffer }): ShardCounts {
  const fd = openSync(shard.path, 'r');
  let size: number;
  let got = 0;
  let nl = -1;
  try {
    size = fstatSync(fd).size;
    for (let chunk = HEAD_CHUNK; got < size; chunk *= 2) {
      const want = Math.min(chunk, size - got);
      if (got + want > buf.bytes.length) {
        const bigger = Buffer.allocUnsafe(Math.max(buf.bytes.length * 2, got + want));
        buf.bytes.copy(bigger, 0, 0, got);
        buf.bytes = bigger;
      }
      const n = readSync(fd, buf.bytes, got, want, got);
      if (n === 0) break;
      const from = got;
      got += n;
      nl = buf.bytes.subarray(from, got).indexOf(0x0a);
      if (nl >= 0) {
        nl += from;
        break;
      }
    }
  } finally {
    closeSync(fd);
  }
  const b = buf.bytes;
  if (nl > 1 && b[nl - 1] === 0x2c && b[0] === 0x7b) {
    let parsed: DecodedHead | undefined;
    try {
      // The head line ends with the comma before the body: a brace in its place closes it as JSON.
      b[nl - 1] = 0x7d;
      parsed = decodeHeadJson(b.toString('utf8', 0, nl), shard.name);
    } catch {
      parsed = undefined;
    }
    if (parsed?.head.len && size === nl + 1 + bodyLength(parsed.head.len)) {
      check(parsed.feedId, shard);
      const counts = fill(shard, parsed.head, undefined);
      shard.bodyOnDisk = nl + 1;
      shard.version = parsed.version;
      return counts;
    }
  }
  // Slow path: hand-edited, an older version, or damaged: parse it whole (DamageError if bad).
  const whole = decodeWhole(readFileSync(shard.path, 'utf8'), shard.name);
  check(whole.feedId, shard);
  const counts = fill(shard, whole.head, whole.body);
  shard.bodyDirty = true;
  shard.version = whole.version;
  return counts;
}

function check(feedId: string, shard: Shard): void {
  if (feedId !== shard.feedId) throw new DamageError(shard.name, `it holds feed ${feedId}, not ${shard.feedId}`);
}

/** The shard's entries from its head (and texts, on the slow path), counted per tag set as they are made. */
function fill(shard: Shard, head: ShardHead, body: BodyItem[] | undefined): ShardCounts {
  const { ids, pub, flags, tagTable, tagSets, tagSet, len } = head;
  // One tag list per distinct set, shared by its items (entries never mutate it); a tag named
  // twice in a hand-edited set counts once.
  const lists = tagSets.map((set): readonly string[] => (set.length ? [...new Set(set.map((i) => tagTable[i]!))] : NO_TAGS));
  const tallies = tagSets.map((): Tally => ({ unread: 0, total: 0, starred: 0 }));
  const entries: Entry[] = new Array<Entry>(ids.length);
  let at = BODY_OPEN.length;
  for (let i = 0; i < ids.length; i++) {
    const f = flags[i]!;
    const set = tagSet[i]!;
    const t = tallies[set]!;
    t.total++;
    if ((f & 1) === 0) t.unread++;
    if ((f & 2) !== 0) t.starred++;
    const e = new Entry(ids[i]!, shard.feedId, pub[i]!, (f & 1) !== 0, (f & 2) !== 0, lists[set]!);
    if (body) {
      e.item = { id: e.id, feedId: shard.feedId, ...body[i]!, read: e.read, starred: e.starred, tags: [...e.tags] } as Item;
      e.dirty = true;
    } else {
      e.at = at;
      e.len = len![i]!;
      at += e.len + 1;
    }
    entries[i] = e;
  }
  shard.entries = entries;
  shard.pruned = head.pruned;
  const feed: Tally = { unread: 0, total: 0, starred: 0 };
  const byTags: [readonly string[], Tally][] = [];
  tallies.forEach((t, k) => {
    feed.total += t.total;
    feed.unread += t.unread;
    feed.starred += t.starred;
    if (t.total && lists[k]!.length) byTags.push([lists[k]!, t]);
  });
  return { feed, byTags };
}

const NO_TAGS: readonly string[] = [];
