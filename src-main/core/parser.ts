// Feed text → ParsedFeed (issue 3 §3): JSON Feed by our adapter, RSS/RDF/Atom through
// rss-parser's parseString (parser-tree.ts) and our mapping (parser-xml.ts). Hostile XML is
// refused before parsing; broken XML gets a second, lenient pass before we give up.
import type { ParsedFeed } from './model';
import { mapJsonFeed } from './json-feed';
import { readXmlTree, type XmlNode } from './parser-tree';
import { child, resolveTree } from './parser-xml';
import { atomFeedAuthor, mapAtom } from './parser-atom';
import { chunkHash, splitEntries, type EntrySplit } from './entry-chunks';
import { mapRss } from './parser-rss';
import iconv from 'iconv-lite';

/** ParseError: a document that is no usable feed; `webPage` marks an HTML page (run discovery). */
export class ParseError extends Error {
  constructor(message: string, readonly webPage = false) {
    super(message);
    this.name = 'ParseError';
  }
}

export const WEB_PAGE_MESSAGE = 'parser: this address returned a web page, not a feed';
const MAX_TEXT = 64 * 1024 * 1024;

/** parseFeed: decoded feed text (RSS 0.9x–2.0, RDF, Atom 0.3/1.0, JSON Feed) → ParsedFeed; throws ParseError. */
export function parseFeed(text: string, feedUrl: string): ParsedFeed {
  return parseFeedIncremental(text, feedUrl).feed;
}

/** KnownEntries: entry fingerprints from an earlier parse of the same feed (EntryIndex), and the context they were parsed in. */
export interface KnownEntries {
  context: string;
  hashes: ReadonlySet<string>;
}

/** EntryIndex: every entry of a document by fingerprint (document order), and which ones `feed.items` holds. */
export interface EntryIndex {
  /** What the entries' parse depends on outside them (addresses, namespaces, the feed-level author): entries are only skipped under an equal one. */
  context: string;
  hashes: string[];
  /** For each parsed item, the index of its entry in `hashes`. */
  parsed: number[];
}

/** parseFeedIncremental: parseFeed, leaving out the entries `known` lists when the document allows (their bytes are unchanged and so is their context); `entries` is set when the items could be matched to the document's entries. */
export function parseFeedIncremental(text: string, feedUrl: string, known?: KnownEntries): { feed: ParsedFeed; entries?: EntryIndex } {
  if (text.length > MAX_TEXT) throw new ParseError('parser: the document is too large');
  const body = text.replace(/^[\uFEFF\s]+/, '');
  if (!body) throw new ParseError('parser: the document is empty');
  if (body.startsWith('{') || body.startsWith('[')) return { feed: parseJson(body, feedUrl) };
  if (looksLikeHtmlPage(body)) throw new ParseError(WEB_PAGE_MESSAGE, true);
  if (!body.startsWith('<')) throw new ParseError(`parser: not a feed (the document starts with "${body.slice(0, 20).replace(/\s+/g, ' ')}")`);
  const xml = prepareXml(body);
  const ws = XHTML_HINT.test(xml);
  const split = splitEntries(xml);
  const hashes = split?.chunks.map(([a, b]) => chunkHash(xml.slice(a, b)));
  if (split && hashes && known?.hashes.size && hashes.some((h) => known.hashes.has(h))) {
    const partial = parseWithout(xml, split, hashes, known, feedUrl, ws);
    if (partial) return partial;
  }
  const { root, strict } = readTree(xml, ws);
  if (/^(\w+:)?html$/i.test(root.name)) throw new ParseError(WEB_PAGE_MESSAGE, true);
  const mapped = mapXmlFeedWithContext(root, feedUrl);
  if (!mapped) throw new ParseError(`parser: not a feed (root element <${root.name}>)`);
  const { feed, itemContext } = mapped;
  // Items are matched to entries by position, so only a strict parse that found every entry counts.
  if (!split || !hashes || !strict || feed.items.length !== hashes.length) return { feed };
  return { feed, entries: { context: contextOf(split, feedUrl, ws, itemContext), hashes, parsed: hashes.map((_, k) => k) } };
}

// The document without the known entries, parsed strictly; undefined when that cannot stand in for the whole.
function parseWithout(xml: string, split: EntrySplit, hashes: string[], known: KnownEntries, feedUrl: string, ws: boolean): { feed: ParsedFeed; entries: EntryIndex } | undefined {
  const parts: string[] = [];
  const parsed: number[] = [];
  let from = 0;
  split.chunks.forEach(([a, b], k) => {
    if (!known.hashes.has(hashes[k]!)) {
      parsed.push(k);
      return;
    }
    parts.push(xml.slice(from, a));
    from = b;
  });
  parts.push(xml.slice(from));
  let root: XmlNode;
  try {
    root = readXmlTree(parts.join(''), true, ws, false).root;
  } catch {
    return undefined;
  }
  const mapped = mapXmlFeedWithContext(root, feedUrl);
  if (!mapped || mapped.feed.items.length !== parsed.length) return undefined;
  const context = contextOf(split, feedUrl, ws, mapped.itemContext);
  return context === known.context ? { feed: mapped.feed, entries: { context, hashes, parsed } } : undefined;
}

function contextOf(split: EntrySplit, feedUrl: string, ws: boolean, itemContext: string): string {
  return chunkHash([feedUrl, ws ? 'ws' : '', split.rootTag, split.parentTag, itemContext].join('\u0000'));
}

/** mapXmlFeed: an element tree → ParsedFeed, or undefined when its root is no feed. */
export function mapXmlFeed(root: XmlNode, feedUrl: string): ParsedFeed | undefined {
  return mapXmlFeedWithContext(root, feedUrl)?.feed;
}

// itemContext: what the items' mapping takes from the feed level (RSS: the site address links
// resolve against; Atom: the author entries inherit).
function mapXmlFeedWithContext(root: XmlNode, feedUrl: string): { feed: ParsedFeed; itemContext: string } | undefined {
  const doc = resolveTree(root, feedUrl);
  if (doc.key === 'feed' || doc.key === 'entry') return { feed: mapAtom(doc, feedUrl), itemContext: atomFeedAuthor(doc) ?? '' };
  if (doc.key === 'rss') {
    // Items outside the channel, or no channel at all, happen in the wild; take what is there.
    const channel = child(doc, 'channel') ?? doc;
    const items = channel.kids.filter((k) => k.key === 'item');
    if (channel !== doc) items.push(...doc.kids.filter((k) => k.key === 'item'));
    const feed = mapRss(channel, items, 'rss');
    return { feed, itemContext: feed.link ?? '' };
  }
  if (doc.key === 'rdf:rdf' || doc.key === 'channel') {
    const channel = child(doc, 'channel') ?? doc;
    const items = doc.kids.filter((k) => k.key === 'item');
    // RSS 1.1 wraps items in <items>; some RDF feeds nest them in the channel.
    for (const holder of [child(doc, 'items'), channel === doc ? undefined : channel]) {
      if (holder) items.push(...holder.kids.filter((k) => k.key === 'item'));
    }
    const feed = mapRss(channel, items, 'rdf');
    return { feed, itemContext: feed.link ?? '' };
  }
  return undefined;
}

function parseJson(body: string, feedUrl: string): ParsedFeed {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (e) {
    throw new ParseError(`parser: invalid JSON (${(e as Error).message})`);
  }
  const feed = mapJsonFeed(doc, feedUrl);
  if (!feed) throw new ParseError('parser: this JSON document is not a JSON Feed');
  return feed;
}

function looksLikeHtmlPage(body: string): boolean {
  const head = body.slice(0, 2048).replace(/<!--[\s\S]*?-->/g, '').replace(/<\?xml[^>]*\?>/, '').trimStart();
  if (!/^<!doctype\s+html/i.test(head) && !/^<html[\s>]/i.test(head)) return false;
  // An XHTML DOCTYPE in front of a feed root is a feed with a stray header.
  return !/<(rss|feed|rdf:RDF)[\s>]/.test(body.slice(0, 65536));
}

/** Refuses entity tricks (XXE, billion laughs) and strips characters XML forbids. */
function prepareXml(body: string): string {
  // Only a DOCTYPE in the prolog counts: "<!DOCTYPE" inside a CDATA section is content.
  const doctype = /^(?:\s*(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->))*\s*(<!DOCTYPE[^[>]*(\[[\s\S]*?\]\s*)?>)/i.exec(body.slice(0, 65536));
  let xml = body;
  if (doctype) {
    const subset = doctype[2] ?? '';
    const start = doctype.index + doctype[0].length - doctype[1]!.length;
    const rest = xml.slice(doctype.index + doctype[0].length);
    const used = (name: string) => rest.includes(`&${name};`);
    const entities = new Map<string, string>();
    for (const m of subset.matchAll(/<!ENTITY\s+(%\s+)?([\w.:-]+)\s+([^>]*)>/gi)) {
      const [, param, name, def] = m;
      if (param || !used(name!)) continue;
      if (/^(SYSTEM|PUBLIC)\b/i.test(def!)) throw new ParseError(`parser: refused a document that uses an external entity (&${name};)`);
      const value = /^(["'])([^]*?)\1/.exec(def!.trim())?.[2] ?? '';
      if (/[&%][\w.:-]+;/.test(value)) throw new ParseError('parser: refused a document whose entities expand other entities (entity bomb)');
      entities.set(name!, value.replace(/</g, '&lt;'));
    }
    // The DOCTYPE goes: sax never expands it anyway, and simple internal entities go in by hand.
    xml = xml.slice(0, start) + rest;
    if (entities.size) xml = xml.replace(/&([\w.:-]+);/g, (all, name: string) => entities.get(name) ?? all);
  }
  // Characters XML 1.0 forbids (C0 controls, U+FFFE/FFFF) appear in real feeds; they carry nothing.
  // C1 controls (raw or as &#128;–&#159;) are windows-1252 text mislabelled, as browsers assume.
  // Most documents have none: one scan to tell, instead of three replacing passes.
  if (!SUSPECT_CHARS.test(xml)) return xml;
  return xml
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[\u0080-\u009F]/g, (c) => cp1252(c.charCodeAt(0)))
    .replace(/&#(1[2-5]\d);|&#x([89][0-9a-f]);/gi, (all, dec: string | undefined, hex: string | undefined) => {
      const code = dec ? Number(dec) : parseInt(hex!, 16);
      return code >= 0x80 && code <= 0x9f ? cp1252(code) : all;
    });
}

const SUSPECT_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\u0080-\u009F]|&#(1[2-5]\d);|&#x[89][0-9a-f];/i;

function cp1252(code: number): string {
  return iconv.decode(Buffer.from([code]), 'windows-1252');
}

const XHTML_HINT = /type=["'](xhtml|application\/xhtml\+xml)["']|mode=["']xml["']|1999\/xhtml/i;

function readTree(xml: string, ws: boolean): { root: XmlNode; strict: boolean } {
  let firstError: Error | undefined;
  try {
    return { root: readXmlTree(xml, true, ws, false).root, strict: true };
  } catch {
    // Again, counting lines, for a message that says where.
    try {
      return { root: readXmlTree(xml, true, ws).root, strict: true };
    } catch (e) {
      firstError = e as Error;
    }
  }
  // Trailing garbage after the root is common (ads, PHP warnings): cut it and retry strictly.
  const cut = /<\/(rss|feed|rdf:RDF|RDF)\s*>/gi;
  let last: RegExpExecArray | null = null;
  for (let m = cut.exec(xml); m; m = cut.exec(xml)) last = m;
  if (last && last.index + last[0].length < xml.trimEnd().length) {
    try {
      return { root: readXmlTree(xml.slice(0, last.index + last[0].length), true, ws).root, strict: false };
    } catch {
      // fall through to the lenient pass
    }
  }
  try {
    return { root: readXmlTree(xml, false, ws).root, strict: false };
  } catch {
    // A truncated download or a missing end tag: close what is open and keep what was read.
    try {
      return { root: readXmlTree(closeOpenElements(xml), false, ws).root, strict: false };
    } catch {
      throw new ParseError(`parser: not well-formed XML (${firstMessageLine(firstError)})`);
    }
  }
}

function firstMessageLine(e: Error | undefined): string {
  const lines = (e?.message ?? 'unknown error').split('\n');
  const where = lines.find((l) => l.startsWith('Line:'));
  return `${lines[0]}${where ? `, ${where.toLowerCase()}` : ''}`;
}

function closeOpenElements(xml: string): string {
  const body = xml.replace(/<[^>]*$/, '');
  const scan = body.replace(/<!\[CDATA\[[\s\S]*?(\]\]>|$)/g, '').replace(/<!--[\s\S]*?(-->|$)/g, '');
  const stack: string[] = [];
  for (const m of scan.matchAll(/<(\/?)([A-Za-z_][\w:.-]*)[^>]*?(\/?)>/g)) {
    const [, close, name, selfClosing] = m;
    if (selfClosing) continue;
    if (!close) stack.push(name!);
    else {
      const at = stack.lastIndexOf(name!);
      if (at >= 0) stack.length = at;
    }
  }
  return body + stack.reverse().map((n) => `</${n}>`).join('');
}
