// JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1) → ParsedFeed. Only named keys are read,
// from own properties, so `__proto__` and friends in a hostile document go nowhere.
import type { Enclosure, ParsedFeed, ParsedItem } from './model';
import { parseDate } from './dates';
import { absolute } from './parser-xml';
import { htmlToText } from './text';

type Obj = Record<string, unknown>;

/** mapJsonFeed: a parsed JSON value → ParsedFeed, or undefined when it is not a JSON Feed. */
export function mapJsonFeed(doc: unknown, feedUrl: string): ParsedFeed | undefined {
  if (!isObj(doc)) return undefined;
  const version = str(doc, 'version');
  if (!version?.startsWith('https://jsonfeed.org/version/') && !Array.isArray(get(doc, 'items'))) return undefined;
  const site = absolute(str(doc, 'home_page_url'), feedUrl);
  const feedAuthor = authorOf(doc);
  const items = Array.isArray(get(doc, 'items')) ? (get(doc, 'items') as unknown[]).filter(isObj) : [];
  return {
    format: 'json',
    title: (str(doc, 'title') ?? '').trim(),
    ...(site && { link: site }),
    ...opt('description', str(doc, 'description')),
    ...opt('icon', absolute(str(doc, 'icon') ?? str(doc, 'favicon'), feedUrl)),
    items: items.map((it) => mapItem(it, feedUrl, feedAuthor)),
  };
}

function mapItem(it: Obj, feedUrl: string, feedAuthor: string | undefined): ParsedItem {
  const rawId = get(it, 'id');
  const id = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId).trim() : undefined;
  const link = absolute(str(it, 'url') ?? str(it, 'external_url'), feedUrl);
  const html = str(it, 'content_html');
  const textBody = str(it, 'content_text');
  const content = html ?? (textBody !== undefined ? escapeText(textBody) : undefined);
  const summary = str(it, 'summary');
  const tags = get(it, 'tags');
  const enclosures: Enclosure[] = [];
  const attachments = get(it, 'attachments');
  for (const a of Array.isArray(attachments) ? attachments.filter(isObj) : []) {
    const url = absolute(str(a, 'url'), feedUrl);
    const size = get(a, 'size_in_bytes');
    if (url) enclosures.push({ url, ...opt('type', str(a, 'mime_type')), ...(typeof size === 'number' && size > 0 && { length: size }) });
  }
  return {
    ...opt('guid', id || undefined),
    ...opt('link', link),
    title: htmlToText(str(it, 'title') ?? ''),
    ...opt('author', authorOf(it) ?? feedAuthor),
    ...opt('published', parseDate(str(it, 'date_published')) ?? parseDate(str(it, 'date_modified'))),
    ...opt('summary', summary ? htmlToText(summary, 300) : undefined),
    ...opt('content', content),
    contentBase: link ?? feedUrl,
    categories: Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string' && t.trim() !== '') : [],
    enclosures,
  };
}

function authorOf(o: Obj): string | undefined {
  const authors = get(o, 'authors');
  const first = Array.isArray(authors) ? authors.find(isObj) : get(o, 'author');
  return isObj(first) ? str(first, 'name')?.trim() || undefined : undefined;
}

function escapeText(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;')).replace(/\n/g, '<br>');
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function get(o: Obj, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

function str(o: Obj, key: string): string | undefined {
  const v = get(o, key);
  return typeof v === 'string' ? v : undefined;
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
