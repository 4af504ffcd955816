// Atom 1.0 and 0.3 feeds and entry documents → ParsedFeed (text constructs: text, html, xhtml, base64).
import type { Enclosure, ParsedFeed, ParsedItem } from './model';
import { htmlToText, truncate } from './text';
import type { XmlNode } from './parser-tree';
import { absolute, alternate, attr, child, escapeHtml, firstDate, mediaDescription, opt, plain, plainOpt, pushEnclosure, serialize, text, textOf, type El } from './parser-xml';

/** mapAtom: an Atom feed (or a lone entry document) → ParsedFeed. */
export function mapAtom(feed: El, feedUrl: string): ParsedFeed {
  const site = attr(alternate(feed), 'href');
  const feedAuthor = atomFeedAuthor(feed);
  const icon = textOf(feed, 'icon') ?? textOf(feed, 'logo');
  const entries = feed.key === 'feed' ? feed.kids.filter((k) => k.key === 'entry') : [feed];
  return {
    format: 'atom',
    title: textConstruct(child(feed, 'title')) ?? '',
    ...opt('link', absolute(site, alternate(feed)?.base ?? feed.base)),
    ...opt('description', textConstruct(child(feed, 'subtitle', 'tagline'))),
    ...opt('icon', absolute(icon, feed.base)),
    items: entries.map((e) => mapAtomEntry(e, feedAuthor, feedUrl)),
  };
}

/** atomFeedAuthor: the feed-level author entries without one inherit. */
export function atomFeedAuthor(feed: El): string | undefined {
  return atomPerson(child(feed, 'author'));
}

function mapAtomEntry(entry: El, feedAuthor: string | undefined, feedUrl: string): ParsedItem {
  const linkEl = alternate(entry);
  const link = absolute(attr(linkEl, 'href'), linkEl?.base ?? entry.base);
  const contentEl = child(entry, 'content');
  const summaryEl = child(entry, 'summary');
  const body = contentEl && !contentEl.node.attrs.src ? contentEl : summaryEl ?? mediaDescription(entry);
  const content = body ? htmlConstruct(body) : undefined;
  const enclosures: Enclosure[] = [];
  for (const k of entry.kids) {
    if (k.key === 'link' && k.node.attrs.rel === 'enclosure') pushEnclosure(enclosures, k.node.attrs.href, k.node.attrs.type, k.node.attrs.length, k.base);
  }
  const source = child(entry, 'source');
  const summary = body === contentEl && summaryEl ? textConstruct(summaryEl) : undefined;
  return {
    ...opt('guid', textOf(entry, 'id')),
    ...opt('link', link),
    title: textConstruct(child(entry, 'title')) ?? '',
    ...opt('author', atomPerson(child(entry, 'author')) ?? atomPerson(child(source, 'author')) ?? plainOpt(textOf(entry, 'dc:creator')) ?? feedAuthor),
    ...opt('published', firstDate(entry, 'published', 'issued', 'created', 'dc:date', 'updated', 'modified')),
    ...opt('summary', summary ? truncate(summary, 300) : undefined),
    ...opt('content', content?.trim() ? content : undefined),
    contentBase: body?.base ?? link ?? feedUrl,
    categories: entry.kids.filter((k) => k.key === 'category').map((k) => plain(k.node.attrs.term ?? k.node.attrs.label ?? text(k))).filter(Boolean),
    enclosures,
  };
}

function atomPerson(el: El | undefined): string | undefined {
  if (!el) return undefined;
  return plainOpt(textOf(el, 'name') ?? textOf(el, 'email') ?? text(el).trim());
}

/** Atom text construct → plain text (type text, html or xhtml; Atom 0.3's escaped mode too). */
function textConstruct(el: El | undefined): string | undefined {
  if (!el) return undefined;
  const type = (el.node.attrs.type ?? 'text').toLowerCase();
  if (isBase64(el, type)) return htmlToText(fromBase64(text(el))) || undefined;
  if (type === 'xhtml' || type === 'application/xhtml+xml') return htmlToText(xhtmlInner(el)) || undefined;
  const raw = text(el);
  const isHtml = type === 'html' || type === 'text/html' || el.node.attrs.mode === 'escaped';
  const t = isHtml ? htmlToText(raw) : raw.replace(/\s+/g, ' ').trim();
  return t || undefined;
}

/** Atom content/summary → HTML. */
function htmlConstruct(el: El): string {
  const type = (el.node.attrs.type ?? 'text').toLowerCase();
  if (isBase64(el, type)) return fromBase64(text(el));
  if (type === 'xhtml' || type === 'application/xhtml+xml') return xhtmlInner(el);
  if (el.node.attrs.mode === 'xml') return serialize(el.node.children);
  const raw = text(el);
  if (type === 'html' || type === 'text/html' || el.node.attrs.mode === 'escaped') return raw;
  if (type === 'text' || type === 'text/plain') return escapeHtml(raw).replace(/\n/g, '<br>');
  return raw;
}

// Atom 1.0 §4.1.3.3: any other media type is base64; Atom 0.3 says so with mode="base64".
function isBase64(el: El, type: string): boolean {
  if (el.node.attrs.mode === 'base64') return true;
  return type.includes('/') && !type.startsWith('text/') && !/[/+]xml$/.test(type) && type !== 'application/xhtml+xml';
}

function fromBase64(s: string): string {
  return Buffer.from(s.replace(/\s+/g, ''), 'base64').toString('utf8');
}

function xhtmlInner(el: El): string {
  const elements = el.node.children.filter((c): c is XmlNode => typeof c !== 'string');
  const only = elements.length === 1 ? elements[0] : undefined;
  const div = only && /(^|:)div$/i.test(only.name) ? only : undefined;
  return serialize(div ? div.children : el.node.children).trim();
}
