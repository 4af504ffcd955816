// capNesting bounds how deep markup can nest before it reaches a DOM, and leaves real articles alone.
import { describe, expect, it } from 'vitest';
import { capNesting, MAX_DEPTH } from '../../../src-main/core/html-depth';
import { sanitizeHtml } from '../../../src-main/core/sanitizer';
import { realWorldItems } from '../../helpers/corpus';

/** The deepest nesting of well-formed serialized markup (as the sanitizer writes it), counted tag by tag. */
function depthOf(html: string): number {
  const stack: number[] = [];
  let max = 0;
  for (const m of html.matchAll(/<(\/?)([a-z][a-z0-9]*)[^>]*?(\/?)>/gi)) {
    if (m[1]) stack.pop();
    else if (!/^(br|img|hr|wbr|source|input|meta|link)$/i.test(m[2]!)) max = Math.max(max, stack.push(1));
  }
  return max;
}

describe('capNesting', () => {
  it('leaves every article of the real-world feeds in the corpus unchanged', () => {
    let articles = 0;
    for (const { file, item } of realWorldItems()) {
      if (!item.content) continue;
      articles++;
      expect(capNesting(item.content), file).toBe(item.content);
    }
    expect(articles).toBeGreaterThan(300);
  });

  it('keeps the text of 100,000 nested elements and cuts the nesting to the limit, so the sanitizer copes', () => {
    const n = 100_000;
    const hostile = `<p>before</p>${'<div><span>'.repeat(n / 2)}deep text${'</span></div>'.repeat(n / 2)}<p>after</p>`;
    const capped = capNesting(hostile);
    expect(depthOf(capped)).toBe(MAX_DEPTH);
    // The sanitizer caps it by itself (before, 10,000 levels overflowed jsdom's stack).
    const clean = sanitizeHtml(hostile, 'https://example.org/');
    expect(depthOf(clean)).toBeLessThanOrEqual(MAX_DEPTH);
    expect(clean).toContain('deep text');
    expect(clean).toContain('<p>after</p>');
  });

  it('knows which tags the HTML parser closes by itself, so long flat documents are not cut', () => {
    const flat = [
      `<div>${'<p>para'.repeat(500)}</div>`,
      `<ul>${'<li>item'.repeat(500)}</ul>`,
      `<dl>${'<dt>term<dd>def'.repeat(300)}</dl>`,
      `<table>${'<tr><td>a<td>b'.repeat(300)}</table>`,
      `<select>${'<option>o'.repeat(300)}</select>`,
      `${'<a href="/x">link '.repeat(300)}`,
      `<p>${'<br>line'.repeat(500)}</p>${'<img src="/i.png">'.repeat(300)}`,
    ];
    for (const html of flat) expect(capNesting(html)).toBe(html);
  });

  it('reads quoted attributes, comments and raw text as the parser does', () => {
    const inert = `<div title="a > b" data-x='<div><div>'>${'<!-- <div> -->'.repeat(300)}<script>${'<div>'.repeat(300)}</script><style>${'<b>'.repeat(300)}</STYLE>ok</div>`;
    expect(capNesting(inert)).toBe(inert);
    const deep = `${'<div class="a>b">'.repeat(200)}x${'</div>'.repeat(200)}`;
    const capped = capNesting(deep, 10);
    expect(capped).toBe(`${'<div class="a>b">'.repeat(10)}x${'</div>'.repeat(10)}`);
  });
});
