// Entries whose bytes were parsed before are cut out of the document and not parsed again
// (entry-chunks.ts, parser.ts). What is left must parse to exactly the items a whole parse gives
// for those entries — checked on every splittable feed of the corpus — and anything unusual must
// fall back to the whole parse.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../../src-main/core/encoding';
import { splitEntries } from '../../../src-main/core/entry-chunks';
import { parseFeed, parseFeedIncremental } from '../../../src-main/core/parser';
import { CORPUS } from '../../helpers/paths';

const texts = (xml: string) => splitEntries(xml)?.chunks.map(([a, b]) => xml.slice(a, b));

describe('splitEntries', () => {
  it('finds RSS items in the channel, skipping CDATA, comments and look-alike names', () => {
    const xml = `<?xml version="1.0"?><!-- <item>not one</item> --><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title><items>x</items>
      <item><title>A</title><content:encoded><![CDATA[<item>inside</item> </channel>]]></content:encoded></item>
      <itemx/><item a="1 > 0"><title>B &lt;item&gt;</title></item><item/></channel></rss>`;
    const s = splitEntries(xml)!;
    expect(s.rootTag).toMatch(/^<rss version="2.0"/);
    expect(s.parentTag).toBe('<channel>');
    expect(texts(xml)).toEqual(['<item><title>A</title><content:encoded><![CDATA[<item>inside</item> </channel>]]></content:encoded></item>', '<item a="1 > 0"><title>B &lt;item&gt;</title></item>', '<item/>']);
  });

  it('finds Atom entries with XHTML content, and RDF items beside the channel', () => {
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>A</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>one <b>two</b></p><entry>odd</entry></div></content></entry><entry><title>B</title></entry></feed>`;
    expect(texts(atom)).toHaveLength(2);
    expect(texts(atom)![0]).toContain('<entry>odd</entry></div></content></entry>');
    const rdf = `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><items><rdf:Seq><rdf:li rdf:resource="a"/></rdf:Seq></items></channel><item rdf:about="a"><title>A</title></item></rdf:RDF>`;
    expect(texts(rdf)).toEqual(['<item rdf:about="a"><title>A</title></item>']);
  });

  it('gives up on anything a position match could get wrong', () => {
    const cases = [
      '<!DOCTYPE rss [<!ENTITY a "b">]><rss><channel><item/></channel></rss>',
      '<rss><channel><item></channel></rss>',
      '<rss><channel><item/></channel><item/></rss>',
      '<rss><channel><item/></channel></rss><rss/>',
      '<html><item/></html>',
      '<rss><channel><item><![CDATA[never closed</item></channel></rss>',
      '<rss><channel><item a="unclosed></item></channel></rss>',
    ];
    for (const c of cases) expect(splitEntries(c), c).toBeUndefined();
  });
});

function corpusXml(): { file: string; text: string }[] {
  const manifest = readFileSync(join(CORPUS, 'manifest.tsv'), 'utf8').trim().split('\n').slice(1);
  const out: { file: string; text: string }[] = [];
  for (const line of manifest) {
    const [path, format] = line.split('\t');
    if (!path || !/atom|rss|rdf/i.test(format ?? '')) continue;
    try {
      out.push({ file: path, text: decodeBody(readFileSync(join(CORPUS, path)), undefined).text });
    } catch {
      // Unreadable files are the conformance test's business.
    }
  }
  return out;
}

describe('parseFeedIncremental', () => {
  it('parses only unknown entries, each exactly as the whole parse does, on every splittable corpus feed', () => {
    let feeds = 0;
    let skipped = 0;
    for (const { file, text } of corpusXml()) {
      let whole;
      try {
        whole = parseFeedIncremental(text, 'https://example.org/feed');
      } catch {
        continue;
      }
      expect(whole.feed, file).toEqual(parseFeed(text, 'https://example.org/feed'));
      const e = whole.entries;
      if (!e || e.hashes.length < 2) continue;
      feeds++;
      // Every other entry known: the rest must come out exactly as in the whole parse.
      const known = new Set(e.hashes.filter((_, k) => k % 2 === 0));
      const part = parseFeedIncremental(text, 'https://example.org/feed', { context: e.context, hashes: known });
      expect(part.entries?.hashes, file).toEqual(e.hashes);
      const expected = e.hashes.flatMap((h, k) => (known.has(h) ? [] : [whole.feed.items[k]]));
      expect(part.feed.items, file).toEqual(expected);
      const { items: _a, ...wholeFeed } = whole.feed;
      const { items: _b, ...partFeed } = part.feed;
      expect(partFeed, file).toEqual(wholeFeed);
      skipped += e.hashes.length - part.feed.items.length;
    }
    console.log(`entry-chunks: ${feeds} corpus feeds split, ${skipped} entries left out of their parse`);
    expect(feeds).toBeGreaterThan(50);
  });

  it('parses the whole document when what the entries depend on changed', () => {
    const doc = (site: string, n: number) =>
      `<rss version="2.0"><channel><title>t</title><link>${site}</link>${Array.from({ length: n }, (_, i) => `<item><title>P${i}</title><link>/p/${i}</link><guid>g${i}</guid></item>`).join('')}</channel></rss>`;
    const first = parseFeedIncremental(doc('https://a.example/', 3), 'https://a.example/feed');
    const known = { context: first.entries!.context, hashes: new Set(first.entries!.hashes) };
    const same = parseFeedIncremental(doc('https://a.example/', 4), 'https://a.example/feed', known);
    expect(same.feed.items.map((i) => i.title)).toEqual(['P3']);
    // The site moved: the known entries' relative links resolve elsewhere, so all are parsed again.
    const moved = parseFeedIncremental(doc('https://b.example/', 4), 'https://a.example/feed', known);
    expect(moved.feed.items.map((i) => i.link)).toEqual([0, 1, 2, 3].map((i) => `https://b.example/p/${i}`));
    // A different address for the feed itself: the same.
    expect(parseFeedIncremental(doc('https://a.example/', 4), 'https://c.example/feed', known).feed.items).toHaveLength(4);
  });
});
