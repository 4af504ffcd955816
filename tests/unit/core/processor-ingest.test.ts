// Ingestion apart from fetching (issue 3 §8): a fetched feed gives its fetch slot back once it is
// admitted to ingestion, admission is bounded (memory), and digesting skips what is stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshFeeds } from '../../../src-main/core/processor';
import { digestFeed } from '../../../src-main/core/digest';
import { sourceHashOf } from '../../../src-main/core/merge';
import { parseFeed } from '../../../src-main/core/parser';
import { sanitizeHtml } from '../../../src-main/core/sanitizer';
import { startServer, type TestServer } from '../../helpers/http';
import { memoryStore, newFeed } from './memory-store';

const rss = (tag: string, n = 3) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>${tag}</title><link>https://site.example/</link>${Array.from({ length: n }, (_, i) => `<item><title>${tag} ${i}</title><guid>${tag}-${i}</guid><link>https://site.example/${tag}/${i}</link><description>&lt;p&gt;Body of ${tag} ${i} with &lt;a href="/x"&gt;a link&lt;/a&gt;&lt;/p&gt;</description><category>Science</category></item>`).join('')}</channel></rss>`;

let server: TestServer;
const requested: string[] = [];

beforeAll(async () => {
  server = await startServer((req, res) => {
    requested.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(rss((req.url ?? '/x').slice(1)));
  });
});
afterAll(() => server.close());

describe('refreshFeeds: ingestion apart from fetching', () => {
  it('keeps fetching while writes are slow, and holds a bounded number of fetched feeds', async () => {
    const feeds = Array.from({ length: 12 }, (_, i) => newFeed(`${server.origin}/f${i}`));
    const store = memoryStore(feeds);
    store.library().settings.concurrency = 2;
    store.library().settings.perHostConcurrency = 2;
    const put = store.putItems.bind(store);
    let release!: () => void;
    const gate = new Promise<void>((ok) => (release = ok));
    let writing = 0;
    store.putItems = async (u) => {
      writing++;
      await gate;
      return put(u);
    };
    requested.length = 0;
    const done = refreshFeeds({ store, rules: [], emit: () => undefined, offline: false });
    // Let every fetch that can start, start and finish.
    for (let k = 0; k < 50 && requested.length < 12; k++) await new Promise((r) => setTimeout(r, 20));
    const whileBlocked = requested.length;
    // Two fetch slots: more than two feeds fetched means ingestion gave its slots back; but the
    // feeds held stay bounded: two writing (as many as fetch slots), three parsed and waiting to be
    // stored (one per digester: the worker, the main thread, one queued), two fetched and waiting
    // to be parsed.
    expect(whileBlocked).toBeGreaterThan(2);
    expect(whileBlocked).toBeLessThanOrEqual(7);
    expect(writing).toBeLessThan(whileBlocked);
    release();
    const summary = await done;
    expect(summary.updated).toBe(12);
    expect(summary.failed).toEqual([]);
    expect(store.itemCount()).toBe(36);
    expect([...store.contents.values()].every((html) => html.includes('rel="noopener noreferrer"'))).toBe(true);
  });
});

describe('digestFeed', () => {
  const url = 'https://site.example/feed.xml';
  const body = new TextEncoder().encode(rss('d', 4));

  it('parses, fingerprints, tags and sanitizes every item', () => {
    const d = digestFeed({ body, finalUrl: url, feedId: 'f', feedUrl: url, rules: [{ tag: 'has-link', any: ['link'] }] });
    expect(d.feed.title).toBe('d');
    expect(d.encoding).toBe('utf-8');
    const parsed = parseFeed(rss('d', 4), url);
    expect(d.items.map((i) => i.sourceHash)).toEqual(parsed.items.map(sourceHashOf));
    for (const [k, it] of d.items.entries()) {
      expect(it.digest?.html).toBe(sanitizeHtml(parsed.items[k]!.content!, parsed.items[k]!.link!));
      expect(it.digest?.text).toBe(`Body of d ${k} with a link`);
      expect(it.digest?.tags).toEqual(expect.arrayContaining(['science', 'has-link']));
    }
  });

  it('leaves items whose fingerprint is stored undigested, and digests nothing with parseOnly', () => {
    const first = digestFeed({ body, finalUrl: url, feedId: 'f', feedUrl: url, rules: [] });
    const known = [first.items[1]!.sourceHash, first.items[3]!.sourceHash];
    const again = digestFeed({ body, finalUrl: url, feedId: 'f', feedUrl: url, rules: [], known });
    expect(again.items.map((i) => i.digest !== undefined)).toEqual([true, false, true, false]);
    const parsedOnly = digestFeed({ body, finalUrl: url, feedId: 'f', feedUrl: url, rules: [] }, sanitizeHtml, { parseOnly: true });
    expect(parsedOnly.items.every((i) => i.digest === undefined)).toBe(true);
  });

  it("throws the parser's own message for a web page", () => {
    const page = new TextEncoder().encode('<!doctype html><html><body>hi</body></html>');
    expect(() => digestFeed({ body: page, finalUrl: url, feedId: 'f', feedUrl: url, rules: [] })).toThrow(/^parser: /);
  });
});
