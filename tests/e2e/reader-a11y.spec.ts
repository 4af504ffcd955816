// An axe-core scan of the reader in light and dark: no serious or critical violation.
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { feedServer, serve, tempDataDir, type FeedServer, type Served } from './fixtures';
import { rssFeed } from './reader-feeds';

let served: Served | undefined;
let feeds: FeedServer | undefined;

test.afterEach(async () => {
  await served?.stop();
  await feeds?.close();
});

async function seriousViolations(page: Page): Promise<string[]> {
  // The article frame is the feed's own (sanitized) HTML in an opaque, script-less sandbox: axe cannot
  // run inside it, and its markup is the publisher's, not ours.
  const result = await new AxeBuilder({ page }).exclude('iframe[title="Article content"]').analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

for (const scheme of ['light', 'dark'] as const) {
  test(`no serious or critical axe violation in the ${scheme} theme`, async ({ browser }) => {
    // axe needs a page from an explicit context.
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    feeds = await feedServer({
      '/a.xml': {
        body: rssFeed('Accessible Feed', 'http://127.0.0.1/', [
          { title: 'An unread item with tags', ageMs: 3_600_000, categories: ['Science', 'Space'], body: '<p>Stars <a href="https://example.org/">and links</a>.</p>' },
          { title: 'Another item', ageMs: 7_200_000, categories: ['Science'], body: '<p>More.</p>' },
        ]),
      },
    });
    served = await serve(await tempDataDir());
    await page.goto(served.url);
    // The empty state is a screen of its own.
    await expect(page.getByRole('heading', { name: 'No subscriptions yet' })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Add feed', exact: true }).click();
    await page.getByRole('textbox', { name: 'Feed or website address' }).fill(`${feeds.origin}/a.xml`);
    await page.getByRole('combobox', { name: 'Folder (optional)' }).fill('Reading');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    const options = page.getByRole('listbox', { name: 'Items' }).getByRole('option');
    await expect(options).toHaveCount(2, { timeout: 15_000 });
    await options.nth(1).click();
    await expect(page.getByRole('article').getByRole('heading', { name: 'Another item' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });
}
