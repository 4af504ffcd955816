// The items/<feedId>.json format. Line one (the head) holds what every item needs at open: ids,
// dates, read/starred, tags, and the byte length of each item's text. Line two (the body) holds
// the texts (titles, summaries, links) one JSON object per item, so one item can be parsed without
// the rest, and an unchanged item is written back byte for byte. Together the two lines are one
// ordinary JSON document, so a hand-edited (even re-indented) file still loads, by the slow path.
import type { Item } from '../core/model';
import { DamageError, parseJsonText } from './damage';

export const ITEMS_FORMAT = 'tidings-items';
export const ITEMS_VERSION = 2;

/** ShardHead: the per-item state, column by column, plus the remembered state of pruned items. */
export interface ShardHead {
  ids: string[];
  /** published, ms since the epoch. */
  pub: number[];
  /** bit 0 read, bit 1 starred. */
  flags: number[];
  tagTable: string[];
  /** Per item, how many tags it has; its tags are the next that many indexes of tagIx. */
  tagN: number[];
  tagIx: number[];
  /** Per item, the byte length of its text in the body (absent in version 1 files). */
  len?: number[];
  /** Pruned item id → flags, so a pruned item that the feed still carries keeps its state. */
  pruned: Record<string, number>;
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
export function bodyLength(len: readonly number[]): number {
  let n = BODY_OPEN.length + BODY_CLOSE.length + Math.max(0, len.length - 1);
  for (const l of len) n += l;
  return n;
}

/** decodeHeadLine: the head line's text (without its trailing comma) → feedId and head. */
export function decodeHeadLine(text: string, file: string): { feedId: string; head: ShardHead } {
  let doc: unknown;
  try {
    doc = JSON.parse(`${text}}`);
  } catch (err) {
    throw new DamageError(file, `the item state is not valid JSON: ${(err as Error).message}`);
  }
  return checkHead(doc, file);
}

/** decodeWhole: a whole shard file parsed at once (the slow path) → head and every item's text. */
export function decodeWhole(text: string, file: string): { feedId: string; head: ShardHead; body: BodyItem[] } {
  const doc = parseJsonText(text, file);
  const { feedId, head } = checkHead(doc, file);
  const body = (doc as { body?: unknown }).body;
  if (!Array.isArray(body) || body.length !== head.ids.length) {
    throw new DamageError(file, `the item text does not match the item state (${head.ids.length} items expected)`);
  }
  return { feedId, head, body: body.map((b) => checkBodyItem(b, file)) };
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

/** encodeHead: line one of a shard file (ends with a comma and a newline). */
export function encodeHead(feedId: string, head: ShardHead): string {
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
  const tagTable: string[] = [];
  const tagIdx = new Map<string, number>();
  const head: ShardHead = { ids: [], pub: [], flags: [], tagTable, tagN: [], tagIx: [], len: parts.map((p) => p.length), pruned };
  for (const it of items) {
    head.ids.push(it.id);
    head.pub.push(parseDate(it.published));
    head.flags.push(flagsOf(it.read, it.starred));
    head.tagN.push(it.tags.length);
    for (const t of it.tags) {
      let i = tagIdx.get(t);
      if (i === undefined) tagIdx.set(t, (i = tagTable.push(t) - 1));
      head.tagIx.push(i);
    }
  }
  return Buffer.concat([Buffer.from(encodeHead(feedId, head)), encodeBody(parts).body]);
}

/** parseDate: ISO date → ms, 0 when unusable (such items sort last, never get lost). */
export function parseDate(iso: string): number {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : 0;
}

const isNums = (a: unknown, n?: number): a is number[] =>
  Array.isArray(a) && (n === undefined || a.length === n) && a.every((x) => typeof x === 'number' && Number.isFinite(x));

function checkHead(doc: unknown, file: string): { feedId: string; head: ShardHead } {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new DamageError(file, 'not a JSON object');
  const d = doc as { format?: unknown; version?: unknown; feedId?: unknown; head?: Record<string, unknown> };
  if (d.format !== ITEMS_FORMAT) throw new DamageError(file, `not a Tidings items file (format ${String(d.format)})`);
  if (typeof d.version !== 'number' || d.version < 1 || d.version > ITEMS_VERSION) {
    throw new DamageError(file, `unknown items format version ${String(d.version)}`);
  }
  if (typeof d.feedId !== 'string' || !d.feedId) throw new DamageError(file, 'no feedId');
  const h = d.head;
  const bad = () => new DamageError(file, 'the item state has the wrong shape');
  if (!h || typeof h !== 'object' || !Array.isArray(h.ids) || !h.ids.every((x) => typeof x === 'string')) throw bad();
  const n = h.ids.length;
  if (!isNums(h.pub, n) || !isNums(h.flags, n) || !Array.isArray(h.tagTable) || !h.tagTable.every((x) => typeof x === 'string')) throw bad();
  let tagN: number[];
  let tagIx: number[];
  if (d.version === 1) {
    // Version 1 kept each item's tag indexes as a nested list.
    if (!Array.isArray(h.tags) || h.tags.length !== n || !h.tags.every((t) => isNums(t))) throw bad();
    tagN = (h.tags as number[][]).map((t) => t.length);
    tagIx = (h.tags as number[][]).flat();
  } else {
    if (!isNums(h.tagN, n) || !isNums(h.tagIx)) throw bad();
    tagN = h.tagN;
    tagIx = h.tagIx;
  }
  let total = 0;
  for (const k of tagN) total += k;
  if (total !== tagIx.length || !tagIx.every((i) => i >= 0 && i < (h.tagTable as string[]).length)) throw bad();
  const len = d.version >= 2 && isNums(h.len, n) ? h.len : undefined;
  const pruned = h.pruned && typeof h.pruned === 'object' && !Array.isArray(h.pruned) ? (h.pruned as Record<string, number>) : {};
  const head: ShardHead = { ids: h.ids as string[], pub: h.pub, flags: h.flags, tagTable: h.tagTable as string[], tagN, tagIx, pruned };
  if (len) head.len = len;
  return { feedId: d.feedId, head };
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
