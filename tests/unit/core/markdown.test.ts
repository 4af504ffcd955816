import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { escapeLiquid, exportFileName, htmlToMarkdown, jekyllDate, renderMarkdown, type ExportItem } from '../../../src-main/core/markdown';
import { asciiFold, folderSlug, slugify } from '../../../src-main/core/slug';

const base: ExportItem = {
  id: 'f1:1',
  title: 'A title',
  link: 'https://example.org/a',
  published: '2024-02-29T23:59:59.000Z',
  summary: 'Summary',
  html: '<p>Body</p>',
  tags: ['t'],
  feedTitle: 'Feed',
  feedFolder: 'News',
};

function frontMatterOf(text: string): Record<string, unknown> {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(text);
  if (!m) throw new Error('no front matter');
  return parse(m[1]!) as Record<string, unknown>;
}

describe('renderMarkdown front matter', () => {
  it.each([
    'He said: "no" — and left',
    "It's a 'quote' # not a comment",
    '--- dashes ---',
    'yes',
    'null',
    '- list? [x] {y} & *star* | pipe > gt %',
    '{{ page.title }} {% include x %}',
  ])('keeps the title %j intact through YAML', (title) => {
    const fm = frontMatterOf(renderMarkdown({ ...base, title }).text);
    expect(fm.title).toBe(title);
  });

  it('collapses newlines in titles and keeps descriptions as plain text', () => {
    const fm = frontMatterOf(renderMarkdown({ ...base, title: 'Line one\nline: two', summary: '<b>Bold</b> &amp; more\n"quoted"' }).text);
    expect(fm.title).toBe('Line one line: two');
    expect(fm.description).toBe('Bold & more "quoted"');
  });

  it('never writes a non-http(s) external_url or link', () => {
    for (const link of ['javascript:alert(1)', ' JAVASCRIPT:alert(1)', 'data:text/html,x', 'file:///etc/passwd', '/relative', undefined]) {
      const { text } = renderMarkdown({ ...base, link });
      expect(frontMatterOf(text).external_url).toBe('');
      expect(text).not.toContain('Read original article');
      expect(text.toLowerCase()).not.toContain('javascript:');
    }
  });

  it('writes the date in UTC and refuses an unusable one', () => {
    expect(jekyllDate('2024-03-01T01:30:00+02:00')).toBe('2024-02-29 23:30:00 +0000');
    expect(() => jekyllDate('not a date')).toThrow('export: unusable date "not a date"');
  });

  it('slugs the folder for categories and feed_category, and handles no folder', () => {
    const fm = frontMatterOf(renderMarkdown({ ...base, feedFolder: 'Tech/Programming Languages' }).text);
    expect(fm.categories).toEqual(['tech_programming_languages']);
    expect(fm.feed_category).toBe('tech_programming_languages');
    const none = frontMatterOf(renderMarkdown({ ...base, feedFolder: '' }).text);
    expect(none.categories).toEqual([]);
    expect(none.feed_category).toBe('');
  });
});

describe('renderMarkdown body', () => {
  it('converts paragraphs, headings, links, lists and images, decoding entities', () => {
    const md = htmlToMarkdown(
      '<h2>Head &amp; more</h2><p>First &#8220;para&#8221; with <a href="https://e.example/x">a link</a>.</p><p>Second<br>line</p><ul><li>one</li><li>two</li></ul><ol><li>first</li></ol><p><img src="https://e.example/i.png" alt="An image"></p>',
    );
    expect(md).toContain('## Head & more');
    expect(md).toContain('First “para” with [a link](https://e.example/x).');
    expect(md).toMatch(/\n\nSecond {2}\nline\n\n/);
    expect(md).toMatch(/^-\s+one$/m);
    expect(md).toMatch(/^1\.\s+first$/m);
    expect(md).toContain('![An image](https://e.example/i.png)');
  });

  it('keeps markup-looking text as text and drops unsafe link targets (defense behind the sanitizer)', () => {
    const md = htmlToMarkdown(
      '<p>&lt;script&gt;alert(1)&lt;/script&gt; <a href="javascript:alert(1)">click</a> <a href=" JavaScript:x">two</a> <a href="mailto:a@b.example">mail</a></p><p><img src="data:image/png;base64,xx" alt="tracker"><img src="file:///etc/x" alt=""></p>',
    );
    expect(md).not.toMatch(/(?<!\\)<script|javascript:|data:|file:/i);
    expect(md).toContain('\\<script>alert(1)\\</script>');
    expect(md).toContain('click two [mail](mailto:a@b.example)');
    expect(md).toContain('tracker');
  });

  it('escapes Liquid so Jekyll prints it, including an attempt to close the raw block', () => {
    const { text } = renderMarkdown({ ...base, html: '<p>{{ site.secret }} and {% include evil.html %} then {% endraw %}{{ x }}</p>' });
    const body = text.split('\n---\n')[1]!;
    expect(body).toMatch(/^\n\{% raw %\}\n/);
    // Exactly one raw block: the body's own endraw was neutralized.
    expect(body.match(/\{%\s*endraw/g)).toHaveLength(1);
    expect(body).toContain('&#123;% endraw %}');
    expect(escapeLiquid('no liquid here { } %')).toBe('no liquid here { } %');
  });

  it('ends with a blank line and the link to the original', () => {
    const { text } = renderMarkdown({ ...base, link: 'https://e.example/a b(c)' });
    expect(text.endsWith('\n\n[Read original article](https://e.example/a%20b%28c%29)\n')).toBe(true);
  });
});

describe('file names', () => {
  it('are YYYY-MM-DD-slug.md, ASCII-folded, at most 80 slug characters, never a path', () => {
    expect(exportFileName({ ...base, title: 'Ça va? Größe & Œuvre: “quoted”' })).toBe('2024-02-29-ca-va-grosse-oeuvre-quoted.md');
    const long = exportFileName({ ...base, title: 'word '.repeat(60) });
    expect(long.length - '2024-02-29-.md'.length).toBeLessThanOrEqual(80);
    expect(exportFileName({ ...base, title: '../../etc/passwd' })).toBe('2024-02-29-etc-passwd.md');
    expect(exportFileName({ ...base, title: 'שלום עולם', id: 'feed/../x:42' })).toBe('2024-02-29-item-feed-x-42.md');
  });

  it('fold and slug helpers', () => {
    expect(asciiFold('Øresund Łódź')).toBe('Oresund Lodz');
    expect(slugify("Don't stop — it's fine")).toBe('dont-stop-its-fine');
    expect(folderSlug('Environmental News')).toBe('environmental_news');
    expect(folderSlug('  Business & Economy ')).toBe('business_economy');
  });
});

describe('cached images in the export', () => {
  it('point at their original URL, not the offline cache', async () => {
    const { htmlToMarkdown } = await import('../../../src-main/core/markdown-body');
    const local = `/media/ab/${'ab'.repeat(32)}.png`;
    const md = htmlToMarkdown(`<p>Chart: <img src="${local}" data-original-src="https://example.org/chart.png" alt="A chart"></p>`);
    expect(md).toContain('![A chart](https://example.org/chart.png)');
    expect(md).not.toContain('/media/');
  });
});
