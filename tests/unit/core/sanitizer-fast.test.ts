// The sanitizer's fast path must return exactly what DOMPurify returns (with our policy) for
// every input it accepts, and decline everything the HTML parser would read differently. The
// proof is differential: every item of the shared corpus, the hostile corpus, the benchmark's
// articles and a few thousand generated documents go through both paths.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../../src-main/core/encoding';
import { parseFeed } from '../../../src-main/core/parser';
import { fastPathHtml, purifyHtml, sanitizeHtml, sanitizeWithText } from '../../../src-main/core/sanitizer';
import { htmlToText } from '../../../src-main/core/text';
import { articleHtml } from '../../../bench/farm';
import { hostileItems } from '../../fixtures/hostile/items';
import { CORPUS } from '../../helpers/paths';
import { rng } from '../../helpers/random';

const BASE = 'https://site.example/dir/page.html';

/** Runs both paths; returns whether the fast path took the input, failing the test on any difference. */
function same(html: string, base = BASE): boolean {
  const fast = fastPathHtml(html, base);
  if (fast === undefined) return false;
  expect(fast, `fast path differs from DOMPurify for ${JSON.stringify(html.slice(0, 300))}`).toBe(purifyHtml(html, base));
  return true;
}

function corpusContents(): { html: string; base: string }[] {
  const rows = readFileSync(join(CORPUS, 'manifest.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const out: { html: string; base: string }[] = [];
  for (const [path, format] of rows) {
    if (!path || format === 'opml') continue;
    const url = `https://feeds.example/${path}`;
    try {
      const { text } = decodeBody(readFileSync(join(CORPUS, path)), undefined);
      for (const item of parseFeed(text, url).items) {
        if (item.content?.includes('<')) out.push({ html: item.content, base: item.contentBase ?? item.link ?? url });
      }
    } catch {
      // Ill-formed feeds are the conformance test's business.
    }
  }
  return out;
}

describe('fast path: differential against DOMPurify', () => {
  it('equals DOMPurify on every corpus item it accepts, and accepts most of them', () => {
    const items = corpusContents();
    let taken = 0;
    for (const { html, base } of items) {
      if (!same(html, base)) continue;
      taken++;
      // The text read on the same pass is what htmlToText makes of the article.
      const both = sanitizeWithText(html, base);
      expect(both.text).toBe(htmlToText(html));
      expect(both.html).toBe(fastPathHtml(html, base));
    }
    console.log(`sanitizer-fast: ${taken} of ${items.length} corpus articles with markup took the fast path, all equal to DOMPurify's output`);
    expect(items.length).toBeGreaterThan(2000);
    expect(taken / items.length).toBeGreaterThan(0.5);
  }, 120_000);

  it('takes every benchmark article and equals DOMPurify on them', () => {
    for (let seed = 0; seed < 200; seed++) expect(same(articleHtml(seed), 'http://127.0.0.2:8080/f1/rss.xml')).toBe(true);
  });

  it('gives no text of its own when DOMPurify had to run (the caller then uses htmlToText)', () => {
    expect(sanitizeWithText('<p>a<div>b</div></p>', BASE)).toEqual({ html: purifyHtml('<p>a<div>b</div></p>', BASE) });
    expect(sanitizeWithText('plain &amp; simple', BASE)).toEqual({ html: 'plain &amp; simple' });
    expect(sanitizeWithText('<p>x&nbsp;<b>y</b><!-- c -->z</p>', BASE)).toEqual({ html: '<p>x&nbsp;<b>y</b>z</p>', text: 'x y z' });
  });

  it('equals DOMPurify on the hostile corpus wherever it accepts (and declines every active payload)', () => {
    const items = hostileItems('http://10.66.66.66:6666');
    const active = items.filter((i) => /<(script|svg|math|style|iframe|object|embed|form|template|noscript|base|meta|link|xmp|plaintext|textarea|title)\b/i.test(i.html.replace(/"[^"]*"|'[^']*'/g, '')));
    expect(active.length).toBeGreaterThan(15);
    for (const item of items) {
      const taken = same(item.html, 'https://hostile.example/feed.xml');
      if (active.includes(item)) expect(taken, item.attack).toBe(false);
    }
  });

  it.each([
    ['generated markup with hostile and malformed pieces', false, 6000],
    ['generated well-formed markup', true, 4000],
  ])('equals DOMPurify on %s', (_name, clean, count) => {
    let taken = 0;
    for (let seed = 1; seed <= count; seed++) {
      const html = generate(rng(seed), clean, 0);
      if (html.includes('<') && same(html)) taken++;
    }
    expect(taken).toBeGreaterThan(count / 20);
  }, 120_000);
});

describe('fast path: declines what the parser would repair or read differently', () => {
  it.each([
    ['implied </p>', '<p>a<div>b</div></p>'],
    ['unclosed element', '<p>a'],
    ['stray end tag', 'a</p>'],
    ['misnesting', '<b><i>x</b></i>'],
    ['nested links', '<a href="/a">x<a href="/b">y</a></a>'],
    ['implied </li>', '<ul><li>a<li>b</ul>'],
    ['heading in heading', '<h2><h3>x</h3></h2>'],
    ['raw text elements', '<p>x</p><style>p{}</style>'],
    ['foreign content', '<svg><p>x</p></svg>'],
    ['table fostering', '<table><tr><td>x</td></tr></table>'],
    ['newline after <pre>', '<pre>\ncode</pre>'],
    ['carriage return', '<p>a\r\nb</p>'],
    ['NUL', '<p>a\u0000b</p>'],
    ['escaped markup in text', '<code>&lt;script&gt;</code>'],
    ['odd comments', '<p>a<!-->b</p>'],
    ['bang-closed comment', '<p>a<!-- x --!> y --></p>'],
    ['doctype', '<!DOCTYPE html><p>x</p>'],
    ['self-closing non-void', '<div/>x'],
    ['duplicate attribute', '<a href="/a" href="javascript:x">x</a>'],
    ['unknown element', '<font color="red">x</font>'],
    ['custom element', '<my-el>x</my-el>'],
    ['namespaced tag', '<o:p>x</o:p>'],
    ['unquoted oddity', '<a href=x"y>z</a>'],
    ['`is` attribute', '<p is="x">y</p>'],
    ['void end tag', '<p>a</br>b</p>'],
    ['very deep nesting', `${'<span>'.repeat(300)}x${'</span>'.repeat(300)}`],
    ['very many attributes', `<p ${Array.from({ length: 40 }, (_, k) => `title${k}="x"`).join(' ')}>x</p>`],
  ])('%s', (_name, html) => {
    expect(fastPathHtml(html, BASE)).toBeUndefined();
    // And the real path still gives a safe answer.
    expect(sanitizeHtml(html, BASE)).not.toMatch(/<(style|svg|script)|javascript:/i);
  });

  it('writes output that a browser parses back to the very same markup', () => {
    const body = new JSDOM('<!doctype html><body></body>').window.document.body;
    let checked = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const out = fastPathHtml(generate(rng(seed), true, 0), BASE);
      if (out === undefined) continue;
      body.innerHTML = out;
      expect(body.innerHTML).toBe(out);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describe('sanitizeHtml: the fast path in place', () => {
  it('applies the full policy on plain markup (links, images, ids, classes, attributes)', () => {
    const html = '<p id="top" class="x" style="color:red" onclick="y()">Hi <a href="/about">me</a> <a href="javascript:alert(1)">x</a></p>' +
      '<figure><img src="/a.png" data-src="/b.png" width="640" height="360" alt="A &amp; B"><figcaption>cap</figcaption></figure>' +
      '<img src="https://t.example/p.gif" width="1" height="1"><pre class="language-js hidden"><code class="language-js">x &lt;= y</code></pre>';
    const out = sanitizeHtml(html, BASE);
    expect(out).toBe(purifyHtml(html, BASE));
    expect(out).toContain('<p id="user-content-top">');
    expect(out).toContain('<a href="https://site.example/about" rel="noopener noreferrer" target="_blank">me</a>');
    expect(out).toContain('<a>x</a>');
    expect(out).toContain('src="https://site.example/a.png"');
    expect(out).not.toMatch(/style=|onclick|p\.gif|hidden|data-src/);
  });

  it('sanitizes plain markup an order of magnitude faster than DOMPurify', () => {
    const articles = Array.from({ length: 150 }, (_, k) => articleHtml(k));
    const time = (fn: (h: string) => unknown) => {
      const t0 = process.cpuUsage();
      for (const a of articles) fn(a);
      const t = process.cpuUsage(t0);
      return (t.user + t.system) / 1000;
    };
    time((h) => purifyHtml(h, BASE));
    const slow = time((h) => purifyHtml(h, BASE));
    const fast = time((h) => sanitizeHtml(h, BASE));
    console.log(`sanitizer-fast: ${(fast / articles.length).toFixed(3)} ms vs DOMPurify ${(slow / articles.length).toFixed(3)} ms CPU per article`);
    expect(fast * 5).toBeLessThan(slow);
  });
});

// A small deterministic generator of article-like HTML, with (unless `clean`) the pieces that
// make parsers disagree: stray end tags, odd comments, raw text, unclosed and self-closed tags.
const ANY_TAGS = ('p p div span a a b i em strong code pre ul ol li li dl dt dd h1 h2 h3 blockquote figure figcaption img img br hr wbr ' +
  'section article header footer aside details summary center q del ins time small s strike tt u sub sup mark abbr cite kbd var samp ' +
  'dfn bdi bdo address table td font iframe script svg body video source P A Img').split(' ');
const PLAIN_TAGS = 'span a b i em strong code li div img br q del time small sub mark abbr ul blockquote h2 figure figcaption p'.split(' ');
const GEN_ATTRS: [string, string[]][] = [
  ['href', ['/x', 'https://e.test/a?b=1&amp;c=2', 'javascript:alert(1)', ' java\tscript:x', 'mailto:a@b.c', '#frag', 'https://u:p@h.test/', '', 'data:text/html,x', 'x:y', '//cdn.test/z']],
  ['src', ['/i.png', 'http://10.0.0.1/x.png', 'data:image/png;base64,AAAA', 'https://img.test/a.jpg', '', ' /sp.png ']],
  ['srcset', ['a.png 1x, b.png 2x', 'https://x.test/a.png 100w', 'data:x 1x']],
  ['data-src', ['/lazy.png']], ['data-srcset', ['/l.png 2x']],
  ['width', ['1', '640', '0', 'x:y']], ['height', ['1', '360']],
  ['id', ['cookie', 'body', 'x', 'location', 'user-content-a', 'forms', 'action', '']],
  ['name', ['x', 'cookie']], ['class', ['language-js', 'lang-py foo', 'hidden', '']], ['style', ['color:red']],
  ['title', ['a "q" <b> &amp; &nbsp;x', 'x-->', 'a/>b', '</style>']], ['alt', ['an image', '']], ['onclick', ['x()']],
  ['cite', ['https://c.test/', 'javascript:x']], ['datetime', ['2020-01-01']], ['lang', ['en']], ['dir', ['rtl']],
  ['for', ['x']], ['is', ['x']], ['value', [' v ']], ['align', ['center']], ['type', ['a/b']], ['start', ['3']],
];
const GEN_TEXTS = ['hello', ' world ', 'a &amp; b', '&copy; 2024', '&copy2024', '&notin; &notit;', '&#128;', '&#x80;', '&#0;', '&#xD800;',
  '&lt;b&gt;', '&lt;3', 'x &gt; y', '&nbsp;', '\u00a0', 'AT&T', '&amp', '&ampx', '\n', '\n\n', '  ', '&#1114112;', 'é', '&eacute;',
  '&Eacute', 'Q&A;', '&;', '&#;', '&#x;', '< not', '>'];
const ODD = ['<!-- c -->', '<!---->', '<!-->', '<!--->', '<!-- a --!> b -->', '<!-- <p> -->', '<!-- x', '<!DOCTYPE html>', '<![CDATA[x]]>', '<?pi?>',
  '</p>', '</b>', '</li>', '</div>', '</br>', '</img>', '</a >', '</ a>'];
const VOIDS = new Set(['img', 'br', 'hr', 'wbr', 'Img']);

function generate(r: () => number, clean: boolean, depth: number): string {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  let s = '';
  for (let k = 1 + Math.floor(r() * 5); k > 0; k--) {
    const p = r();
    if (p < 0.35) s += pick(GEN_TEXTS);
    else if (p < 0.45) s += clean ? pick([' ', '<!-- c -->']) : pick(ODD);
    else {
      const tag = pick(clean ? PLAIN_TAGS : ANY_TAGS);
      let attrs = '';
      for (let a = Math.floor(r() * 3.5); a > 0; a--) {
        const [name, values] = pick(GEN_ATTRS);
        const v = pick(values);
        const q = r();
        attrs += q < 0.6 ? ` ${name}="${v.replace(/"/g, '&quot;')}"` : q < 0.75 ? ` ${name}='${v}'` : q < 0.9 && v && !/[\s"'=<>`]/.test(v) ? ` ${name}=${v}` : ` ${name}`;
      }
      const close = clean || r() < 0.85;
      s += `<${tag}${attrs}${!clean && r() < 0.1 ? '/' : ''}>`;
      if (!VOIDS.has(tag)) s += close ? `${depth < 4 ? generate(r, clean, depth + 1) : 'leaf'}</${tag}>` : 'open';
    }
  }
  return s;
}
