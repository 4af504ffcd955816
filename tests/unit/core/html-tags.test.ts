// findTags/replaceTags read and rewrite image tags of sanitized articles without a DOM; a DOM
// (jsdom) is the reference they are checked against.
import { describe, expect, it } from 'vitest';
import { JSDOM } from 'jsdom';
import { findTags, replaceTags } from '../../../src-main/core/html-tags';
import { sanitizeHtml } from '../../../src-main/core/sanitizer';
import { realWorldItems } from '../../helpers/corpus';

const IMG = new Set(['img', 'source']);
const doc = new JSDOM('').window.document;
const dom = (html: string) => {
  const t = doc.createElement('template');
  t.innerHTML = html;
  return t.content;
};


describe('findTags and replaceTags', () => {
  it('find the same images, with the same attributes, as a DOM does in every sanitized real-world article', () => {
    let images = 0;
    for (const { file, item } of realWorldItems()) {
      if (!item.content?.includes('<img')) continue;
      const html = sanitizeHtml(item.content, item.link ?? 'https://example.org/');
      const ours = findTags(html, IMG).filter((t) => t.name === 'img').map((t) => Object.fromEntries(t.attrs));
      const theirs = [...dom(html).querySelectorAll('img')].map((el) => Object.fromEntries([...el.attributes].map((a) => [a.name, a.value])));
      expect(ours, file).toEqual(theirs);
      images += ours.length;
    }
    expect(images).toBeGreaterThan(100);
  });

  it('rebuild only the tags changed, escaping values so that a DOM reads them back as set', () => {
    const html = '<p title="a &amp; b">x</p><img src="https://e.org/a.png?x=1&amp;y=2" alt="say &quot;hi&quot;"><picture><source srcset="https://e.org/b.png 2x"></picture><video><source src="https://e.org/v.mp4"></video>';
    const tags = findTags(html, IMG);
    expect(tags.map((t) => [t.name, t.parent])).toEqual([['img', undefined], ['source', 'picture'], ['source', 'video']]);
    const img = tags[0]!;
    expect(img.attrs.get('src')).toBe('https://e.org/a.png?x=1&y=2');
    img.attrs.set('data-original-src', img.attrs.get('src')!);
    img.attrs.set('src', '/media/ab/x.png');
    img.attrs.set('title', 'quotes " and <tags> & more');
    const out = replaceTags(html, [img]);
    expect(out.startsWith('<p title="a &amp; b">x</p><img ')).toBe(true);
    expect(out.endsWith('<picture><source srcset="https://e.org/b.png 2x"></picture><video><source src="https://e.org/v.mp4"></video>')).toBe(true);
    const back = dom(out).querySelector('img')!;
    expect(back.getAttribute('data-original-src')).toBe('https://e.org/a.png?x=1&y=2');
    expect(back.getAttribute('title')).toBe('quotes " and <tags> & more');
    expect(back.getAttribute('alt')).toBe('say "hi"');
    expect(dom(out).querySelectorAll('*').length).toBe(dom(html).querySelectorAll('*').length);
  });
});
