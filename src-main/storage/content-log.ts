// The two forms of a feed's content on disk, as text: the snapshot content/<feedId>.json (one JSON
// document, the format content files always had) and the log content/<feedId>.jsonl appended to
// since (a header line, then one record per line, applied over the snapshot in order).
import { DamageError, parseJsonText } from './damage';

/** CONTENT_FORMAT: the format name of a snapshot. */
export const CONTENT_FORMAT = 'tidings-content';
/** LOG_FORMAT: the format name in a log's header line. */
export const LOG_FORMAT = 'tidings-content-log';
/** LOG_HEADER: the first line of every log (without its newline). */
export const LOG_HEADER = JSON.stringify({ format: LOG_FORMAT, version: 1 });

/** ContentDoc: every text of one feed, as a snapshot holds it and as the log's records build it. */
export interface ContentDoc {
  format: string;
  version: number;
  items: Record<string, string>;
  full?: Record<string, string>;
  /** Why the last attempt to fetch an item's full article failed (cleared by a success). */
  fullErrors?: Record<string, string>;
}

/**
 * ContentRecord: one change in the log. 'i' sets the feed's text of an item, 'f' its full article
 * (which clears a fetch error), 'e' why fetching the full article failed (the article fetched
 * before stays), 'd' removes the item with all its texts. Replaying records over a state they were
 * already applied to changes nothing: each sets or clears values regardless of what was there.
 */
export type ContentRecord = ['i' | 'f' | 'e', string, string] | ['d', string];

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** emptyDoc: the content of a feed with no texts. */
export function emptyDoc(): ContentDoc {
  return { format: CONTENT_FORMAT, version: 1, items: {} };
}

/** decodeSnapshot: a snapshot's text → its document; damage (bad JSON, wrong shape) throws DamageError. */
export function decodeSnapshot(text: string, file: string): ContentDoc {
  const d = parseJsonText(text, file) as Partial<ContentDoc>;
  const maps = [d.items, d.full, d.fullErrors];
  if (d.format !== CONTENT_FORMAT || !isMap(d.items) || maps.some((m) => m !== undefined && !isMap(m))) {
    throw new DamageError(file, 'not a Tidings content file');
  }
  if (maps.some((m) => m && Object.values(m).some((v) => typeof v !== 'string'))) throw new DamageError(file, 'a text is not a string');
  return d as ContentDoc;
}

/** encodeSnapshot: a document → snapshot text. */
export function encodeSnapshot(doc: ContentDoc): string {
  return JSON.stringify(doc);
}

/** encodeRecords: records → log lines, each ending in a newline. */
export function encodeRecords(records: readonly ContentRecord[]): string {
  let out = '';
  for (const r of records) out += JSON.stringify(r) + '\n';
  return out;
}

/** decodeRecord: one log line → its record, or undefined when it is not one. */
export function decodeRecord(line: string): ContentRecord | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!Array.isArray(v) || typeof v[1] !== 'string') return undefined;
  if (v[0] === 'd') return v.length === 2 ? ['d', v[1]] : undefined;
  if ((v[0] === 'i' || v[0] === 'f' || v[0] === 'e') && v.length === 3 && typeof v[2] === 'string') return [v[0], v[1], v[2]];
  return undefined;
}

/** isHeaderLine: whether a line is a log header this version can read. */
export function isHeaderLine(line: string): boolean {
  try {
    const h = JSON.parse(line) as { format?: unknown; version?: unknown };
    return isMap(h) && h.format === LOG_FORMAT && h.version === 1;
  } catch {
    return false;
  }
}

/** isSoundLine: whether a complete line of a log (the header or a record) is readable; a log ending in one needs no repair. */
export function isSoundLine(line: string): boolean {
  return decodeRecord(line) !== undefined || isHeaderLine(line);
}

/** ParsedLog: what a log holds, and why some of it could not be read. */
export interface ParsedLog {
  records: ContentRecord[];
  /** A torn last line (a write that never completed) was left out. */
  torn: boolean;
  /** Set when a line before the last is unreadable: the damage, the rest of the records kept. */
  damage?: string;
}

/**
 * parseLog: a log's text → its records. The last line, when incomplete (no newline) or unreadable,
 * is a torn write and is left out silently; an unreadable line before it is damage, reported with
 * every other record kept. A first line naming another format or a newer version throws DamageError.
 */
export function parseLog(text: string, file: string): ParsedLog {
  const lines = text.split('\n');
  // What follows the last newline ('' when the log ends in one) is a write cut short.
  let torn = lines.pop() !== '';
  const records: ContentRecord[] = [];
  const bad: number[] = [];
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const last = n === lines.length - 1;
    if (n === 0) {
      if (isHeaderLine(line)) continue;
      if (last) {
        torn = true;
        continue;
      }
      let h: unknown;
      try {
        h = JSON.parse(line);
      } catch {
        h = undefined;
      }
      if (isMap(h) && typeof h.format === 'string') throw new DamageError(file, h.format === LOG_FORMAT ? `log version ${String(h.version)} is not one this Tidings reads` : 'not a Tidings content log');
      bad.push(n + 1);
      continue;
    }
    const r = decodeRecord(line);
    if (r) records.push(r);
    else if (last) torn = true;
    else bad.push(n + 1);
  }
  const damage = bad.length ? `${bad.length === 1 ? 'line' : 'lines'} ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', …' : ''} unreadable` : undefined;
  return { records, torn, ...(damage && { damage }) };
}

/** applyRecord: apply one record to a document, in place. */
export function applyRecord(doc: ContentDoc, r: ContentRecord): void {
  const id = r[1];
  switch (r[0]) {
    case 'i':
      doc.items[id] = r[2];
      break;
    case 'f':
      (doc.full ??= {})[id] = r[2];
      if (doc.fullErrors) delete doc.fullErrors[id];
      break;
    case 'e':
      (doc.fullErrors ??= {})[id] = r[2];
      break;
    case 'd':
      delete doc.items[id];
      if (doc.full) delete doc.full[id];
      if (doc.fullErrors) delete doc.fullErrors[id];
      break;
  }
}

/** RECORD_WEIGHT: bytes a record adds beyond its id and text (brackets, quotes, kind, newline). */
const RECORD_WEIGHT = 12;

/** textWeight: about the bytes one text takes on disk (in the snapshot or as a log record). */
export function textWeight(id: string, text: string): number {
  return Buffer.byteLength(id) + Buffer.byteLength(text) + RECORD_WEIGHT;
}

/** docWeight: about the bytes a document's live texts take on disk. */
export function docWeight(doc: ContentDoc): number {
  let n = 0;
  for (const map of [doc.items, doc.full, doc.fullErrors]) {
    if (map) for (const id in map) n += textWeight(id, map[id]!);
  }
  return n;
}
