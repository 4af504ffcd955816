// The CPU-bound part of ingesting one fetched feed (decode → parse → per item: fingerprint,
// plain text, rule tags, sanitized HTML), as a pure function of plain data so that it can run
// in a worker thread (digest-pool.ts) while the main thread keeps the UI and the store going.
import type { ParsedFeed, ParsedItem, TagRule } from './model';
import { decodeBody } from './encoding';
import { sourceHashOf } from './merge';
import { parseFeedIncremental, type EntryIndex } from './parser';
import { sanitizeHtml, sanitizeWithText } from './sanitizer';
import { computeTags } from './tags';
import { htmlToText } from './text';

export interface DigestInput {
  body: Uint8Array;
  contentType?: string;
  finalUrl: string;
  feedId: string;
  /** The feed's stored address (tag rules may name it). */
  feedUrl: string;
  rules: readonly TagRule[];
  /** Fingerprints of the items already stored for this feed: those items are not digested again. */
  known?: readonly string[];
  /** Entries parsed on an earlier refresh of this feed (and stored since): left out of the parse when their bytes and context are unchanged. */
  knownEntries?: { context: string; hashes: readonly string[] };
}

export interface DigestedItem {
  item: ParsedItem;
  sourceHash: string;
  /** Absent when the item's fingerprint was known (nothing to redo unless it belongs to another id). */
  digest?: {
    /** The content (or summary) as plain text. */
    text: string;
    /** Tags from categories, rules and the year, before the reader's own additions and removals. */
    tags: string[];
    /** Sanitized content, when the item has content. */
    html?: string;
  };
}

export interface Digest {
  encoding: string;
  feed: Omit<ParsedFeed, 'items'>;
  items: DigestedItem[];
  /** The document's entries; when it lists more than `items`, the others were known and not parsed. */
  entries?: EntryIndex;
}

/** digestFeed: a fetched feed body → its parsed, fingerprinted, tagged and sanitized items (only fingerprinted with parseOnly); throws the parser's errors. */
export function digestFeed(input: DigestInput, sanitize: (html: string, baseUrl: string) => string = sanitizeHtml, opts: { parseOnly?: boolean } = {}): Digest {
  const { text, encoding } = decodeBody(Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength), input.contentType);
  const known = new Set(input.known);
  const skip = input.knownEntries && { context: input.knownEntries.context, hashes: new Set(input.knownEntries.hashes) };
  const {
    feed: { items, ...feed },
    entries,
  } = parseFeedIncremental(text, input.finalUrl, skip);
  return {
    encoding,
    feed,
    ...(entries && { entries }),
    items: items.map((item): DigestedItem => {
      const sourceHash = sourceHashOf(item);
      if (opts.parseOnly || known.has(sourceHash)) return { item, sourceHash };
      return { item, sourceHash, digest: digestItem(item, input, sanitize) };
    }),
  };
}

/** digestItem: one parsed item's plain text, rule tags and sanitized HTML. */
export function digestItem(item: ParsedItem, where: Pick<DigestInput, 'feedId' | 'feedUrl' | 'rules'>, sanitize: (html: string, baseUrl: string) => string = sanitizeHtml): NonNullable<DigestedItem['digest']> {
  let html: string | undefined;
  let text: string | undefined;
  if (item.content) {
    const base = item.contentBase ?? item.link ?? where.feedUrl;
    // The sanitizer's fast path reads the text on the same pass (equal to htmlToText's).
    if (sanitize === sanitizeHtml) ({ html, text } = sanitizeWithText(item.content, base));
    else html = sanitize(item.content, base);
  }
  text ??= htmlToText(item.content ?? item.summary ?? '');
  const tags = computeTags(
    { title: item.title, text, categories: item.categories, ...(item.published && { published: item.published }), feedId: where.feedId, feedUrl: where.feedUrl },
    where.rules,
  );
  return { text, tags, ...(html !== undefined && { html }) };
}

/** forTransfer: a digest without what the main thread will not read — the raw content of items already digested (identity needs it only for items with neither guid nor link). */
export function forTransfer(d: Digest): Digest {
  return {
    ...d,
    items: d.items.map((x) => {
      if (!x.digest || x.item.content === undefined || (!x.item.guid && !x.item.link)) return x;
      const { content: _raw, ...item } = x.item;
      return { ...x, item };
    }),
  };
}
