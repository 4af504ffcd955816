import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../../src-main/core/encoding';
import { htmlToMarkdown } from '../../../src-main/core/markdown-body';
import { parseSimpleHtml } from '../../../src-main/core/markdown-dom';
import { parseFeed } from '../../../src-main/core/parser';
import { sanitizeHtml } from '../../../src-main/core/sanitizer';
import { CORPUS } from '../../helpers/paths';

// The fast tree must give exactly the Markdown the HTML5 parser gives, or refuse the input.
function sameAsHtml5(html: string): void {
  expect(htmlToMarkdown(html)).toBe(htmlToMarkdown(html, { html5: true }));
}

describe('parseSimpleHtml', () => {
  it.each([
    ['<p>One &amp; <b>two</b></p><ul><li>a</li><li>b<ol start="3"><li>c</li></ol></li></ul>'],
    ['<pre>\nfirst line kept, leading newline dropped as HTML5 does</pre>'],
    ['<pre><code class="language-js">let a = 1;\n\nlet b = 2;</code></pre>'],
    ['a<!-- split -->- b, the second text node starts a list item unless escaped'],
    ['<p>line\r\none\rtwo</p>'],
    ['<p><a href="https://e.org/a b" title="t &quot;x&quot;">link</a> <img src="javascript:x" alt="A &amp; B"> <a href="javascript:x">text</a></p>'],
    ['<h2>Title</h2>  \n  <p>  spaced   <em> words </em> </p>'],
    ['<figure><img src="https://e.org/i.png" alt=""><figcaption>Caption</figcaption></figure>'],
    ['<blockquote><p>quoted</p><p>twice</p></blockquote><hr><p>&lt;script&gt; {{ x }}</p>'],
  ])('accepts well-formed plain markup and converts it as the HTML5 parser would: %j', (html) => {
    expect(parseSimpleHtml(html)).toBeDefined();
    sameAsHtml5(html);
  });

  it.each([
    ['<p><div>block in a paragraph</div></p>'],
    ['<p>a<p>b</p></p>'],
    ['<h1>a</h2>'],
    ['<h1>a<h2>b</h2></h1>'],
    ['<b><i>misnested</b></i>'],
    ['<a href="https://e.org/1">one <a href="https://e.org/2">two</a></a>'],
    ['<div><li>item outside a list</li></div>'],
    ['stray </p> end tag'],
    ['a</br>b'],
    ['<table><tr><td>cell</td></tr></table>'],
    ['<iframe src="https://www.youtube.com/embed/x"></iframe>'],
    ['<p>unclosed'],
    ['<svg><a>x</a></svg>'],
    ['<![CDATA[a>b]]>'],
    ['<!x>text'],
    ['<!-->text'],
    ['nul\0char'],
  ])('refuses what only the HTML5 parser builds faithfully, and the result still matches: %j', (html) => {
    expect(parseSimpleHtml(html)).toBeUndefined();
    sameAsHtml5(html);
  });

  it('points cached images at their originals as media.ts does, without a second parse', () => {
    const local = `/media/ab/${'ab'.repeat(32)}.jpg`;
    const html =
      `<p>Text <img src="${local}" data-original-src="https://e.org/a.jpg" alt="cached"></p>` +
      `<picture><source srcset="${local}" data-original-src="https://e.org/b.jpg"><img src=" ${local} " data-original-src="https://e.org/b.jpg" alt="spaced"></picture>` +
      `<p><img src="https://e.org/c.jpg" data-original-src="https://e.org/other.jpg" alt="not local"></p>` +
      `<p><img src="${local}" data-original-src="javascript:alert(1)" alt="bad original"></p>` +
      `<p><img src="/media/zz/${'ab'.repeat(32)}.jpg" data-original-src="https://e.org/d.jpg" alt="bad path"></p>`;
    expect(parseSimpleHtml(html)).toBeDefined();
    const md = htmlToMarkdown(html);
    expect(md).toContain('![cached](https://e.org/a.jpg)');
    expect(md).toContain('![spaced](https://e.org/b.jpg)');
    expect(md).toContain('![not local](https://e.org/c.jpg)');
    expect(md).not.toContain('/media/');
    sameAsHtml5(html);
  });

  it('gives the same Markdown as the HTML5 parser on sanitized articles of the corpus, and takes most of them', () => {
    const rows = readFileSync(join(CORPUS, 'manifest.tsv'), 'utf8').split('\n').map((l) => l.split('\t'));
    const feeds = rows.filter((c) => ['rss', 'atom', 'rdf'].includes(c[1]!) && c[2] === 'well-formed');
    let articles = 0;
    let fast = 0;
    for (const [i, row] of feeds.entries()) {
      if (i % 12 !== 0) continue;
      let feed: ReturnType<typeof parseFeed>;
      try {
        feed = parseFeed(decodeBody(readFileSync(join(CORPUS, row[0]!))).text, 'https://example.org/feed.xml');
      } catch {
        continue; // a few "well-formed" files are not feeds at all; other tests cover that
      }
      for (const item of feed.items) {
        if (!item.content?.trim()) continue;
        const html = sanitizeHtml(item.content, item.contentBase);
        articles++;
        if (parseSimpleHtml(html)) fast++;
        sameAsHtml5(html);
      }
    }
    expect(articles).toBeGreaterThan(100);
    expect(fast / articles).toBeGreaterThan(0.8);
  });

  it('gives the same Markdown as the HTML5 parser on generated markup, well-formed or not', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
    const tags = 'a b blockquote br code dd div dl dt em h1 h2 hr i img li ol p pre section span strong ul table td iframe'.split(' ');
    const voids = new Set(['br', 'hr', 'img']);
    const texts = [' ', '\n', 'word', ' lead', 'trail ', '* star', '- dash', '1. one', '# hash', '&amp;', '&lt;b&gt;', '&nbsp;', 'a_b', '[x]', '`t`', '\r\n', '&#10;'];
    const attrs = ['', ' href="https://e.org/a"', ' href="javascript:x"', ' src="https://e.org/i.png"', ' alt="A &amp; B"', ' start="3"'];
    const gen = (depth: number): string => {
      let s = '';
      for (let n = Math.floor(rnd() * 4); n > 0; n--) {
        const r = rnd();
        if (r < 0.4 || depth > 4) s += pick(texts);
        else if (r < 0.45) s += '<!-- c -->';
        else {
          const t = pick(tags);
          if (voids.has(t)) s += `<${t}${pick(attrs)}>`;
          else s += `<${t}${pick(attrs)}>${gen(depth + 1)}${rnd() < 0.05 ? `</${pick(tags)}>` : `</${t}>`}`;
        }
      }
      return s;
    };
    let accepted = 0;
    for (let i = 0; i < 1500; i++) {
      const html = gen(0);
      if (!html.trim()) continue;
      if (parseSimpleHtml(html)) accepted++;
      sameAsHtml5(html);
    }
    expect(accepted).toBeGreaterThan(300);
  });
});
