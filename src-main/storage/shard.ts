// The items/<feedId>.json format. Line one (the head) holds what every item needs at open: ids,
// dates, read/starred, tags, and the byte length of each item's text. Line two (the body) holds
// the texts (titles, summaries, links) one JSON object per item, so one item can be parsed without
// the rest, and an unchanged item is written back byte for byte. Together the two lines are one
// ordinary JSON document, so a hand-edited (even re-indented) file still loads, by the slow path.
// Since version 3 the head's number columns (dates, flags, text lengths, tag sets) are one base64
// string of little-endian binary: decoding it is one native call, where parsing 100,000 items'
// numbers as JSON took most of the open. Versions 1 and 2 (number lists) are still read, and
// rewritten in version 3 after open (migrate.ts, upgradeItemFiles).
import type { Item } from '../core/model';
import { DamageError, parseJsonText } from './damage';

export const ITEMS_FORMAT = 'tidings-items';
export const ITEMS_VERSION = 3;

/** ShardHead: a decoded head, column by column (any version), plus the remembered state of pruned items. A version 3 head's number columns are valid only until the next head is decoded. */
export interface ShardHead {
  ids: readonly string[];
  /** published, ms since the epoch. */
  pub: ArrayLike<number>;
  /** bit 0 read, bit 1 starred. */
  flags: ArrayLike<number>;
  tagTable: readonly string[];
  /** The distinct tag sets of the items, as indexes of tagTable. */
  tagSets: readonly (readonly number[])[];
  /** Per item, its index in tagSets. */
  tagSet: ArrayLike<number>;
  /** Per item, the byte length of its text in the body (absent in version 1 files). */
  len?: ArrayLike<number>;
  /** Pruned item id → flags, so a pruned item that the feed still carries keeps its state. */
  pruned: Record<string, number>;
}

/** HeadRow: one item's state as the head keeps it. */
export interface HeadRow {
  id: string;
  pub: number;
  flags: number;
  tags: readonly string[];
  len: number;
}

/** BodyItem: the text of one item — the Item fields kept in an items file's second line. */
export type BodyItem = Pick<
  Item,
  'guid' | 'link' | 'title' | 'author' | 'published' | 'dateGuessed' | 'fetched' | 'summary' | 'categories' | 'userTags' | 'enclosures'
>;

/** BODY_OPEN: how the body line starts; item texts follow, comma-separated, then BODY_CLOSE. */
export const BODY_OPEN = Buffer.from('"body":[');
const BODY_CLOSE = Buffer.from(']}\n');
const COMMA = Buffer.from(',');

/** flagsOf: an item's read/starred state as shard flags. */
export function flagsOf(read: boolean, starred: boolean): number {
  return (read ? 1 : 0) | (starred ? 2 : 0);
}

/** bodyLength: the byte length of a body line whose items have these lengths. */
export function bodyLength(len: ArrayLike<number>): number {
  let n = BODY_OPEN.length + BODY_CLOSE.length + Math.max(0, len.length - 1);
  for (let i = 0; i < len.length; i++) n += len[i]!;
  return n;
}

/** decodeHeadLine: the head line's text (without its trailing comma) → feedId, head and format version. */
export function decodeHeadLine(text: string, file: string): DecodedHead {
  return decodeHeadJson(`${text}}`, file);
}

/** DecodedHead: what a head line holds. */
export interface DecodedHead {
  feedId: string;
  head: ShardHead;
  version: number;
}

/** decodeHeadJson: the head line closed into a JSON object (its trailing comma made a brace) → feedId, head and version. */
export function decodeHeadJson(json: string, file: string): DecodedHead {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (err) {
    throw new DamageError(file, `the item state is not valid JSON: ${(err as Error).message}`);
  }
  return checkHead(doc, file);
}

/** decodeWhole: a whole shard file parsed at once (the slow path) → head and every item's text. */
export function decodeWhole(text: string, file: string): DecodedHead & { body: BodyItem[] } {
  const doc = parseJsonText(text, file);
  const decoded = checkHead(doc, file);
  const body = (doc as { body?: unknown }).body;
  const n = decoded.head.ids.length;
  if (!Array.isArray(body) || body.length !== n) {
    throw new DamageError(file, `the item text does not match the item state (${n} items expected)`);
  }
  return { ...decoded, body: body.map((b) => checkBodyItem(b, file)) };
}

/** parseBodyItem: one item's text from the body bytes. */
export function parseBodyItem(body: Buffer, at: number, len: number, file: string): BodyItem {
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8', at, at + len));
  } catch (err) {
    throw new DamageError(file, `an item's text is not valid JSON: ${(err as Error).message}`);
  }
  return checkBodyItem(v, file);
}

/** encodeHead: line one of a shard file, in the current version, for these rows in file order (ends with a comma and a newline). */
export function encodeHead(feedId: string, rows: readonly HeadRow[], pruned: Record<string, number>): string {
  const n = rows.length;
  const tagTable: string[] = [];
  const tagIdx = new Map<string, number>();
  const tagSets: number[][] = [];
  const setIdx = new Map<string, number>();
  const cols = new ArrayBuffer(n * COL_BYTES);
  const pub = new Float64Array(cols, 0, n);
  const len = new Uint32Array(cols, 8 * n, n);
  const set = new Uint32Array(cols, 12 * n, n);
  const flags = new Uint8Array(cols, 16 * n, n);
  rows.forEach((r, i) => {
    const ix = r.tags.map((t) => {
      let k = tagIdx.get(t);
      if (k === undefined) tagIdx.set(t, (k = tagTable.push(t) - 1));
      return k;
    });
    const key = ix.join(',');
    let si = setIdx.get(key);
    if (si === undefined) setIdx.set(key, (si = tagSets.push(ix) - 1));
    pub[i] = r.pub;
    len[i] = r.len;
    set[i] = si;
    flags[i] = r.flags;
  });
  const head = { ids: rows.map((r) => r.id), tagTable, tagSets, cols: toLittleEndian(cols, n).toString('base64'), pruned };
  return `${JSON.stringify({ format: ITEMS_FORMAT, version: ITEMS_VERSION, feedId, head }).slice(0, -1)},\n`;
}

/** encodeBody: line two of a shard file from its items' encoded texts, and where each one starts. */
export function encodeBody(parts: readonly Uint8Array[]): { body: Buffer; at: number[] } {
  const chunks: Uint8Array[] = [BODY_OPEN];
  const at: number[] = [];
  let pos = BODY_OPEN.length;
  parts.forEach((p, i) => {
    if (i > 0) {
      chunks.push(COMMA);
      pos += 1;
    }
    at.push(pos);
    chunks.push(p);
    pos += p.length;
  });
  chunks.push(BODY_CLOSE);
  return { body: Buffer.concat(chunks), at };
}

/** encodeBodyItem: one item's text as bytes. */
export function encodeBodyItem(b: BodyItem): Buffer {
  return Buffer.from(JSON.stringify(b));
}

/** bodyOf: the text part of an item. */
export function bodyOf(it: Item): BodyItem {
  const b: BodyItem = { title: it.title, published: it.published, fetched: it.fetched, summary: it.summary, categories: it.categories };
  if (it.guid !== undefined) b.guid = it.guid;
  if (it.link !== undefined) b.link = it.link;
  if (it.author !== undefined) b.author = it.author;
  if (it.dateGuessed) b.dateGuessed = true;
  if (it.userTags) b.userTags = it.userTags;
  if (it.enclosures?.length) b.enclosures = it.enclosures;
  return b;
}

/** encodeItems: a whole shard file for a feed's items. */
export function encodeItems(feedId: string, items: readonly Item[], pruned: Record<string, number> = {}): Buffer {
  const parts = items.map((it) => encodeBodyItem(bodyOf(it)));
  const rows = items.map((it, i): HeadRow => ({ id: it.id, pub: parseDate(it.published), flags: flagsOf(it.read, it.starred), tags: it.tags, len: parts[i]!.length }));
  return Buffer.concat([Buffer.from(encodeHead(feedId, rows, pruned)), encodeBody(parts).body]);
}

/** parseDate: ISO date → ms, 0 when unusable (such items sort last, never get lost). */
export function parseDate(iso: string): number {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : 0;
}

// Bytes per item in the binary columns of a version 3 head: pub f64, len u32, tag set u32, flags u8.
const COL_BYTES = 17;
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The columns' bytes as written to disk (little-endian, whatever the host). */
function toLittleEndian(cols: ArrayBuffer, n: number): Buffer {
  const b = Buffer.from(cols);
  if (!HOST_LE) {
    b.subarray(0, 8 * n).swap64();
    b.subarray(8 * n, 16 * n).swap32();
  }
  return b;
}

// The columns are read into one buffer reused from file to file: they are copied into the entries
// right away, and a fresh buffer per file cost more than the decoding (allocation, GC pressure).
let scratch = Buffer.allocUnsafeSlow(64 * 1024);

/** Columns of n items decoded from their base64 text, or undefined if it does not hold exactly n items' worth. Valid until the next call. */
function columnsOf(text: string, n: number): { pub: Float64Array; len: Uint32Array; set: Uint32Array; flags: Uint8Array } | undefined {
  const size = n * COL_BYTES;
  // Room for what the text could decode to, so that a longer text shows as a wrong length rather than being cut.
  const room = Math.ceil((text.length * 3) / 4) + 4;
  if (scratch.length < Math.max(size, room)) scratch = Buffer.allocUnsafeSlow(Math.max(size, room, scratch.length * 2));
  if (scratch.write(text, 'base64') !== size) return undefined;
  const b = scratch;
  if (!HOST_LE) {
    b.subarray(0, 8 * n).swap64();
    b.subarray(8 * n, 16 * n).swap32();
  }
  const ab = b.buffer;
  const o = b.byteOffset;
  return { pub: new Float64Array(ab, o, n), len: new Uint32Array(ab, o + 8 * n, n), set: new Uint32Array(ab, o + 12 * n, n), flags: new Uint8Array(ab, o + 16 * n, n) };
}

// Plain loops: these checks run over every item of the library at open.
function isNums(a: unknown, n?: number): a is number[] {
  if (!Array.isArray(a) || (n !== undefined && a.length !== n)) return false;
  for (let i = 0; i < a.length; i++) {
    const x: unknown = a[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) return false;
  }
  return true;
}

function isStrings(a: unknown): a is string[] {
  if (!Array.isArray(a)) return false;
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== 'string') return false;
  return true;
}

const isIndex = (x: number, size: number) => Number.isInteger(x) && x >= 0 && x < size;

function checkHead(doc: unknown, file: string): DecodedHead {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new DamageError(file, 'not a JSON object');
  const d = doc as { format?: unknown; version?: unknown; feedId?: unknown; head?: Record<string, unknown> };
  if (d.format !== ITEMS_FORMAT) throw new DamageError(file, `not a Tidings items file (format ${String(d.format)})`);
  if (typeof d.version !== 'number' || d.version < 1 || d.version > ITEMS_VERSION || !Number.isInteger(d.version)) {
    throw new DamageError(file, `unknown items format version ${String(d.version)}`);
  }
  const version = d.version;
  if (typeof d.feedId !== 'string' || !d.feedId) throw new DamageError(file, 'no feedId');
  const h = d.head;
  const bad = (why: string) => new DamageError(file, `the item state has the wrong shape (${why})`);
  if (!h || typeof h !== 'object' || !isStrings(h.ids)) throw bad('ids');
  if (!isStrings(h.tagTable)) throw bad('tagTable');
  const ids = h.ids;
  const tagTable = h.tagTable;
  const n = ids.length;
  const pruned = h.pruned && typeof h.pruned === 'object' && !Array.isArray(h.pruned) ? (h.pruned as Record<string, number>) : {};
  if (version >= 3) {
    if (typeof h.cols !== 'string') throw bad('cols');
    const tagSets = h.tagSets;
    if (!Array.isArray(tagSets) || !tagSets.every((t) => isNums(t) && t.every((x) => isIndex(x, tagTable.length)))) throw bad('tagSets');
    const c = columnsOf(h.cols, n);
    if (!c) throw bad('cols');
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(c.pub[i]!)) throw bad('pub');
      if (c.set[i]! >= tagSets.length) throw bad('tagSet');
    }
    return { feedId: d.feedId, version, head: { ids, pub: c.pub, flags: c.flags, tagTable, tagSets: tagSets as number[][], tagSet: c.set, len: c.len, pruned } };
  }
  if (!isNums(h.pub, n)) throw bad('pub');
  if (!isNums(h.flags, n)) throw bad('flags');
  // Versions 1 and 2 listed each item's tag indexes (1: nested lists; 2: counts, then the indexes in a row).
  let lists: number[][];
  if (version === 1) {
    if (!Array.isArray(h.tags) || h.tags.length !== n || !h.tags.every((t) => isNums(t))) throw bad('tags');
    lists = h.tags as number[][];
  } else {
    if (!isNums(h.tagN, n) || !isNums(h.tagIx)) throw bad('tagN');
    const tagN = h.tagN;
    const tagIx = h.tagIx;
    lists = [];
    let k = 0;
    for (let i = 0; i < n; i++) {
      const c = tagN[i]!;
      if (!Number.isInteger(c) || c < 0 || k + c > tagIx.length) throw bad('tagN');
      lists.push(tagIx.slice(k, k + c));
      k += c;
    }
    if (k !== tagIx.length) throw bad('tagIx');
  }
  const tagSets: number[][] = [];
  const setIdx = new Map<string, number>();
  const tagSet = lists.map((l) => {
    if (!l.every((x) => isIndex(x, tagTable.length))) throw bad('tag index');
    const key = l.join(',');
    let si = setIdx.get(key);
    if (si === undefined) setIdx.set(key, (si = tagSets.push(l) - 1));
    return si;
  });
  const head: ShardHead = { ids, pub: h.pub, flags: h.flags, tagTable, tagSets, tagSet, pruned };
  if (version >= 2 && isNums(h.len, n) && h.len.every((x) => Number.isInteger(x) && x >= 0)) head.len = h.len;
  return { feedId: d.feedId, version, head };
}

function checkBodyItem(v: unknown, file: string): BodyItem {
  const b = v as Partial<BodyItem> | null;
  if (!b || typeof b !== 'object' || typeof b.title !== 'string' || typeof b.published !== 'string') {
    throw new DamageError(file, 'an item has no title or date');
  }
  b.summary ??= '';
  b.fetched ??= b.published;
  if (!Array.isArray(b.categories)) b.categories = [];
  return b as BodyItem;
}
