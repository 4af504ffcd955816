// Offline means offline (issue 8): refresh a feed whose articles carry images from a local server,
// stop that server, then read every article in Chromium: each image shows, and nothing fails.
import { test, expect, type Page } from '@playwright/test';
import { serve, tempDataDir, type Served, callApi } from './fixtures';
import { rssFeed, type FeedEntry } from './reader-feeds';
import { startServer, type TestServer } from '../helpers/http';
import { png } from '../helpers/png';

let served: Served | undefined;
let site: TestServer | undefined;

test.afterEach(async () => {
  await served?.stop();
  await site?.close();
  served = undefined;
  site = undefined;
});

const IMAGES: Record<string, Buffer> = {
  '/img/one.png': png(40, 30, [200, 40, 40]),
  '/img/two.png': png(24, 24, [40, 200, 40]),
  '/img/small.png': png(20, 10, [40, 40, 200]),
  '/img/large.png': png(60, 30, [40, 40, 200]),
  '/img/shared.png': png(16, 16, [120, 120, 0]),
  '/img/lighthouse.png': png(30, 50, [250, 250, 250]),
};
const HOUR = 3_600_000;
const STORY = [
  'The harbour authority confirmed on Monday that the old lighthouse will be restored rather than demolished, after a long campaign.',
  'Volunteers have already catalogued the original lenses, and a local foundry offered to recast the missing brass fittings at cost.',
  'Work starts in the autumn; the keeper’s cottage will become a small museum about the coast and the ships lost along it.',
];
// A summary-only item: offline, its text comes from the page the reader fetched at refresh.
const TEASER_ITEM = (origin: string) =>
  `<item><title>Lighthouse saved</title><link>${origin}/posts/full</link><guid isPermaLink="false">teaser-1</guid><pubDate>${new Date(Date.now() - 5 * HOUR).toUTCString()}</pubDate><description>The lighthouse will stay…</description></item>`;
const ARTICLE_PAGE = `<!doctype html><html><head><title>Lighthouse saved</title></head><body><nav><a href="/">Home</a></nav>
<article><h1>Lighthouse saved</h1>${STORY.map((p) => `<p>${p}</p>`).join('')}<p><img src="/img/lighthouse.png" alt="the lighthouse"></p></article></body></html>`;
let withTeaser = false;
const ENTRIES: FeedEntry[] = [
  { title: 'Two pictures', ageMs: 1 * HOUR, categories: [], body: '<p>First <img src="/img/one.png" alt="one"> and <img src="/img/two.png" alt="two"></p>' },
  { title: 'A responsive picture', ageMs: 2 * HOUR, categories: [], body: '<p><img src="/img/small.png" srcset="/img/small.png 1x, /img/large.png 2x" alt="responsive"></p>' },
  { title: 'The same logo again', ageMs: 3 * HOUR, categories: [], body: '<p><img src="/img/shared.png" alt="logo"> <img src="/img/shared.png" alt="logo again"></p>' },
  { title: 'Words only', ageMs: 4 * HOUR, categories: [], body: '<p>No pictures in this one.</p>' },
];


const items = (page: Page) => page.getByRole('listbox', { name: 'Items' }).getByRole('option');

test('articles read with the feed server gone show every image and the full text, with zero failed requests', async ({ page }) => {
  const hits: string[] = [];
  site = await startServer((req, res) => {
    const path = req.url ?? '/';
    hits.push(path);
    const img = IMAGES[path];
    if (img) return void res.writeHead(200, { 'Content-Type': 'image/png' }).end(img);
    if (path === '/feed.xml') {
      res.writeHead(200, { 'Content-Type': 'application/rss+xml; charset=utf-8' });
      const doc = rssFeed('Pictures', `${site!.origin}/`, ENTRIES);
      return void res.end(withTeaser ? doc.replace('</channel>', `${TEASER_ITEM(site!.origin)}</channel>`) : doc);
    }
    if (path === '/posts/full') return void res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(ARTICLE_PAGE);
    res.writeHead(404).end();
  });
  served = await serve(await tempDataDir());
  const added = (await callApi(served, 'addFeed', `${site.origin}/feed.xml`)) as { feed: { id: string } };
  await callApi(served, 'updateFeed', added.feed.id, { fullText: true });
  withTeaser = true;
  await callApi(served, 'refresh');
  // Each image was fetched once (the shared logo too), and never the small candidate of the srcset.
  expect(hits.filter((h) => h.startsWith('/img/')).sort()).toEqual(['/img/large.png', '/img/lighthouse.png', '/img/one.png', '/img/shared.png', '/img/two.png']);
  expect(hits.filter((h) => h === '/posts/full')).toHaveLength(1);
  const siteOrigin = site.origin;
  await site.close();
  site = undefined;

  const failures: string[] = [];
  const outside: string[] = [];
  page.on('requestfailed', (r) => failures.push(`${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) failures.push(`${r.url()} ${r.status()}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(served!.origin) && !r.url().startsWith('data:') && !r.url().startsWith('about:')) outside.push(r.url());
  });

  await page.goto(served.url);
  await expect(items(page)).toHaveCount(ENTRIES.length + 1, { timeout: 15_000 });
  const frame = page.frameLocator('iframe[title="Article content"]');
  let seen = 0;
  for (const entry of ENTRIES) {
    await items(page).filter({ hasText: entry.title }).first().click();
    await expect(page.getByRole('article').getByRole('heading', { name: entry.title })).toBeVisible();
    const expected = (entry.body.match(/<img /g) ?? []).length;
    if (!expected) {
      await expect(frame.locator('p')).toHaveText('No pictures in this one.');
      continue;
    }
    const imgs = frame.locator('img');
    await expect(imgs).toHaveCount(expected);
    for (let i = 0; i < expected; i++) {
      const img = imgs.nth(i);
      await expect(img).toHaveAttribute('src', /^\/media\/[0-9a-f]{2}\/[0-9a-f]{64}\.png$/);
      await expect(img).toHaveAttribute('data-original-src', new RegExp(`^${siteOrigin}/img/`));
      await img.scrollIntoViewIfNeeded();
      await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
      seen++;
    }
  }
  expect(seen).toBe(5);
  // The summary-only item reads in full, its picture included.
  await items(page).filter({ hasText: 'Lighthouse saved' }).first().click();
  for (const p of STORY) await expect(frame.getByText(p)).toBeVisible();
  await expect(frame.getByText('The lighthouse will stay…')).toHaveCount(0);
  const lighthouse = frame.getByRole('img', { name: 'the lighthouse' });
  await lighthouse.scrollIntoViewIfNeeded();
  await expect.poll(() => lighthouse.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(30);
  // A toggle goes back to what the feed itself sent, for this article only, and forth again.
  const choice = page.getByRole('radiogroup', { name: 'Article text' });
  await expect(choice.getByRole('radio', { name: 'Full article' })).toBeChecked();
  await choice.getByText("Feed's version").click();
  await expect(frame.getByText('The lighthouse will stay…')).toBeVisible();
  await expect(frame.getByText(STORY[0]!)).toHaveCount(0);
  await choice.getByText('Full article').click();
  await expect(frame.getByText(STORY[0]!)).toBeVisible();
  // The 2x candidate was the one kept: its natural size is the large image's.
  await items(page).filter({ hasText: 'A responsive picture' }).first().click();
  await expect.poll(() => frame.locator('img').evaluate((el: HTMLImageElement) => el.naturalWidth)).toBe(60);
  expect(failures).toEqual([]);
  expect(outside).toEqual([]);
});

test('a feed of short summaries suggests fetching the full article, and one click makes it readable offline', async ({ page }) => {
  const teasers = ['Bridge', 'Harbour', 'Market'].map((t, i) => ({ title: `${t} news`, path: `/posts/${t.toLowerCase()}`, age: (i + 1) * HOUR }));
  site = await startServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/feed.xml') {
      const items = teasers.map((t) => `<item><title>${t.title}</title><link>${site!.origin}${t.path}</link><guid isPermaLink="false">${t.path}</guid><pubDate>${new Date(Date.now() - t.age).toUTCString()}</pubDate><description>${t.title} in one line…</description></item>`);
      return void res.writeHead(200, { 'Content-Type': 'application/rss+xml' }).end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Teasers</title><link>${site!.origin}/</link>${items.join('')}</channel></rss>`);
    }
    const t = teasers.find((x) => x.path === path);
    if (t) return void res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<html><body><article><h1>${t.title}</h1>${STORY.map((p) => `<p>${t.title}: ${p}</p>`).join('')}</article></body></html>`);
    res.writeHead(404).end();
  });
  served = await serve(await tempDataDir());
  await page.goto(served.url);
  await page.getByRole('button', { name: 'Add feed', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a feed' });
  await dialog.getByRole('textbox', { name: 'Feed or website address' }).fill(`${site.origin}/feed.xml`);
  await dialog.getByRole('button', { name: 'Subscribe' }).click();
  await expect(items(page)).toHaveCount(3, { timeout: 15_000 });
  await items(page).first().click();
  const frame = page.frameLocator('iframe[title="Article content"]');
  await expect(frame.getByText('Bridge news in one line…')).toBeVisible();
  const note = page.getByRole('note', { name: 'Full article suggestion' });
  await expect(note).toContainText('Teasers sends only short summaries');
  await note.getByRole('button', { name: 'Fetch full articles' }).click();
  await expect(note).toHaveCount(0, { timeout: 15_000 });
  const feeds = (await callApi(served, 'listFeeds')) as { fullText: boolean; health: { offline?: { fullTextStored: number } } }[];
  expect(feeds[0]!.fullText).toBe(true);
  // The items the feed had already are given their full article too, not only later ones.
  await expect.poll(async () => ((await callApi(served!, 'listFeeds')) as typeof feeds)[0]!.health.offline?.fullTextStored, { timeout: 15_000 }).toBe(3);
  await site.close();
  site = undefined;
  await items(page).nth(1).click();
  await items(page).first().click();
  await expect(frame.getByText(`Bridge news: ${STORY[1]}`)).toBeVisible();
});
