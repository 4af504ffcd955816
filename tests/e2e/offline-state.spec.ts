// Offline state (issue 8): with every feed unreachable a refresh turns the reader "Offline", while
// reading and search keep working; when the feed server is back, the next refresh clears it.
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, tempDataDir, type Served } from './fixtures';
import { rssFeed, type FeedEntry } from './reader-feeds';

let served: Served | undefined;
let site: Server | undefined;

const HOUR = 3_600_000;
const ENTRIES: FeedEntry[] = [
  { title: 'Harbour lighthouse restored', ageMs: 1 * HOUR, categories: [], body: '<p>The lighthouse keeps shining.</p>' },
  { title: 'Ferry timetable changes', ageMs: 2 * HOUR, categories: [], body: '<p>Boats leave earlier in winter.</p>' },
];
const FEED = rssFeed('Coast News', 'http://127.0.0.1/', ENTRIES);

/** listen: serve the feed on 127.0.0.1 (port 0 picks a free one). */
async function listen(port = 0): Promise<number> {
  site = createServer((req, res) => {
    if (req.url === '/coast.xml') return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(FEED);
    res.writeHead(404).end();
  });
  await new Promise<void>((ok) => site!.listen(port, '127.0.0.1', ok));
  return (site.address() as AddressInfo).port;
}

async function stopSite(): Promise<void> {
  const s = site;
  site = undefined;
  if (s) await new Promise<void>((ok) => (s.closeAllConnections(), s.close(() => ok())));
}

test.afterEach(async () => {
  await served?.stop();
  await stopSite();
  served = undefined;
});

const items = (page: Page) => page.getByRole('listbox', { name: 'Items' }).getByRole('option');
const offline = (page: Page) => page.getByRole('status').filter({ hasText: 'Offline — reading from your library' });

test('a refresh with every feed unreachable shows Offline, reading and search still work, and it clears when the server is back', async ({ page }) => {
  const port = await listen();
  served = await serve(await tempDataDir());
  await page.goto(served.url);
  await page.getByRole('button', { name: 'Add feed', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a feed' });
  await dialog.getByRole('textbox', { name: 'Feed or website address' }).fill(`http://127.0.0.1:${port}/coast.xml`);
  await dialog.getByRole('button', { name: 'Subscribe' }).click();
  await expect(items(page)).toHaveCount(ENTRIES.length, { timeout: 15_000 });
  await expect(offline(page)).toHaveCount(0);

  await stopSite();
  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  await expect(offline(page)).toBeVisible();
  const axe = await new AxeBuilder({ page }).include('p.offline').analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  await items(page).filter({ hasText: 'Ferry timetable changes' }).click();
  await expect(page.getByRole('article').getByRole('heading', { name: 'Ferry timetable changes' })).toBeVisible();
  const body = page.getByRole('article').frameLocator('iframe[title="Article content"]').locator('body');
  await expect(body).toContainText('Boats leave earlier in winter.');
  await page.getByRole('searchbox', { name: 'Search' }).fill('lighthouse');
  await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
  await expect(items(page)).toHaveCount(1);
  await expect(items(page).first()).toContainText('Harbour lighthouse restored');
  await expect(offline(page)).toBeVisible();

  // A reload asks the core, so the state survives it.
  await page.reload();
  await expect(offline(page)).toBeVisible();

  await listen(port);
  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  await expect(offline(page)).toHaveCount(0);
});
