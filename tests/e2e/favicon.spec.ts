// Feed icons offline (issue 5): a feed that declares an icon shows it in the sidebar, and still
// does once the feed's server is gone, because the icon is served from the media cache.
import { test, expect, type Page } from '@playwright/test';
import { serve, tempDataDir, type Served, callApi } from './fixtures';
import { rssFeed } from './reader-feeds';
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

const ICON = png(16, 16, [30, 120, 220]);


const iconOf = (page: Page, title: string) => page.getByRole('treeitem', { name: title }).locator('img');

test('a feed shows its cached icon in the sidebar, also with its server gone', async ({ page }) => {
  const hits: string[] = [];
  site = await startServer((req, res) => {
    const path = req.url ?? '/';
    hits.push(path);
    if (path === '/icon.png') return void res.writeHead(200, { 'Content-Type': 'image/png' }).end(ICON);
    if (path === '/feed.xml') {
      const doc = rssFeed('Iconic', `${site!.origin}/`, [{ title: 'Hello', ageMs: 3_600_000, categories: [], body: '<p>Hi.</p>' }]);
      res.writeHead(200, { 'Content-Type': 'application/rss+xml; charset=utf-8' });
      return void res.end(doc.replace('</title>', `</title><image><url>${site!.origin}/icon.png</url><title>Iconic</title><link>${site!.origin}/</link></image>`));
    }
    res.writeHead(404).end();
  });
  served = await serve(await tempDataDir());
  await callApi(served, 'addFeed', `${site.origin}/feed.xml`);
  // The icon is fetched beside the refresh, not inside it: wait until the library has it.
  await expect.poll(async () => ((await callApi(served!, 'listFeeds')) as { icon?: string }[])[0]?.icon, { timeout: 15_000 })
    .toMatch(/^\/media\/[0-9a-f]{2}\/[0-9a-f]{64}\.png$/);
  expect(hits.filter((h) => h === '/icon.png')).toHaveLength(1);

  await page.goto(served.url);
  const icon = iconOf(page, 'Iconic');
  await expect(icon).toHaveAttribute('alt', '');
  await expect.poll(() => icon.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(16);

  await site.close();
  site = undefined;
  await page.reload();
  const again = iconOf(page, 'Iconic');
  await expect.poll(() => again.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(16);
});
