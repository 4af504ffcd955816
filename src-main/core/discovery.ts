// Feed discovery in a web page (issue 3 §5): `<link rel="alternate">` with a feed type.
import { Parser } from 'htmlparser2';
import { decodeHTML } from 'entities';

export interface FeedCandidate {
  url: string;
  title: string;
  type: string;
}

const FEED_TYPES: Record<string, string> = {
  'application/rss+xml': 'rss',
  'application/atom+xml': 'atom',
  'application/rdf+xml': 'rdf',
  'application/feed+json': 'json',
  'application/json': 'json',
  'application/x.atom+xml': 'atom',
  'application/x-atom+xml': 'atom',
  'text/xml': 'rss',
  'application/xml': 'rss',
};

/** The paths subscription.ts probes when a page declares no feed. */
export const USUAL_FEED_PATHS = ['/feed', '/rss.xml', '/atom.xml', '/index.xml', '/feed.json', '/feed.xml', '/rss'];

/** discoverFeeds: the feeds a page declares with `<link rel="alternate">`, absolute, in page order, without duplicates. */
export function discoverFeeds(html: string, pageUrl: string): FeedCandidate[] {
  const found: FeedCandidate[] = [];
  let base = pageUrl;
  let pageTitle = '';
  let inTitle = false;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === 'base' && attrs.href) base = safeUrl(attrs.href, pageUrl) ?? base;
        if (name === 'title') inTitle = true;
        if (name !== 'link') return;
        const rel = (attrs.rel ?? '').toLowerCase().split(/\s+/);
        const type = (attrs.type ?? '').toLowerCase().split(';')[0]!.trim();
        const kind = FEED_TYPES[type];
        if (!rel.includes('alternate') || !kind || !attrs.href || rel.includes('stylesheet')) return;
        // application/json alternates are feeds only when they say so (WordPress uses them for its REST API).
        if (type === 'application/json' && !/feed/i.test(`${attrs.href} ${attrs.title ?? ''}`)) return;
        const url = safeUrl(attrs.href, base);
        if (url && !found.some((f) => f.url === url)) found.push({ url, title: decodeHTML(attrs.title ?? '').trim(), type: kind });
      },
      ontext(text) {
        if (inTitle) pageTitle += text;
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  const fallback = pageTitle.replace(/\s+/g, ' ').trim();
  return found.map((f) => ({ ...f, title: f.title || fallback || f.url }));
}

function safeUrl(href: string, base: string): string | undefined {
  try {
    const u = new URL(href.trim(), base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}
