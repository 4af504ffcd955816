// The storage budget in Settings (sizes by part, media limit, clear cache) and the per-feed
// "fetch the full article" switch, through browser mode against the real core.
import { expect, test } from '@playwright/test';
import { callApi, feedServer, serve, tempDataDir, type FeedServer, type Served } from './fixtures';
import { png } from '../helpers/png';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

let served: Served | undefined;
let site: Server | undefined;
let feeds: FeedServer | undefined;

test.afterEach(async () => {
  await served?.stop();
  await feeds?.close();
  site?.closeAllConnections();
  site?.close();
});

test('Settings shows disk use by part, keeps a media limit, and clears the image cache', async ({ page }) => {
  const image = png(400, 300);
  let rss = '';
  // The images live beside the feed: loopback images are cached only from the feed's own origin.
  site = createServer((req, res) => {
    if (req.url === '/chart.png') res.writeHead(200, { 'Content-Type': 'image/png' }).end(image);
    else if (req.url === '/feed.xml') res.writeHead(200, { 'Content-Type': 'application/rss+xml' }).end(rss);
    else res.writeHead(404).end();
  });
  await new Promise<void>((ok) => site!.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  rss = `<?xml version="1.0"?><rss version="2.0"><channel><title>Charts</title><link>${origin}/</link><description>d</description>
    <item><title>A chart</title><link>${origin}/a</link><guid>a</guid><description><![CDATA[<p>See <img src="${origin}/chart.png" alt="chart"></p>]]></description></item>
  </channel></rss>`;
  served = await serve(await tempDataDir());
  await callApi(served, 'addFeed', `${origin}/feed.xml`);
  const before = (await callApi(served, 'storageReport')) as { media: number; total: number };
  expect(before.media).toBeGreaterThanOrEqual(image.length);

  await page.goto(served.url);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  const use = dialog.getByRole('definition');
  await expect(dialog.getByText('Images', { exact: true })).toBeVisible();
  await expect(use.nth(2)).toHaveText(/^[1-9]\d* KB$/);
  await dialog.getByLabel('Image cache limit (MB, 0 = none)').fill('250');
  await dialog.getByLabel('Image cache limit (MB, 0 = none)').blur();
  await expect.poll(async () => ((await callApi(served!, 'getSettings')) as { mediaLimitMb: number }).mediaLimitMb).toBe(250);

  await dialog.getByRole('button', { name: 'Clear image cache' }).click();
  await expect(use.nth(2)).toHaveText('0 KB');
  expect(((await callApi(served, 'storageReport')) as { media: number }).media).toBe(0);
});

test('a feed can be set to fetch full articles from the feed dialog', async ({ page }) => {
  feeds = await feedServer({
    '/feed.xml': {
      body: `<?xml version="1.0"?><rss version="2.0"><channel><title>Short</title><link>https://example.org/</link><description>d</description>
        <item><title>Teaser</title><link>https://example.org/t</link><guid>t</guid><description>Only a teaser.</description></item></channel></rss>`,
    },
  });
  served = await serve(await tempDataDir());
  await callApi(served, 'addFeed', `${feeds.origin}/feed.xml`);
  await page.goto(served.url);
  await page.getByRole('navigation', { name: 'Subscriptions' }).getByRole('treeitem', { name: 'Short' }).click();
  await page.getByRole('button', { name: 'Rename or move' }).click();
  const edit = page.getByRole('dialog', { name: 'Rename or move feed' });
  const box = edit.getByRole('checkbox', { name: /Fetch the full article/ });
  await expect(box).not.toBeChecked();
  await box.check();
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect.poll(async () => ((await callApi(served!, 'listFeeds')) as { fullText: boolean }[])[0]?.fullText).toBe(true);
});
