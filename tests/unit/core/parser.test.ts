import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../../src-main/core/encoding';
import { parseFeed, ParseError, WEB_PAGE_MESSAGE } from '../../../src-main/core/parser';
import { CORPUS } from '../../helpers/paths';

const corpus = (p: string, url = 'https://example.org/feed') => parseFeed(decodeBody(readFileSync(join(CORPUS, 'feeds', p))).text, url);
const rss = (items: string, channel = '') => `<?xml version="1.0"?><rss version="2.0"><channel><title>C</title><link>https://site.example/</link>${channel}${items}</channel></rss>`;

describe('parseFeed on real feeds', () => {
  it('reads an RSS 2.0 podcast with enclosures and dates', () => {
    const f = corpus('real-world/rss-parser/giantbomb-podcast.rss');
    expect(f.format).toBe('rss');
    expect(f.title).toBe('Giant Bombcast');
    expect(f.link).toBe('https://www.giantbomb.com/');
    const first = f.items[0]!;
    expect(first.title).toBe('Giant Bombcast 603: Call of Tuesday');
    expect(first.published).toBe('2019-10-01T22:30:00.000Z');
    expect(first.enclosures[0]).toMatchObject({ type: 'audio/mpeg', length: 105003355 });
    expect(first.enclosures[0]!.url).toMatch(/^https:\/\/dts\.podtrac\.com\/.*\.mp3$/);
  });

  it('reads an Atom feed with xhtml-typed categories and summaries', () => {
    const f = corpus('real-world/feedjira/FeedBurnerXHTML.xml');
    expect(f.format).toBe('atom');
    expect(f.items[0]).toMatchObject({ title: "Stock Watch: April's Finest", author: 'Alex Steers McCrum', published: '2014-04-30T13:00:00.000Z', categories: ['Stock Watch', 'Trading'] });
    expect(f.items[0]!.content).toMatch(/^<p>We always think/);
  });

  it('reads RSS 1.0 (RDF) with dc:date and dc:creator', () => {
    const f = corpus('rdf/feed-rs/rss1/rss_1.0_example_1.xml', 'http://www.example.com/feed.rdf');
    expect(f.format).toBe('rdf');
    expect(f.title).toBe('Feed title');
    expect(f.items).toHaveLength(2);
    expect(f.items[0]).toMatchObject({ title: '記事1のタイトル', author: '記事1の作者名', published: '2017-06-13T09:00:00.000Z' });
  });

  it('reads JSON Feed 1.0', () => {
    const f = corpus('real-world/jsonfeed-net/DaringFireballBlog.json');
    expect(f.format).toBe('json');
    expect(f.title).toBe('Daring Fireball');
    expect(f.items[0]).toMatchObject({ guid: 'https://daringfireball.net/linked/2017/05/24/moore-spectre', author: 'John Gruber', published: '2017-05-24T21:28:28.000Z' });
  });

  it('resolves content against xml:base', () => {
    const f = corpus('atom/feed-rs/atom/atom_xml_base.xml', 'https://numi.st/feed.xml');
    expect(f.items[0]!.contentBase).toBe('https://numi.st/post/2022/travel-uke/');
  });
});

describe('parseFeed details', () => {
  it('prefers content:encoded, keeps the description as summary, and resolves relative links', () => {
    const f = parseFeed(
      rss(`<item><title>A &amp; B</title><link>/post/1</link><guid isPermaLink="false">id-1</guid><description>&lt;p&gt;short&lt;/p&gt;</description><content:encoded><![CDATA[<p>long <img src="a.png"></p>]]></content:encoded><category>One</category><category>Two</category></item>`).replace('<rss version="2.0">', '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'),
      'https://feeds.example/rss',
    );
    const it0 = f.items[0]!;
    expect(it0).toMatchObject({ title: 'A & B', link: 'https://site.example/post/1', guid: 'id-1', summary: 'short', content: '<p>long <img src="a.png"></p>', categories: ['One', 'Two'] });
    expect(it0.contentBase).toBe('https://site.example/post/1');
  });

  it('uses a permalink guid as the link, but not one marked isPermaLink="false"', () => {
    const f = parseFeed(rss('<item><title>a</title><guid>https://e.example/a</guid></item><item><title>b</title><guid isPermaLink="false">https://e.example/b</guid></item>'), 'https://e.example/feed');
    expect(f.items.map((i) => i.link)).toEqual(['https://e.example/a', undefined]);
  });

  it('matches namespaces by URI, not by prefix', () => {
    const doc = `<rss version="2.0" xmlns:c="http://purl.org/rss/1.0/modules/content/" xmlns:d="http://purl.org/dc/elements/1.1/"><channel><title>t</title><item><title>x</title><c:encoded>full</c:encoded><d:creator>Ann</d:creator><d:date>2024-02-29T12:00:00+02:00</d:date></item></channel></rss>`;
    expect(parseFeed(doc, 'https://e.example/').items[0]).toMatchObject({ content: 'full', author: 'Ann', published: '2024-02-29T10:00:00.000Z' });
  });

  it('turns Atom html and xhtml titles into plain text and keeps xhtml content in order', () => {
    const doc = `<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">A &lt;b&gt;bold&lt;/b&gt; move</title><entry><id>e1</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">One <b>two</b> three</div></title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>a <em>b</em> c</p></div></content><link href="e1.html"/></entry></feed>`;
    const f = parseFeed(doc, 'https://blog.example/atom.xml');
    expect(f.title).toBe('A bold move');
    expect(f.items[0]!.title).toBe('One two three');
    expect(f.items[0]!.content).toBe('<p>a <em>b</em> c</p>');
    expect(f.items[0]!.link).toBe('https://blog.example/e1.html');
  });

  it('reads zone-less dates as UTC and rejects impossible ones without dropping the item', () => {
    const f = parseFeed(rss('<item><title>a</title><pubDate>2024-03-01T08:00:00</pubDate></item><item><title>b</title><pubDate>Mon, 31 Jun 2024 10:00:00 GMT</pubDate></item>'), 'https://e.example/');
    expect(f.items.map((i) => i.published)).toEqual(['2024-03-01T08:00:00.000Z', undefined]);
    expect(f.items[1]!.title).toBe('b');
  });

  it('tolerates leading whitespace, HTML entities, invalid characters and trailing garbage', () => {
    const doc = `\n\n   <?xml version="1.0"?><rss version="0.91"><channel><title>caf&eacute; &mdash;\u0001 ok</title><item><title>x</title></item></channel></rss>\n<p>Warning: mysql_connect()</p>`;
    const f = parseFeed(doc, 'https://e.example/');
    expect(f.title).toBe('café — ok');
    expect(f.items).toHaveLength(1);
  });

  it('recovers an ill-formed document leniently (unescaped ampersand)', () => {
    const f = parseFeed(rss('<item><title>Fish & Chips</title><link>https://e.example/?a=1&b=2</link></item>'), 'https://e.example/');
    expect(f.items[0]).toMatchObject({ title: 'Fish & Chips', link: 'https://e.example/?a=1&b=2' });
  });

  it('says when the address returned a web page', () => {
    const page = '<!DOCTYPE html><html><head><link rel="alternate" type="application/rss+xml" href="/feed"></head><body>hi</body></html>';
    const err = (() => { try { parseFeed(page, 'https://e.example/'); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).webPage).toBe(true);
    expect((err as ParseError).message).toBe(WEB_PAGE_MESSAGE);
  });

  it('gives clear errors for empty, non-feed and broken documents', () => {
    expect(() => parseFeed('   ', 'https://e.example/')).toThrow('parser: the document is empty');
    expect(() => parseFeed('<note><to>x</to></note>', 'https://e.example/')).toThrow('parser: not a feed (root element <note>)');
    expect(() => parseFeed('{"a":', 'https://e.example/')).toThrow(/^parser: invalid JSON/);
    expect(() => parseFeed('{"version":"x"}', 'https://e.example/')).toThrow('parser: this JSON document is not a JSON Feed');
  });
});

describe('parseFeed against hostile input', () => {
  it('never fetches external entities (XXE)', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>&xxe;</title></channel></rss>';
    expect(() => parseFeed(xxe, 'https://e.example/')).toThrow('parser: refused a document that uses an external entity (&xxe;)');
  });

  it('ends a billion-laughs document fast with a clear error', () => {
    const levels = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
    const bomb = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">${levels}]><rss version="2.0"><channel><title>&lol9;</title></channel></rss>`;
    const t0 = performance.now();
    expect(() => parseFeed(bomb, 'https://e.example/')).toThrow(/entity bomb/);
    expect(performance.now() - t0).toBeLessThan(200);
  });

  it('expands a simple internal entity and nothing else', () => {
    const doc = '<!DOCTYPE rss [<!ENTITY me "Ann">]><rss version="2.0"><channel><title>by &me;</title></channel></rss>';
    expect(parseFeed(doc, 'https://e.example/').title).toBe('by Ann');
  });

  it('does not let JSON Feed keys pollute prototypes', () => {
    const doc = '{"version":"https://jsonfeed.org/version/1.1","title":"t","__proto__":{"polluted":1},"items":[{"id":"1","title":"x","constructor":{"prototype":{"polluted":1}},"__proto__":{"polluted":1}}]}';
    const f = parseFeed(doc, 'https://e.example/');
    expect(f.items[0]!.title).toBe('x');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(f.items[0])).toBe(Object.prototype);
  });
});
