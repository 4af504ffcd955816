// Issue 7: the hostile corpus (tests/fixtures/hostile) goes through the real ingest path, parse
// then sanitize, and nothing dangerous may survive while every benign marker does.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../../src-main/core/parser';
import { ID_PREFIX, sanitizeHtml, sanitizeText } from '../../../src-main/core/sanitizer';
import { hostileItems, hostileRss } from '../../fixtures/hostile/items';

// A private address: the sanitizer must never let article content fetch from one, so any trace
// of it in the output is a failure, whatever attribute it hides in.
const CANARY = 'http://10.66.66.66:6666';
const SITE = 'https://hostile.example';
const FEED_URL = `${SITE}/feed.xml`;

const SAFE_TAGS = new Set(
  ('a abbr address article aside audio b bdi bdo blockquote br caption center cite code col colgroup dd del details dfn div dl dt em ' +
    'figcaption figure footer h1 h2 h3 h4 h5 h6 header hr i iframe img ins kbd li mark ol p picture pre q rp rt ruby s samp section ' +
    'small source span strike strong sub summary sup table tbody td tfoot th thead time tr track tt u ul var video wbr').split(' '),
);
const FORBIDDEN_ATTRS = /^(on|style$|srcdoc$|formaction$|action$|background$|ping$|longdesc$|xlink:|xmlns|contenteditable$|autofocus$|name$|data-|autoplay$|http-equiv$)/i;
const URL_ATTRS = ['href', 'src', 'poster', 'cite'];
const EMBED_SANDBOX = 'allow-scripts allow-same-origin allow-presentation allow-popups';

const corpus = hostileItems(CANARY);
const feed = parseFeed(hostileRss(SITE, CANARY), FEED_URL);
const byGuid = new Map(feed.items.map((i) => [i.guid, i]));

function urlProblems(el: Element): string[] {
  const problems: string[] = [];
  for (const attr of URL_ATTRS) {
    const v = el.getAttribute(attr);
    if (v === null) continue;
    if (attr === 'href' && v.startsWith(`#${ID_PREFIX}`)) continue;
    if (el.tagName === 'IMG' && attr === 'src' && /^data:image\/(png|jpeg|gif|webp|avif|bmp);base64,/i.test(v)) continue;
    let scheme = '';
    try {
      scheme = new URL(v).protocol;
    } catch {
      problems.push(`${el.tagName} ${attr}=${v} is not absolute`);
      continue;
    }
    const ok = attr === 'href' ? ['http:', 'https:', 'mailto:'] : ['http:', 'https:'];
    if (!ok.includes(scheme)) problems.push(`${el.tagName} ${attr}=${v}`);
  }
  for (const candidate of (el.getAttribute('srcset') ?? '').split(',').map((c) => c.trim().split(/\s+/)[0]).filter(Boolean)) {
    if (!/^https?:\/\//.test(candidate!)) problems.push(`${el.tagName} srcset candidate ${candidate}`);
  }
  return problems;
}

function domProblems(html: string): string[] {
  const doc = new JSDOM(`<!doctype html><body>${html}</body>`).window.document;
  const problems: string[] = [];
  for (const el of doc.body.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (!SAFE_TAGS.has(tag) || el.namespaceURI !== 'http://www.w3.org/1999/xhtml') problems.push(`element <${tag}>`);
    for (const a of el.attributes) if (FORBIDDEN_ATTRS.test(a.name)) problems.push(`<${tag} ${a.name}>`);
    if (el.id && !el.id.startsWith(ID_PREFIX)) problems.push(`<${tag} id=${el.id}> not prefixed`);
    problems.push(...urlProblems(el));
    if (tag === 'iframe') {
      const host = new URL(el.getAttribute('src') ?? 'about:blank').hostname;
      if (!/(^|\.)youtube-nocookie\.com$|^player\.vimeo\.com$/.test(host)) problems.push(`iframe to ${host}`);
      if (el.getAttribute('sandbox') !== EMBED_SANDBOX) problems.push(`iframe sandbox ${el.getAttribute('sandbox')}`);
    }
  }
  return problems;
}

/** Loads the output with scripts enabled and pokes every element; counts what reached fetch/alert. */
function scriptRuns(html: string): number {
  let hits = 0;
  const dom = new JSDOM(`<!doctype html><body>${html}</body>`, {
    runScripts: 'dangerously',
    // Installed before parsing so inline scripts that run at load are counted too.
    beforeParse(window) {
      const w = window as unknown as Record<string, unknown>;
      w.fetch = () => void hits++;
      w.alert = () => void hits++;
    },
  });
  const w = dom.window;
  // Inline handlers live in attributes: an element without any cannot run one.
  for (const el of [...w.document.body.querySelectorAll('*')].filter((e) => e.attributes.length > 0)) {
    for (const type of ['click', 'error', 'load', 'focus', 'mouseover', 'toggle', 'start', 'animationstart']) el.dispatchEvent(new w.Event(type));
  }
  dom.window.close();
  return hits;
}

describe('hostile corpus through parse and sanitize', () => {
  it('has at least 40 items and the parser keeps every one of them', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    expect(feed.items).toHaveLength(corpus.length);
    for (const item of corpus) expect(byGuid.has(item.id), item.id).toBe(true);
  });

  describe.each(corpus.map((c) => [`${c.id} ${c.attack}`, c] as const))('%s', (_name, item) => {
    const parsed = byGuid.get(item.id)!;
    const base = parsed.contentBase ?? parsed.link ?? FEED_URL;
    const out = sanitizeHtml(parsed.content ?? '', base);

    it('leaves no trace of the canary', () => {
      expect(out).not.toContain('10.66.66.66');
      expect(out).not.toMatch(/javascript:|vbscript:|data:text|file:|smb:|ms-msdt:|search-ms:/i);
    });

    it('leaves only allow-listed elements, attributes and URLs', () => {
      expect(domProblems(out)).toEqual([]);
    });

    it('keeps the benign text visible', () => {
      expect(new JSDOM(`<body>${out}</body>`).window.document.body.textContent).toContain(item.marker);
    });

    it('runs no script even with scripting enabled and every handler poked', () => {
      expect(scriptRuns(out)).toBe(0);
    });

    it('is stable when sanitized again (no mutation on re-parse)', () => {
      expect(sanitizeHtml(out, base)).toBe(out);
    });
  });

  it('the same payloads without a parser in front are just as harmless', () => {
    for (const item of corpus.filter((c) => !c.escaped)) {
      const out = sanitizeHtml(item.html, `${SITE}/posts/${item.id}.html`);
      expect(domProblems(out), item.id).toEqual([]);
      expect(out, item.id).not.toContain('10.66.66.66');
    }
  });

  it('the checks themselves catch every raw payload (they are not vacuous)', () => {
    const missed = corpus
      .filter((c) => !c.escaped && c.title === undefined && c.attack !== 'deep nesting')
      .filter((c) => domProblems(c.html).length === 0 && !c.html.includes('10.66.66.66'));
    expect(missed.map((c) => c.id)).toEqual([]);
    expect(scriptRuns(`<img src="x" onclick="fetch('/x')"><script>alert(1)</script>`)).toBe(2);
  });

  it('keeps titles as text, and sanitizeText removes bidi overrides from them', () => {
    const htmlTitle = corpus.find((c) => c.attack === 'HTML title')!;
    const parsedTitle = byGuid.get(htmlTitle.id)!.title;
    // Whatever the parser made of it, the title is a string the reader shows as text.
    expect(typeof parsedTitle).toBe('string');
    const bidi = byGuid.get(corpus.find((c) => c.attack === 'bidi override title')!.id)!.title;
    expect(sanitizeText(bidi)).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
  });
});
