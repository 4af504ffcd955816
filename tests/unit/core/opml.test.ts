import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { buildOpml, parseOpml, planImport, type OpmlEntry } from '../../../src-main/core/opml';
import { CORPUS } from '../../helpers/paths';

const manifest = readFileSync(join(CORPUS, 'manifest.tsv'), 'utf8')
  .split('\n')
  .map((l) => l.split('\t'))
  .filter((c) => c[1] === 'opml');
const wellFormed = manifest.filter((c) => c[2] === 'well-formed').map((c) => c[0]!);
const illFormed = manifest.filter((c) => c[2] === 'ill-formed').map((c) => c[0]!);
const read = (p: string) => readFileSync(join(CORPUS, p));

const key = (e: Pick<OpmlEntry, 'url' | 'title' | 'folder'>) => `${e.folder}|${e.title ?? ''}|${e.url}`;

// A strict XML parser (jsdom's, saxes underneath): what we write must be well-formed for any reader.
const { DOMParser } = new JSDOM('').window;
function strictlyWellFormed(xml: string): boolean {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  return doc.getElementsByTagName('parsererror').length === 0 && doc.documentElement.nodeName === 'opml';
}

describe('parseOpml on the corpus', () => {
  it('has OPML files to read', () => {
    expect(wellFormed.length).toBeGreaterThan(100);
  });

  it.each(wellFormed)('round-trips %s', (path) => {
    const first = parseOpml(read(path));
    const xml = buildOpml(first.entries, first.title);
    expect(strictlyWellFormed(xml)).toBe(true);
    const again = parseOpml(xml);
    expect(again.refused).toEqual([]);
    expect(again.entries.map(key).sort()).toEqual(first.entries.map(key).sort());
    expect(again.entries.map((e) => e.siteUrl ?? '').sort()).toEqual(first.entries.map((e) => e.siteUrl ?? '').sort());
    if (first.title) expect(again.title).toBe(first.title);
  });

  it.each(illFormed)('reads %s without crashing: entries, or a clear opml: error', (path) => {
    try {
      const r = parseOpml(read(path));
      for (const e of r.entries) expect(e.url).toMatch(/^https?:\/\/[^/]/);
    } catch (err) {
      expect((err as Error).message).toMatch(/^opml: /);
    }
  });

  it('accounts for every xmlUrl of every corpus file: imported or refused with a reason', () => {
    for (const path of [...wellFormed, ...illFormed]) {
      const n = (read(path).toString('latin1').match(/xmlUrl\s*=/gi) ?? []).length;
      let got = 0;
      try {
        const r = parseOpml(read(path));
        got = r.entries.length + r.refused.filter((x) => !/type "(link|include)"/.test(x.reason)).length;
      } catch {
        got = 0;
      }
      expect(got, path).toBe(n);
    }
  });

  it('keeps nested folders as a path (Liferea)', () => {
    const r = parseOpml(read('opml/liferea/feedlist_en.opml'));
    const folders = new Set(r.entries.map((e) => e.folder));
    expect([...folders].some((f) => f.split('/').length >= 2)).toBe(true);
    // Liferea's search folders carry a fake xmlUrl: refused with a reason, the rest imports.
    expect(r.refused.length).toBeGreaterThan(0);
    for (const x of r.refused) expect(x.reason).toMatch(/vfolder/);
    expect(r.entries.length).toBeGreaterThan(10);
  });

  it('reads an unescaped & and keeps the folder name (awesome-rss-feeds)', () => {
    const r = parseOpml(read('opml/awesome-rss-feeds/recommended/with_category/Business & Economy.opml'));
    expect(r.entries.length).toBeGreaterThan(5);
    expect(new Set(r.entries.map((e) => e.folder))).toEqual(new Set(['Business & Economy']));
  });

  it('reads the head title alone (node-opmlparser categories.opml has a dateCreated after it)', () => {
    expect(parseOpml(read('opml/node-opmlparser/categories.opml')).title).toBe('Illustrating the category attribute');
  });

  it('refuses a command URL with its line and imports the rest (newsboat piped.opml)', () => {
    const r = parseOpml(read('opml/newsboat/piped.opml'));
    expect(r.refused).toEqual([{ line: 8, url: '|~/fetch_tweets.py', reason: 'not an absolute URL (relative or a command)' }]);
    expect(r.entries).toEqual([{ url: 'https://example.com/feed.atom', title: 'example.com website (Atom feed)', folder: 'tagged', line: 10 }]);
  });

  it('says clearly when a file is not OPML', () => {
    expect(() => parseOpml(read('opml/holllo-opml/samples/invalid_xml.opml'))).toThrow(/^opml: not an OPML document/);
    expect(() => parseOpml('<rss version="2.0"><channel/></rss>')).toThrow('opml: not an OPML document (root element <rss>)');
  });
});

describe('parseOpml on hostile and odd input', () => {
  const doc = (body: string, prolog = '<?xml version="1.0" encoding="UTF-8"?>') =>
    `${prolog}\n<opml version="2.0">\n<head><title>T</title></head>\n<body>\n${body}\n</body>\n</opml>\n`;

  it('refuses non-http(s) schemes entry by entry with line numbers', () => {
    const r = parseOpml(
      doc(
        [
          '<outline text="ok" xmlUrl="https://ok.example/feed"/>',
          '<outline text="f" xmlUrl="file:///etc/passwd"/>',
          '<outline text="j" xmlUrl=" JaVa&#x09;Script:alert(1)"/>',
          '<outline text="d" xmlUrl="data:text/xml,&lt;rss/&gt;"/>',
          '<outline text="r" xmlUrl="/relative/feed.xml"/>',
          '<outline text="e" xmlUrl=""/>',
        ].join('\n'),
      ),
    );
    expect(r.entries.map((e) => e.url)).toEqual(['https://ok.example/feed']);
    expect(r.refused.map((x) => [x.line, x.reason])).toEqual([
      [6, 'scheme file: is not allowed (only http and https)'],
      [7, 'scheme javascript: is not allowed (only http and https)'],
      [8, 'scheme data: is not allowed (only http and https)'],
      [9, 'not an absolute URL (relative or a command)'],
      [10, 'empty URL'],
    ]);
  });

  it('accepts url for xmlUrl, a missing type, feed:// and mixed-case hosts', () => {
    const r = parseOpml(doc('<outline text="A" url="feed://Example.COM/rss"/>\n<outline title="B" xmlurl="HTTPS://B.example:443/x#frag"/>'));
    expect(r.entries.map((e) => [e.url, e.title])).toEqual([
      ['http://example.com/rss', 'A'],
      ['https://b.example/x', 'B'],
    ]);
  });

  it('maps subscribe-link schemes (feed:, itpc:, pcast:) to http(s)', () => {
    const r = parseOpml(
      doc(['feed:https://a.example/x', 'FEED://b.example/y', 'itpc://c.example/pod.xml', 'pcast://d.example/p'].map((u) => `<outline text="t" xmlUrl="${u}"/>`).join('\n')),
    );
    expect(r.entries.map((e) => e.url)).toEqual(['https://a.example/x', 'http://b.example/y', 'http://c.example/pod.xml', 'http://d.example/p']);
  });

  it('never expands DTD entities (billion laughs, external entity)', () => {
    const xml = `<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY x SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><body><outline text="&b;&x;" xmlUrl="https://e.example/f"/></body></opml>`;
    const r = parseOpml(xml);
    expect(r.entries).toHaveLength(1);
    expect(r.entries[0]!.title).toBe('&b;&x;');
  });

  it('decodes a legacy encoding declared in the prolog, and UTF-16 with a BOM', () => {
    const text = doc('<outline text="Café Größe" xmlUrl="https://e.example/f"/>', '<?xml version="1.0" encoding="ISO-8859-1"?>');
    expect(parseOpml(iconv.encode(text, 'latin1')).entries[0]!.title).toBe('Café Größe');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text.replace('ISO-8859-1', 'UTF-16'), 'utf-16le')]);
    expect(parseOpml(utf16).entries[0]!.title).toBe('Café Größe');
    expect(parseOpml(`\ufeff${doc('<outline text="x" xmlUrl="https://e.example/f"/>')}`).entries).toHaveLength(1);
  });

  it('drops broken descriptions without losing the outlines around them, even on one line', () => {
    const xml = '<opml><body><outline text="A" description="say "hi" <em x="y">now</em>" xmlUrl="https://a.example/f"/><outline text="B" description="plain" category="c"/><outline text="C" xmlUrl="https://c.example/f" description="x"/></body></opml>';
    expect(parseOpml(xml).entries.map((e) => [e.title, e.url])).toEqual([
      ['A', 'https://a.example/f'],
      ['C', 'https://c.example/f'],
    ]);
  });

  it('turns a / in a folder name into - so the path keeps its levels', () => {
    const r = parseOpml(doc('<outline text="UI/UX"><outline text="Deep"><outline text="x" xmlUrl="https://e.example/f"/></outline></outline>'));
    expect(r.entries[0]!.folder).toBe('UI-UX/Deep');
  });
});

describe('planImport', () => {
  it('merges duplicates and separates what the library has', () => {
    const parsed = parseOpml(
      `<opml><body><outline text="A" xmlUrl="https://a.example/feed"/><outline text="A again" xmlUrl="HTTPS://A.example/feed#x"/>
<outline text="B" xmlUrl="http://b.example/rss"/><outline text="bad" xmlUrl="javascript:x"/></body></opml>`,
    );
    const plan = planImport(parsed, [{ url: 'http://B.example/rss' }]);
    expect(plan.toAdd.map((a) => [a.url, a.title])).toEqual([['https://a.example/feed', 'A']]);
    expect(plan.present.map((p) => p.url)).toEqual(['http://b.example/rss']);
    expect(plan.duplicates).toEqual([{ url: 'https://a.example/feed', line: 1, firstLine: 1 }]);
    expect(plan.refused).toHaveLength(1);
  });
});

describe('buildOpml', () => {
  it('escapes titles and nests folder paths', () => {
    const xml = buildOpml(
      [
        { url: 'https://a.example/?a=1&b=2', title: 'Tom & "Jerry" <3\nnew line', folder: 'Tech/Programming' },
        { url: 'https://b.example/', folder: '' },
      ],
      'Mine',
    );
    expect(xml).toContain('<opml version="2.0">');
    expect(strictlyWellFormed(xml)).toBe(true);
    expect(strictlyWellFormed(buildOpml([{ url: 'https://c.example/', title: 'bad \u0001\u0008 chars \ud800 here', folder: 'A\u000b/B' }]))).toBe(true);
    const r = parseOpml(xml);
    expect(r.title).toBe('Mine');
    expect(r.entries.map((e) => [e.url, e.title, e.folder])).toEqual([
      ['https://b.example/', undefined, ''],
      ['https://a.example/?a=1&b=2', 'Tom & "Jerry" <3 new line', 'Tech/Programming'],
    ]);
  });
});
