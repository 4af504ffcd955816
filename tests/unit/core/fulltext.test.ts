// Full-text extraction over real pages from a loopback server: the article is kept, the page's
// chrome and scripts are not, and failures are recorded per item without stopping the others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractFullText, fetchFullTexts, suggestFullText } from '../../../src-main/core/fulltext';
import { openReader } from '../../../src-main/core/service';
import type { Item } from '../../../src-main/core/model';
import type { FullText } from '../../../src-main/storage/types';
import { startServer, type TestServer } from '../../helpers/http';
import { png } from '../../helpers/png';

const PARAS = [
  'The committee met on Tuesday to discuss the long-delayed bridge across the river, which has been closed to heavy traffic since spring.',
  'Engineers presented three options, each with a different cost and timeline, and residents asked pointed questions about the detour routes.',
  'A final decision is expected next month, after the regional budget is published and the transport ministry gives its opinion on funding.',
];
const page = (title: string, extra = '') => `<!doctype html><html><head><title>${title}</title><script>window.evil = 1</script></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a> <a href="/login">Log in</a></nav>
<main><article><h1>${title}</h1>${PARAS.map((p) => `<p>${p}</p>`).join('')}${extra}<p onclick="steal()">Signed, the editor.</p></article></main>
<footer>Copyright, cookies, newsletter sign-up and other furniture.</footer></body></html>`;
const PIC = png(12, 9);
let server: TestServer;
let storyDown = false;

beforeAll(async () => {
  server = await startServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/story' && storyDown) return void res.writeHead(503).end();
    if (path === '/story') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page('Bridge decision delayed', '<p><img src="/fig.png" alt="figure"></p>'));
    if (path === '/latin1') return void res.writeHead(200, { 'content-type': 'text/html; charset=iso-8859-1' }).end(Buffer.from(page('Café society', '<p>Le café était fermé.</p>'), 'latin1'));
    if (path === '/fig.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(PIC);
    if (path === '/doc.pdf') return void res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.4');
    if (path === '/empty') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body><p>Hi.</p></body></html>');
    if (path === '/feed.xml') {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      return void res.end(feedDoc);
    }
    res.writeHead(404).end();
  });
});
afterAll(() => server.close());
let feedDoc = '';

const item = (id: string, link?: string) => ({ id, ...(link && { link }) }) as Item;

describe('extractFullText', () => {
  it('keeps the article and drops navigation, scripts and event handlers', () => {
    const html = extractFullText(page('Bridge decision delayed'), 'https://news.example/story')!;
    for (const p of PARAS) expect(html).toContain(p);
    expect(html).not.toContain('Log in');
    expect(html).not.toContain('window.evil');
    expect(html).not.toContain('onclick');
    expect(html).toContain('Signed, the editor.');
  });

  it('resolves relative links against the page and refuses what is not an article', () => {
    const html = extractFullText(page('Links', '<p>See <a href="/more">more</a>.</p>'), 'https://news.example/a/b')!;
    expect(html).toContain('href="https://news.example/more"');
    expect(extractFullText('<html><body><p>Hi.</p></body></html>', 'https://news.example/')).toBeUndefined();
    expect(extractFullText('', 'https://news.example/')).toBeUndefined();
    expect(extractFullText(page('x'), 'not a url')).toBeUndefined();
    expect(extractFullText(page('x'), 'file:///etc/passwd')).toBeUndefined();
  });
});

describe('suggestFullText', () => {
  it('suggests full text for feeds of short summaries, judged by the median item', () => {
    const long = PARAS.join(' ').repeat(2);
    expect(suggestFullText(['Short teaser.', 'Another one…', 'A third.'])).toBe(true);
    expect(suggestFullText(['Short teaser.', long, 'A third.'])).toBe(true);
    expect(suggestFullText([long, long, 'A third.'])).toBe(false);
    expect(suggestFullText(['Short', 'Short'])).toBe(false);
  });
});

describe('fetchFullTexts', () => {
  it('stores each article by item id and records each failure', async () => {
    const content = new Map<string, FullText>();
    const errors: string[] = [];
    const items = [
      item('a', `${server.origin}/story`),
      item('b', `${server.origin}/latin1`),
      item('c', `${server.origin}/missing`),
      item('d', `${server.origin}/doc.pdf`),
      item('e', `${server.origin}/empty`),
      item('f'),
      item('keep', 'http://localhost:1/elsewhere'),
    ];
    const r = await fetchFullTexts(items, content, { feedUrl: `${server.origin}/feed.xml`, errors });
    expect(r).toEqual({ stored: 2, failed: 4 });
    const html = (id: string) => { const f = content.get(id); return f && 'html' in f ? f.html : undefined; };
    expect(html('a')).toContain(PARAS[1]);
    expect(html('b')).toContain('Le café était fermé.');
    expect(content.get('c')).toEqual({ error: expect.stringMatching(/^fetcher: status 404/) });
    expect(content.has('f')).toBe(false);
    expect(errors.join('\n')).toMatch(/c: fetcher: status 404/);
    expect(errors.join('\n')).toMatch(/d: fulltext: .* is application\/pdf/);
    expect(errors.join('\n')).toMatch(/e: fulltext: no article found/);
    expect(errors.join('\n')).toMatch(/keep: fulltext: refused private address/);
  });
});

describe('a feed set to fetch full articles', () => {
  it('stores the extracted article, with its images cached, beside the feed\'s own text', async () => {
    feedDoc = `<?xml version="1.0"?><rss version="2.0"><channel><title>Local news</title><link>${server.origin}/</link></channel></rss>`;
    const reader = await openReader({ dataDir: join(await mkdtemp(join(tmpdir(), 'tidings-fulltext-')), 'data') });
    try {
      const added = await reader.api.addFeed(`${server.origin}/feed.xml`);
      if (added.kind !== 'added') throw new Error('not added');
      await reader.api.updateFeed(added.feed.id, { fullText: true });
      feedDoc = feedDoc.replace('</channel>', `<item><title>Bridge</title><guid>s1</guid><link>${server.origin}/story</link><description>Short teaser.</description></item></channel>`);
      expect(await reader.api.refresh()).toMatchObject({ newItems: 1, failed: [] });
      const [first] = (await reader.api.listItems({})).items;
      const detail = await reader.api.getItem(first!.id);
      expect(detail!.fullHtml).toContain(PARAS[2]);
      expect(detail!.fullHtml).not.toContain('Short teaser.');
      expect(detail!.fullHtml).toMatch(/<img src="\/media\/[0-9a-f]{2}\/[0-9a-f]{64}\.png"/);
      // The feed's version stays, for the reader's toggle back to it.
      expect(detail!.html).toContain('Short teaser.');
      expect(detail!.fullTextError).toBeUndefined();
      expect((await reader.api.listFeeds())[0]!.health.offline).toEqual({ imagesStored: 1, imagesFailed: 0, fullTextStored: 1, fullTextFailed: 0, errors: [] });
    } finally {
      await reader.close();
    }
  });

  it('keeps the last full article when a later fetch fails, says why, and exports and restores it', async () => {
    storyDown = false;
    feedDoc = `<?xml version="1.0"?><rss version="2.0"><channel><title>Local news</title><link>${server.origin}/</link>` +
      `<item><title>Bridge</title><guid>s1</guid><link>${server.origin}/story</link><description>Short teaser.</description></item></channel></rss>`;
    const dir = await mkdtemp(join(tmpdir(), 'tidings-fulltext-'));
    const reader = await openReader({ dataDir: join(dir, 'data') });
    try {
      const added = await reader.api.addFeed(`${server.origin}/feed.xml`);
      if (added.kind !== 'added') throw new Error('not added');
      await reader.api.updateFeed(added.feed.id, { fullText: true });
      await reader.api.refresh();
      const id = (await reader.api.listItems({})).items[0]!.id;
      // The item changes and its page is down: the article fetched before stays, with the reason.
      storyDown = true;
      feedDoc = feedDoc.replace('Short teaser.', 'A corrected teaser.');
      await reader.api.refresh();
      const detail = await reader.api.getItem(id);
      expect(detail!.html).toContain('A corrected teaser.');
      expect(detail!.fullHtml).toContain(PARAS[0]);
      expect(detail!.fullTextError).toMatch(/status 503/);

      const report = await reader.api.exportMarkdown({ ids: [id], dir: join(dir, 'out') });
      expect(report.written).toHaveLength(1);
      const { readFile } = await import('node:fs/promises');
      expect(await readFile(report.written[0]!, 'utf8')).toContain(PARAS[1]);

      await reader.api.removeFeed(added.feed.id);
      await reader.api.restoreFeed(added.feed.id);
      expect((await reader.api.getItem(id))!.fullHtml).toContain(PARAS[0]);
    } finally {
      storyDown = false;
      await reader.close();
    }
  });
});
