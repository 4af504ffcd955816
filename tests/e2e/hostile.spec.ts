// Issue 7: the hostile corpus (tests/fixtures/hostile) ingested by the real `tidings serve` and
// opened item by item in Chromium. Playwright watches every request and dialog: no script may
// run, nothing may reach the canary server, the sidebar and timeline stay visible and clickable,
// and each item's benign text stays visible.
import { expect, test, type Dialog, type Page } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { feedServer, serve, tempDataDir, type FeedServer, type Served, callApi } from './fixtures';
import { hostileItems, hostileRss } from '../fixtures/hostile/items';

let served: Served | undefined;
let feeds: FeedServer | undefined;
let canary: Server | undefined;

test.afterEach(async () => {
  await served?.stop();
  await feeds?.close();
  canary?.closeAllConnections();
  await new Promise<void>((ok) => (canary ? canary.close(() => ok()) : ok()));
  served = feeds = canary = undefined;
});


/** A server whose every hit is a failure: only an attack could make anything contact it. */
async function canaryServer(hits: string[]): Promise<string> {
  canary = createServer((req, res) => {
    hits.push(`${req.method} ${req.url} (${req.headers['user-agent'] ?? ''})`);
    res.writeHead(204).end();
  });
  await new Promise<void>((ok) => canary!.listen(0, '127.0.0.1', ok));
  return `http://127.0.0.1:${(canary.address() as AddressInfo).port}`;
}

async function expectChromeUsable(page: Page): Promise<void> {
  const sidebar = page.getByRole('navigation', { name: 'Subscriptions' });
  const timeline = page.getByRole('listbox', { name: 'Items' });
  await expect(sidebar).toBeVisible();
  await expect(timeline).toBeVisible();
  // A trial click fails when anything (an overlay from an article) would receive the click instead.
  await sidebar.getByRole('treeitem').first().click({ trial: true, timeout: 2_000 });
  await timeline.getByRole('option').first().click({ trial: true, timeout: 2_000 });
}

test('hostile items run no script, reach no canary, and leave the reader usable', async ({ page }) => {
  test.setTimeout(240_000);
  const canaryHits: string[] = [];
  const canaryOrigin = await canaryServer(canaryHits);
  const corpus = hostileItems(canaryOrigin);
  feeds = await feedServer({ '/hostile.xml': { body: hostileRss('http://127.0.0.1', canaryOrigin) } });
  served = await serve(await tempDataDir());
  await callApi(served, 'addFeed', `${feeds.origin}/hostile.xml`);
  await callApi(served, 'refresh');

  const dialogs: string[] = [];
  const canaryRequests: string[] = [];
  const popups: string[] = [];
  page.on('dialog', (d: Dialog) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => {
    if (r.url().startsWith(canaryOrigin)) canaryRequests.push(r.url());
  });
  page.on('popup', (p) => popups.push(p.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' && /pwned|canary/i.test(m.text())) dialogs.push(`console: ${m.text()}`);
  });

  await page.goto(served.url);
  const options = page.getByRole('listbox', { name: 'Items' }).getByRole('option');
  await expect(options.first()).toBeVisible({ timeout: 20_000 });
  await expectChromeUsable(page);

  const frame = page.frameLocator('iframe[title="Article content"]');
  const seen = new Set<string>();
  for (let i = 0; i < corpus.length; i++) {
    await page.locator('body').press('j');
    await expect(page.getByRole('article')).toBeVisible();
    const text = (await frame.locator('body').innerText({ timeout: 10_000 })) ?? '';
    const id = /hostile-\d\d/.exec(text)?.[0];
    expect(id, `item ${i + 1} shows no benign marker:\n${text.slice(0, 300)}`).toBeDefined();
    const item = corpus.find((c) => c.id === id)!;
    expect(text).toContain(item.marker);
    seen.add(item.id);
    await expectChromeUsable(page);
  }

  expect([...corpus.map((c) => c.id)].filter((id) => !seen.has(id))).toEqual([]);
  expect(dialogs).toEqual([]);
  expect(popups).toEqual([]);
  expect(canaryRequests).toEqual([]);
  expect(canaryHits).toEqual([]);
});
