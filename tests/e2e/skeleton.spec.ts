// The walking skeleton, end to end: add a feed by URL, refresh, open an item, and find it read —
// still read after the server restarts, and in the CLI, which shares the data dir.
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { feedServer, serve, tempDataDir, type FeedServer, type Served } from './fixtures';
import { REPO } from '../helpers/paths';

function rss(items: { title: string; guid: string; day: number }[]): string {
  const entries = items
    .map(
      (i) => `<item><title>${i.title}</title><link>https://example.org/${i.guid}</link><guid>${i.guid}</guid>
        <pubDate>${new Date(Date.UTC(2025, 0, i.day, 12)).toUTCString()}</pubDate>
        <description><![CDATA[<p>Body of <b>${i.title}</b>.</p><p>Second paragraph.</p>]]></description></item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Skeleton News</title>
    <link>https://example.org/</link><description>test</description>${entries}</channel></rss>`;
}

let feeds: FeedServer;
let served: Served | undefined;

test.afterEach(async () => {
  await served?.stop();
  await feeds?.close();
});

test('add → refresh → open → read persists across a restart and in the CLI', async ({ page }) => {
  feeds = await feedServer({ '/feed.xml': { body: rss([{ title: 'First light', guid: 'a1', day: 1 }, { title: 'Second wind', guid: 'a2', day: 2 }]) } });
  const dataDir = await tempDataDir();
  served = await serve(dataDir);
  await page.goto(served.url);

  const sidebar = page.getByRole('navigation', { name: 'Subscriptions' });
  await expect(sidebar.getByRole('tree')).toBeVisible();
  await sidebar.getByRole('button', { name: 'Add feed' }).click();
  await page.getByLabel('Feed or website address').fill(`${feeds.origin}/feed.xml`);
  await page.getByRole('button', { name: 'Subscribe' }).click();

  const list = page.getByRole('listbox', { name: 'Items' });
  await expect(list.getByRole('option')).toHaveCount(2);
  await expect(sidebar.getByRole('treeitem', { name: /Skeleton News/ })).toBeVisible();

  // A new item appears on the server; Refresh brings it in without duplicating the others.
  feeds.set('/feed.xml', rss([
    { title: 'First light', guid: 'a1', day: 1 },
    { title: 'Second wind', guid: 'a2', day: 2 },
    { title: 'Third time', guid: 'a3', day: 3 },
  ]));
  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  await expect(list.getByRole('option')).toHaveCount(3);
  await expect(list.getByRole('option').first()).toContainText('Third time');

  const row = list.getByRole('option').filter({ hasText: 'Second wind' });
  await expect(row).toHaveAttribute('data-read', 'false');
  await row.click();
  await expect(row).toHaveAttribute('aria-selected', 'true');
  await expect(row).toHaveAttribute('data-read', 'true');
  const article = page.getByRole('article');
  await expect(article.getByRole('heading', { name: 'Second wind' })).toBeVisible();
  const frame = article.locator('iframe[title="Article content"]');
  await expect(frame).toHaveAttribute('sandbox', /^(?!.*allow-scripts)/);
  await expect(page.frameLocator('iframe[title="Article content"]').getByText('Second paragraph.')).toBeVisible();
  await expect(sidebar.getByRole('treeitem', { name: /Unread/ })).toContainText('2');

  // Quit and start again on the same data dir.
  await served.stop();
  served = await serve(dataDir);
  await page.goto(served.url);
  const again = page.getByRole('listbox', { name: 'Items' }).getByRole('option');
  await expect(again).toHaveCount(3);
  await expect(again.filter({ hasText: 'Second wind' })).toHaveAttribute('data-read', 'true');
  await expect(again.filter({ hasText: 'First light' })).toHaveAttribute('data-read', 'false');
  await served.stop();
  served = undefined;

  // The CLI reads the same library.
  const out = execFileSync(process.execPath, [join(REPO, 'bin/tidings.js'), 'list', '--json', '--data-dir', dataDir]).toString();
  const rows = JSON.parse(out) as { title: string; read: boolean; feedTitle: string }[];
  expect(rows.map((r) => [r.title, r.read])).toEqual([
    ['Third time', false],
    ['Second wind', true],
    ['First light', false],
  ]);
  expect(rows[0]!.feedTitle).toBe('Skeleton News');
});

test('the API refuses a request without the token', async ({ request }) => {
  const dataDir = await tempDataDir();
  served = await serve(dataDir);
  const noToken = await request.post(`${served.origin}/api/listFeeds`, { data: { args: [] } });
  expect(noToken.status()).toBe(401);
  const wrong = await request.post(`${served.origin}/api/listFeeds`, { data: { args: [] }, headers: { Authorization: 'Bearer nope' } });
  expect(wrong.status()).toBe(401);
  const ok = await request.post(`${served.origin}/api/listFeeds`, { data: { args: [] }, headers: { Authorization: `Bearer ${served.token}` } });
  expect(ok.status()).toBe(200);
  expect(await ok.json()).toEqual({ ok: true, value: [] });
});
