import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { charsetOf, decodeBody } from '../../../src-main/core/encoding';
import { parseFeed } from '../../../src-main/core/parser';
import { CORPUS } from '../../helpers/paths';

const ENC = join(CORPUS, 'feeds/encoding');
const read = (p: string) => readFileSync(join(ENC, p));
const titleOf = (bytes: Buffer, contentType?: string) => parseFeed(decodeBody(bytes, contentType).text, 'https://example.org/feed').title;

describe('decodeBody on the corpus', () => {
  it('maps 0x80 of windows-1252 to the euro sign (not a C1 control) and of koi8-r to a box line', () => {
    const w = decodeBody(read('feedparser-v6.0.14/encoding/x80_windows-1252.xml'));
    expect(w.encoding).toBe('windows-1252');
    expect(titleOf(read('feedparser-v6.0.14/encoding/x80_windows-1252.xml'))).toBe('\u20ac');
    expect(titleOf(read('feedparser-v6.0.14/encoding/x80_koi8-r.xml'))).toBe('\u2500');
    expect(titleOf(read('feedparser-v6.0.14/encoding/x80_windows-1251.xml'))).toBe('\u0402');
  });

  it('reads UTF-16 BE with a BOM and UTF-32 BE without one', () => {
    const u16 = decodeBody(read('simplepie/feed-utf16be.xml'));
    expect(u16.encoding).toBe('utf-16be');
    expect(parseFeed(u16.text, 'https://example.org/').title).toBe('Test feed');
    const u32 = decodeBody(read('feedparser-v6.0.14/encoding/csucs4.xml'));
    expect(u32.encoding).toBe('utf-32be');
    expect(u32.text).toContain('<rss>');
  });

  it('follows the XML prolog for ISO-8859-1 and windows-1251 feeds', () => {
    const jn = decodeBody(read('rss-parser/encoding.rss'));
    expect(parseFeed(jn.text, 'https://www.jn.pt/').title).toBe('Jornal de Notícias - Últimas Notícias');
    const oren = decodeBody(read('node-feedparser/iconv.xml'));
    expect(oren.encoding).toBe('windows-1251');
    expect(oren.text).toMatch(/[А-Яа-я]{4}/);
  });

  it('lets the HTTP charset override the prolog', () => {
    const bytes = read('feedparser/encoding/http_text_xml_charset_2.xml');
    const feed = parseFeed(decodeBody(bytes, 'text/xml; charset=windows-1252').text, 'https://example.org/');
    expect(feed.items[0]?.content).toBe('This is a \u00a3\u201ctest.\u201d');
  });

  it('gunzips a body sent gzipped without Content-Encoding', () => {
    const d = decodeBody(read('node-feedparser/compressed.xml'));
    expect(d.text.trimStart().startsWith('<')).toBe(true);
    expect(parseFeed(d.text, 'https://example.org/').items.length).toBeGreaterThan(0);
  });
});

describe('decodeBody rules', () => {
  it('falls back to windows-1252 for invalid UTF-8', () => {
    const bytes = Buffer.from([...Buffer.from('<rss><channel><title>caf'), 0xe9, 0x20, 0x93, 0x78, 0x94, ...Buffer.from('</title></channel></rss>')]);
    const d = decodeBody(bytes);
    expect(d.encoding).toBe('windows-1252');
    expect(d.text).toContain('café “x”');
  });

  it('strips a UTF-8 BOM and keeps valid UTF-8', () => {
    const d = decodeBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<rss>ß€</rss>')]));
    expect(d).toEqual({ text: '<rss>ß€</rss>', encoding: 'utf-8' });
  });

  it('ignores an unknown charset label and still decodes', () => {
    expect(decodeBody(Buffer.from('<rss>ok</rss>'), 'text/xml; charset=x-bogus').text).toBe('<rss>ok</rss>');
    expect(decodeBody(gzipSync(Buffer.from('<rss>zip</rss>'))).text).toBe('<rss>zip</rss>');
  });

  it('reads the charset parameter of Content-Type', () => {
    expect(charsetOf('text/xml; Charset="KOI8-R"')).toBe('koi8-r');
    expect(charsetOf('application/rss+xml')).toBeUndefined();
  });
});
