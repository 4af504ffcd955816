// Screenshots of the reader in light and dark (for the README), from browser mode with real feeds
// of the corpus. Writes only when TIDINGS_SCREENSHOTS names a folder: `TIDINGS_SCREENSHOTS=docs
// npx playwright test reader-screenshots`.
import { test, expect } from '@playwright/test';
import { join } from 'node:path';
import { corpusFile, feedServer, serve, tempDataDir, type FeedServer, type Served } from './fixtures';

const OUT = process.env.TIDINGS_SCREENSHOTS;
const FEEDS: [string, string, string][] = [
  ['/guardian.rss', 'feeds/real-world/rss-parser/guardian.rss', 'News'],
  ['/daring.json', 'feeds/real-world/jsonfeed-net/DaringFireballBlog.json', 'Tech'],
  ['/tpm.atom', 'feeds/real-world/node-feedparser/tpm.atom', 'News/Politics'],
  ['/crunch.xml', 'feeds/real-world/feed-extractor/rss-feed-standard-realworld.xml', 'Tech'],
];

let served: Served | undefined;
let feeds: FeedServer | undefined;
test.afterEach(async () => {
  await served?.stop();
  await feeds?.close();
});

test('screenshots of the reader in light and dark', async ({ browser }) => {
  test.skip(!OUT, 'set TIDINGS_SCREENSHOTS=<folder> to write the README screenshots');
  test.setTimeout(120_000);
  const docs: Record<string, { body: string; type: string }> = {};
  for (const [path, rel] of FEEDS) {
    docs[path] = { body: await corpusFile(rel), type: rel.endsWith('.json') ? 'application/feed+json' : 'application/xml' };
  }
  feeds = await feedServer(docs);
  served = await serve(await tempDataDir());
  for (const [path, , folder] of FEEDS) {
    const res = await fetch(`${served.origin}/api/addFeed`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${served.token}` },
      body: JSON.stringify({ args: [`${feeds.origin}${path}`, folder] }),
    });
    expect(res.status).toBe(200);
  }
  for (const scheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(served.url);
    const options = page.getByRole('listbox', { name: 'Items' }).getByRole('option');
    await expect(options.first()).toBeVisible({ timeout: 15_000 });
    await options.nth(1).click();
    await expect(page.getByRole('article')).toBeVisible();
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(OUT!, `reader-${scheme}.png`) });
    await context.close();
  }
});
