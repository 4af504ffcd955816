// Full text (issue 8): many feeds carry only a summary, so offline there would be nothing to read.
// For feeds set to "fetch full article", each new or changed item's page is fetched at refresh,
// the article extracted with Readability over a server-side DOM and sanitized like feed HTML.
import { Readability } from '@mozilla/readability';
import type { Item } from './model';
import type { FullText } from '../storage/types';
import { decodeBody } from './encoding';
import { fetchFeed } from './fetcher';
import { isPrivateHost, sanitizeHtml } from './sanitizer';
import { htmlToText } from './text';
import { capNesting } from './html-depth';
import { jsdom } from './jsdom-lazy';

export interface FullTextOptions {
  /** The feed's URL: article pages on a private host are fetched only from this origin. */
  feedUrl: string;
  /** Pages fetched at once (per feed). */
  concurrency?: number;
  maxPageBytes?: number;
  timeoutMs?: number;
  /** Where per-item failures are recorded. */
  errors?: string[];
}

const MIN_TEXT = 80;
const HTML_TYPE = /^\s*(text\/html|application\/xhtml\+xml)\b/i;

/** extractFullText: the main article of a web page as sanitized HTML, or undefined when there is none worth showing. */
export function extractFullText(pageHtml: string, url: string): string | undefined {
  if (typeof pageHtml !== 'string' || !pageHtml.trim()) return undefined;
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    return undefined;
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') return undefined;
  // No scripts and no subresources (jsdom's defaults); a silent console, since page CSS is often invalid.
  // A page nested thousands deep would stall jsdom (see html-depth.ts).
  const { JSDOM, VirtualConsole } = jsdom();
  const dom = new JSDOM(capNesting(pageHtml), { url: base.href, virtualConsole: new VirtualConsole() });
  try {
    const article = new Readability(dom.window.document, { charThreshold: 200 }).parse();
    if (!article?.content) return undefined;
    const clean = sanitizeHtml(article.content, base.href);
    return htmlToText(clean).length >= MIN_TEXT ? clean : undefined;
  } catch {
    return undefined;
  } finally {
    dom.window.close();
  }
}

const SHORT_TEXT = 500;

/** suggestFullText: whether a feed's items (their plain text) look like summaries only, so fetching the full article is worth suggesting. */
export function suggestFullText(texts: readonly string[]): boolean {
  if (texts.length < 3) return false;
  const lengths = texts.map((t) => t.trim().length).sort((a, b) => a - b);
  // The median, so one long item (or one empty one) does not decide for the feed.
  return lengths[Math.floor(lengths.length / 2)]! < SHORT_TEXT;
}

/** fetchFullTexts: fetch and extract the page of each item into `out` (by id): the article, or why there is none; never throws. */
export async function fetchFullTexts(items: readonly Item[], out: Map<string, FullText>, opts: FullTextOptions): Promise<{ stored: number; failed: number }> {
  const queue = items.filter((i) => i.link);
  let stored = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      try {
        out.set(item.id, { html: await fullTextOf(item.link!, opts) });
        stored++;
      } catch (e) {
        failed++;
        const error = e instanceof Error ? e.message : String(e);
        out.set(item.id, { error });
        opts.errors?.push(`${item.id}: ${error}`);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 2 }, worker));
  return { stored, failed };
}

async function fullTextOf(link: string, opts: FullTextOptions): Promise<string> {
  const u = new URL(link);
  if (isPrivateHost(u) && u.origin !== new URL(opts.feedUrl).origin) throw new Error(`fulltext: refused private address ${u.href}`);
  const res = await fetchFeed(u.href, {
    accept: 'text/html, application/xhtml+xml;q=0.9',
    maxBodyBytes: opts.maxPageBytes ?? 5 * 1024 * 1024,
    totalTimeoutMs: opts.timeoutMs ?? 20_000,
    connectTimeoutMs: 10_000,
  });
  if (res.kind !== 'ok') throw new Error(`fulltext: no page for ${u.href}`);
  if (res.contentType && !HTML_TYPE.test(res.contentType)) throw new Error(`fulltext: ${u.href} is ${res.contentType}, not a web page`);
  const html = extractFullText(decodeBody(res.body, res.contentType).text, res.finalUrl);
  if (!html) throw new Error(`fulltext: no article found on ${res.finalUrl}`);
  return html;
}
