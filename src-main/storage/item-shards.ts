// items/<feedId>.json in memory: one Shard per feed. At open only the heads are read; an item's
// text is parsed when first asked for, and written back untouched unless it changed.
import { closeSync, fstatSync, openSync, readSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Low } from 'lowdb';
import type { Item } from '../core/model';
import { DurableFile, type Codec } from './adapter';
import { CoalescingWriter } from './coalesce';
import { DamageError, quarantineSync } from './damage';
import { Entry, type MemoryIndex } from './memory-index';
import {
  bodyLength, bodyOf, decodeHeadLine, decodeWhole, encodeBody, encodeBodyItem, encodeHead, flagsOf, parseBodyItem,
  BODY_OPEN, type BodyItem, type ShardHead,
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
  readonly writer: CoalescingWriter;
  private readonly db: Low<Uint8Array>;

  constructor(
    readonly feedId: string,
    readonly path: string,
    readonly name: string,
  ) {
    this.db = new Low<Uint8Array>(new DurableFile(path, bytesCodec, name), new Uint8Array());
    this.writer = new CoalescingWriter(() => {
      // Encoded when the write starts, so it carries every change made up to that moment.
      this.db.data = this.encode();
      return this.db.write();
    });
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
    const head: ShardHead = { ids: [], pub: [], flags: [], tagTable: [], tagN: [], tagIx: [], len: [], pruned: this.pruned };
    const tagIdx = new Map<string, number>();
    for (const e of this.entries) {
      head.ids.push(e.id);
      head.pub.push(e.pub);
      head.flags.push(flagsOf(e.read, e.starred));
      head.len!.push(e.len);
      head.tagN.push(e.tags.length);
      for (const t of e.tags) {
        let i = tagIdx.get(t);
        if (i === undefined) tagIdx.set(t, (i = head.tagTable.push(t) - 1));
        head.tagIx.push(i);
      }
    }
    return Buffer.concat([Buffer.from(encodeHead(this.feedId, head)), this.body]);
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
  const buf = { bytes: Buffer.allocUnsafe(64 * 1024) };
  for (const name of readdirSync(itemsDir)) {
    if (!name.endsWith('.json') || name.startsWith('.') || name.includes(TEMP_MARK)) continue;
    const feedId = name.slice(0, -'.json'.length);
    const shard = new Shard(feedId, join(itemsDir, name), `items/${name}`);
    try {
      load(shard, buf);
      shards.set(feedId, shard);
    } catch (err) {
      if (!(err instanceof DamageError)) throw err;
      notice(shard.name, `${err.message}; moved aside to ${quarantineSync(shard.path, now())}`);
      continue;
    }
    index.addShard(feedId, shard.entries);
  }
  return shards;
}

/** Fast path: read the head line only, and check the file's length against it; else parse it whole. */
function load(shard: Shard, buf: { bytes: Buffer }): void {
  const fd = openSync(shard.path, 'r');
  let size: number;
  let got = 0;
  let nl = -1;
  try {
    size = fstatSync(fd).size;
    for (;;) {
      if (got === buf.bytes.length) buf.bytes = Buffer.concat([buf.bytes, Buffer.allocUnsafe(buf.bytes.length)]);
      const n = readSync(fd, buf.bytes, got, buf.bytes.length - got, got);
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
    let parsed: { feedId: string; head: ShardHead } | undefined;
    try {
      parsed = decodeHeadLine(b.toString('utf8', 0, nl - 1), shard.name);
    } catch {
      parsed = undefined;
    }
    if (parsed?.head.len && size === nl + 1 + bodyLength(parsed.head.len)) {
      check(parsed.feedId, shard);
      fill(shard, parsed.head, undefined);
      shard.bodyOnDisk = nl + 1;
      return;
    }
  }
  // Slow path: hand-edited, an older version, or damaged: parse it whole (DamageError if bad).
  const whole = decodeWhole(readFileSync(shard.path, 'utf8'), shard.name);
  check(whole.feedId, shard);
  fill(shard, whole.head, whole.body);
  shard.bodyDirty = true;
}

function check(feedId: string, shard: Shard): void {
  if (feedId !== shard.feedId) throw new DamageError(shard.name, `it holds feed ${feedId}, not ${shard.feedId}`);
}

function fill(shard: Shard, head: ShardHead, body: BodyItem[] | undefined): void {
  const { tagTable, tagN, tagIx } = head;
  // Items of a feed mostly share a few tag sets: one array per distinct set (entries never mutate it).
  const shared = new Map<string, readonly string[]>();
  let k = 0;
  let at = BODY_OPEN.length;
  for (let i = 0; i < head.ids.length; i++) {
    const n = tagN[i]!;
    let tags: readonly string[] = NO_TAGS;
    if (n > 0) {
      const key = tagIx.slice(k, k + n).join(',');
      let t = shared.get(key);
      if (!t) {
        const list: string[] = [];
        for (let j = 0; j < n; j++) {
          const tag = tagTable[tagIx[k + j]!]!;
          if (!list.includes(tag)) list.push(tag);
        }
        shared.set(key, (t = list));
      }
      tags = t;
    }
    k += n;
    const flags = head.flags[i]!;
    const e = new Entry(head.ids[i]!, shard.feedId, head.pub[i]!, (flags & 1) !== 0, (flags & 2) !== 0, tags);
    if (body) {
      e.item = { id: e.id, feedId: shard.feedId, ...body[i]!, read: e.read, starred: e.starred, tags: [...tags] } as Item;
      e.dirty = true;
    } else {
      e.at = at;
      e.len = head.len![i]!;
      at += e.len + 1;
    }
    shard.entries.push(e);
  }
  shard.pruned = head.pruned;
}

const NO_TAGS: readonly string[] = [];
