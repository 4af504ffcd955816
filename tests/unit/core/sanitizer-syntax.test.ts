// The fast path reads attributes and text with hand-written scanners (no regex per attribute,
// text copied through in spans). Differential again: wherever it accepts, its HTML equals
// DOMPurify's and its text equals htmlToText's, over the attribute syntax and the spacing
// characters that make the two easy to get wrong.
import { describe, expect, it } from 'vitest';
import { fastPathHtml, purifyHtml, sanitizeWithText } from '../../../src-main/core/sanitizer';
import { htmlToText } from '../../../src-main/core/text';
import { rng } from '../../helpers/random';

const BASE = 'https://site.example/dir/page.html';

/** Both paths on one input; returns whether the fast path took it. htmlToText ends a tag at its first `>`, even one inside quotes: no text check then. */
function same(html: string, checkText = true): boolean {
  const fast = sanitizeWithText(html, BASE);
  if (fast.text === undefined) {
    expect(fastPathHtml(html, BASE)).toBeUndefined();
    return false;
  }
  const what = JSON.stringify(html.slice(0, 300));
  expect(fast.html, `html of ${what}`).toBe(purifyHtml(html, BASE));
  if (checkText) expect(fast.text, `text of ${what}`).toBe(htmlToText(html));
  return true;
}

const SPACE = ['', ' ', '  ', '\t', '\n', '\f', ' \n '];
const NAMES = ['href', 'HREF', 'src', 'alt', 'title', 'width', 'height', 'id', 'class', 'data-src', 'srcset', 'cite', 'x:y', '_a', 'a.b', 'a-b', 'on-x', 'onclick', 'is', 'value'];
const VALUES = [
  '"/a"', "'/a'", '/a', '"https://e.test/a?b=1&amp;c=2"', "'x\"y'", '"x\'y"', 'a/b', 'a/', '/', 'x"y', "x'y", 'x=y', 'x`y', 'x<y', '"a>b"', '"a\nb"',
  '""', "''", '"&quot;"', '&amp;x', '"&#x41;"', '"&notanentity;"', '"  spaced  "', '"640"', '"1"', '"java&#x09;script:x"', '"\u00a0x"', '"x\u2028"',
  '"unclosed', "'unclosed", '', 'x/y"z',
];
const TAGS = ['a', 'img', 'p', 'span', 'b', 'blockquote', 'q', 'code', 'pre', 'br', 'hr', 'A', 'Img', 'figure'];

describe('fast path: attribute syntax', () => {
  it('equals DOMPurify on 5,000 tags of generated attribute syntax', () => {
    const r = rng(7);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    let taken = 0;
    for (let k = 0; k < 5000; k++) {
      const tag = pick(TAGS);
      let attrs = '';
      for (let n = Math.floor(r() * 4); n > 0; n--) {
        attrs += (r() < 0.9 ? ' ' : pick(SPACE)) + pick(NAMES);
        if (r() < 0.8) attrs += `${pick(SPACE)}=${pick(SPACE)}${pick(VALUES)}`;
      }
      const end = r() < 0.8 ? '>' : pick([' >', '/>', ' />', '\n>', '/ >', ' / >']);
      const isVoid = /^(img|br|hr)$/i.test(tag);
      const html = `<p>x ${`<${tag}${attrs}${end}`}${isVoid ? '' : `y</${tag.toLowerCase()}>`} z</p>`;
      if (same(html, !attrs.includes('>'))) taken++;
    }
    expect(taken).toBeGreaterThan(1000);
  }, 120_000);

  it('declines what the tokenizer would read differently', () => {
    for (const html of ['<a href="x"title="y">z</a>', '<a href=x"y>z</a>', '<a href =>z</a>', '<a href="x>z</a>', '<a =x>z</a>', '<p/>x', '<img src=a/b"c>', '<a href="x" href="y">z</a>']) {
      expect(fastPathHtml(html, BASE), html).toBeUndefined();
    }
  });
});

describe('fast path: remembered start tags', () => {
  it('gives a repeated tag the same output as its first reading, wherever it stands', () => {
    const tags = ['<span class="x" style="color:red" data-x="1">', '<p id="cookie" title="a &amp; b">', '<span title="a>b" lang="en">', '<pre class="language-js hidden">', '<code class="lang-py">'];
    for (const tag of tags) {
      const name = /^<(\w+)/.exec(tag)![1]!;
      const html = `${tag}one</${name}>`;
      for (let k = 0; k < 3; k++) expect(same(`<div>${html}</div>${html}`, !tag.includes('>b')), html).toBe(true);
    }
    // The context still decides: a remembered <pre> followed by a newline, or a <p> inside a <p>, declines.
    same('<pre class="language-js">x</pre>');
    expect(fastPathHtml('<pre class="language-js">\nx</pre>', BASE)).toBeUndefined();
    same('<p class="a">x</p>');
    expect(fastPathHtml('<p class="a">x<p class="a">y</p></p>', BASE)).toBeUndefined();
  });
});

describe('fast path: CR and NUL', () => {
  it('declines them wherever they stand (the parser rewrites CR and drops NUL)', () => {
    // Each place with a character that is fine there, so the test checks the character, not the place.
    const places: [(x: string) => string, string][] = [
      [(x) => `<p>a${x}b</p>`, ' '], [(x) => `<p>${x}</p>`, '\n'], [(x) => `${x}<p>a</p>`, '\n'], [(x) => `<p>a</p>${x}`, '\n'],
      [(x) => `<p>a &amp;${x}b</p>`, 'x'], [(x) => `<p title="a${x}b">c</p>`, '\n'], [(x) => `<p title='${x}'>c</p>`, 'x'],
      [(x) => `<p title=a${x}b>c</p>`, 'x'], [(x) => `<p title=${x}>c</p>`, 'x'], [(x) => `<p${x}title="a">c</p>`, '\n'],
      [(x) => `<p title="a"${x}>c</p>`, '\t'], [(x) => `<p title${x}="a">c</p>`, '\f'], [(x) => `<p${x}>c</p>`, ' '], [(x) => `<p>c</p${x}>`, ' '],
      [(x) => `<p>c<!-- a${x}b --></p>`, '\n'], [(x) => `<br${x}>`, ' '], [(x) => `<br/${x}>`, ''], [(x) => `<img src="/a.png" alt="${x}">`, ''],
    ];
    for (const [place, fine] of places) {
      expect(fastPathHtml(place(fine), BASE), JSON.stringify(place(fine))).toBeDefined();
      for (const x of ['\r', '\r\n', '\u0000']) {
        const html = place(x);
        expect(fastPathHtml(html, BASE), JSON.stringify(html)).toBeUndefined();
      }
    }
  });
});

describe('fast path: text', () => {
  it('reads every character of the BMP as htmlToText does, alone and among spaces', () => {
    for (let c = 1; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      const html = `<p>a${ch}b <b> ${ch}${ch} </b>${ch}</p>`;
      const out = sanitizeWithText(html, BASE);
      if (out.text !== undefined) expect(out.text, `U+${c.toString(16)}`).toBe(htmlToText(html));
    }
  });

  it('equals DOMPurify and htmlToText on the spacing and markup characters, and on 3,000 generated mixes of them', () => {
    const chars = [' ', '  ', '\t', '\n', '\f', '\v', '\u00a0', '\u1680', '\u2000', '\u200a', '\u200b', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\u0085', '\u180e',
      '&nbsp;', '&#8203;', '&#x2028;', '&amp;', '&gt;', '>', '&lt;', '&', 'AT&T', '&copy;', '"', "'", 'word', 'é', '’', '\u0001', '\u007f'];
    for (const ch of chars) same(`<p>a${ch}b<b>${ch}</b> ${ch} c${ch}</p>${ch}<p>${ch}</p>`);
    const r = rng(11);
    let taken = 0;
    for (let k = 0; k < 3000; k++) {
      let html = '';
      for (let n = 1 + Math.floor(r() * 12); n > 0; n--) {
        const p = r();
        html += p < 0.7 ? chars[Math.floor(r() * chars.length)]! : p < 0.8 ? '<b>' : p < 0.9 ? '<!-- c -->' : '<br>';
      }
      html = `<p>${html.replace(/<b>/g, '<b>x</b>')}</p>`;
      if (same(html)) taken++;
    }
    expect(taken).toBeGreaterThan(1000);
  }, 120_000);
});
