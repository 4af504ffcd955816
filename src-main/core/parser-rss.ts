// RSS 0.90–2.0 and RDF (RSS 1.0/1.1) channels and items → ParsedFeed.
import type { Enclosure, FeedFormat, ParsedFeed, ParsedItem } from './model';
import { htmlToText } from './text';
import { absolute, alternate, attr, child, firstDate, mediaDescription, opt, plain, plainOpt, pushEnclosure, serialize, text, textOf, type El } from './parser-xml';

/** mapRss: an RSS channel (or RDF root) and its item elements → ParsedFeed. */
export function mapRss(channel: El, items: El[], format: FeedFormat): ParsedFeed {
  const siteLink = textOf(channel, 'link') ?? attr(alternate(channel), 'href');
  const site = siteLink ? absolute(siteLink, channel.base) : undefined;
  const image = child(channel, 'image');
  const icon = textOf(image, 'url') ?? attr(child(channel, 'itunes:image'), 'href');
  return {
    format,
    title: plain(textOf(channel, 'title', 'dc:title', 'atom:title') ?? ''),
    ...(site && { link: site }),
    ...opt('description', plainOpt(textOf(channel, 'description', 'atom:subtitle', 'itunes:subtitle'))),
    ...opt('icon', icon ? absolute(icon, channel.base) : undefined),
    items: items.map((it) => mapRssItem(it, site && !hasOwnBase(it) ? site : it.base)),
  };
}

function hasOwnBase(el: El): boolean {
  return 'xml:base' in el.node.attrs;
}

function mapRssItem(item: El, base: string): ParsedItem {
  const guidEl = child(item, 'guid');
  const guid = text(guidEl).trim() || item.node.attrs['rdf:about']?.trim() || undefined;
  const rawLink = textOf(item, 'link') ?? attr(alternate(item), 'href');
  const permalink = guidEl && guid && (guidEl.node.attrs.isPermaLink ?? guidEl.node.attrs.ispermalink)?.trim().toLowerCase() !== 'false' && /^https?:\/\//i.test(guid) ? guid : undefined;
  const link = absolute(rawLink ?? permalink, base);
  const encoded = child(item, 'content:encoded', 'xhtml:body', 'body', 'fullitem', 'atom:content');
  const description = child(item, 'description', 'dc:description', 'atom:summary', 'itunes:summary') ?? mediaDescription(item);
  const content = encoded ? (/body$/.test(encoded.key) ? serialize(encoded.node.children).trim() : text(encoded)) : description ? text(description) : undefined;
  const categories = rssCategories(item);
  const enclosures: Enclosure[] = [];
  for (const k of item.kids) {
    if (k.key === 'enclosure') pushEnclosure(enclosures, k.node.attrs.url, k.node.attrs.type, k.node.attrs.length, k.base);
    if (k.key === 'atom:link' && k.node.attrs.rel === 'enclosure') pushEnclosure(enclosures, k.node.attrs.href, k.node.attrs.type, k.node.attrs.length, k.base);
  }
  const summaryText = encoded && description ? htmlToText(text(description), 300) : undefined;
  const bodyEl = encoded ?? description;
  const contentBase = bodyEl && bodyEl.base !== item.base ? bodyEl.base : hasOwnBase(item) ? item.base : link ?? base;
  return {
    ...opt('guid', guid),
    ...opt('link', link),
    title: plain(textOf(item, 'title', 'dc:title', 'atom:title', 'media:title') ?? textOf(child(item, 'media:group'), 'media:title') ?? ''),
    ...opt('author', rssAuthor(item)),
    ...opt('published', firstDate(item, 'pubdate', 'dc:date', 'atom:published', 'dcterms:issued', 'dcterms:created', 'atom:updated', 'dcterms:modified')),
    ...opt('summary', summaryText || undefined),
    ...opt('content', content?.trim() ? content : undefined),
    ...opt('contentBase', contentBase),
    categories,
    enclosures,
  };
}

function rssAuthor(item: El): string | undefined {
  const raw = textOf(item, 'author', 'dc:creator', 'dc:author', 'itunes:author') ?? textOf(child(item, 'atom:author'), 'atom:name');
  if (!raw) return undefined;
  // "jane@example.com (Jane Doe)" is RSS 2.0's form, "Jane Doe (jane@…)" a common one; people read the name.
  const m = /^\S+@\S+\s*\((.+)\)$/.exec(raw) ?? /^(.+?)\s*\(\S+@\S+\)$/.exec(raw);
  return plain(m?.[1] ?? raw) || undefined;
}

function rssCategories(item: El): string[] {
  const out: string[] = [];
  const add = (s: string | undefined) => {
    const t = s ? plain(s) : '';
    if (t && !out.includes(t)) out.push(t);
  };
  for (const k of item.kids) {
    if (k.key === 'category' || k.key === 'dc:subject' || k.key === 'media:category') add(text(k));
    if (k.key === 'itunes:category') {
      add(k.node.attrs.text);
      for (const sub of k.kids) if (sub.key === 'itunes:category') add(sub.node.attrs.text);
    }
  }
  return out;
}
