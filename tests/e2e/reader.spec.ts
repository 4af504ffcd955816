// The reader in browser mode, driven by roles and keys (DESIGN §5), against the real `tidings serve`
// and feeds served from 127.0.0.1.
import { test, expect, type Page } from '@playwright/test';
import { corpusFile, feedServer, serve, tempDataDir, type FeedServer, type Served, callApi } from './fixtures';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { readdir, readFile } from 'node:fs/promises';
import { REPO } from '../helpers/paths';
import { rssFeed, type FeedEntry } from './reader-feeds';

let served: Served | undefined;
let feeds: FeedServer | undefined;

test.afterEach(async () => {
  await served?.stop();
  await feeds?.close();
  served = undefined;
  feeds = undefined;
});

const DAY = 86_400_000;
const ENTRIES: FeedEntry[] = [
  { title: 'Kernel 7.1 released', ageMs: 2 * 3_600_000, categories: ['Linux', 'Kernel'], body: '<p>The <b>kernel</b> news.</p>' },
  { title: 'A new phone appears', ageMs: 5 * 3_600_000, categories: ['Apple'], body: '<p>Phones.</p>' },
  { title: 'Filesystems compared', ageMs: 2 * DAY, categories: ['Linux'], body: '<p>ext4 and btrfs.</p>' },
  { title: 'Old news about compilers', ageMs: 10 * DAY, categories: ['Linux', 'Compilers'], body: '<p>GCC.</p>' },
  { title: 'Very old tablet review', ageMs: 20 * DAY, categories: ['Apple'], body: '<p>Tablets.</p>' },
];


/** startWithFeed: a served library subscribed to one generated feed, refreshed, opened in the page. */
async function startWithFeed(page: Page, entries: FeedEntry[] = ENTRIES, title = 'Example Tech'): Promise<Served> {
  feeds = await feedServer({ '/tech.xml': { body: rssFeed(title, 'http://127.0.0.1/', entries) } });
  served = await serve(await tempDataDir());
  await callApi(served, 'addFeed', `${feeds.origin}/tech.xml`);
  await callApi(served, 'refresh');
  await page.goto(served.url);
  await expect(page.getByText(`${entries.length} items`, { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(items(page).first()).toBeVisible();
  return served;
}

const items = (page: Page) => page.getByRole('listbox', { name: 'Items' }).getByRole('option');
const sidebar = (page: Page) => page.getByRole('navigation', { name: 'Subscriptions' });

async function unreadOf(page: Page, name: string): Promise<number> {
  const text = await sidebar(page).getByRole('treeitem', { name, exact: true }).innerText();
  const m = /(\d+)\s*unread/i.exec(text);
  return m ? Number(m[1]) : 0;
}

test('an empty library invites to add a feed or import OPML, and the token leaves the address bar', async ({ page }) => {
  served = await serve(await tempDataDir());
  await page.goto(served.url);
  await expect(page.getByRole('heading', { name: 'No subscriptions yet' })).toBeVisible();
  await expect(sidebar(page).getByRole('tree')).toBeVisible();
  for (const name of ['Refresh', 'Mark all as read', 'Import OPML', 'Export Markdown']) {
    await expect(page.getByRole('button', { name, exact: true })).toBeVisible();
  }
  await expect(page.getByRole('searchbox', { name: 'Search' })).toBeVisible();
  expect(page.url()).not.toContain('token=');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'No subscriptions yet' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('adding a feed in the dialog and opening an item marks it read and updates every count', async ({ page }) => {
  feeds = await feedServer({ '/tech.xml': { body: rssFeed('Example Tech', 'http://127.0.0.1/', ENTRIES) } });
  served = await serve(await tempDataDir());
  await page.goto(served.url);
  await page.getByRole('button', { name: 'Add feed', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a feed' });
  await dialog.getByRole('textbox', { name: 'Feed or website address' }).fill(`${feeds.origin}/tech.xml`);
  // A field with suggestions (a datalist) is a combobox.
  await dialog.getByRole('combobox', { name: 'Folder (optional)' }).fill('Tech/News');
  await dialog.getByRole('button', { name: 'Subscribe' }).click();
  await expect(items(page)).toHaveCount(ENTRIES.length, { timeout: 15_000 });
  await expect(sidebar(page).getByRole('treeitem', { name: 'Tech', exact: true })).toBeVisible();
  await expect.poll(() => unreadOf(page, 'Example Tech')).toBe(ENTRIES.length);
  await expect(page).toHaveTitle(`(${ENTRIES.length}) Tidings`);

  const first = items(page).first();
  await expect(first).toHaveAttribute('data-read', 'false');
  await first.click();
  await expect(first).toHaveAttribute('aria-selected', 'true');
  await expect(first).toHaveAttribute('data-read', 'true');
  const article = page.getByRole('article');
  await expect(article.getByRole('heading', { name: ENTRIES[0]!.title })).toBeVisible();
  const frame = article.locator('iframe[title="Article content"]');
  await expect(frame).toHaveAttribute('sandbox', 'allow-popups allow-popups-to-escape-sandbox');
  await expect(page.frameLocator('iframe[title="Article content"]').locator('b')).toHaveText('kernel');
  await expect.poll(() => unreadOf(page, 'Example Tech')).toBe(ENTRIES.length - 1);
  await expect.poll(() => unreadOf(page, 'Unread')).toBe(ENTRIES.length - 1);
  await expect(page).toHaveTitle(`(${ENTRIES.length - 1}) Tidings`);

  // The read state is the core's, not only the page's.
  await page.reload();
  await expect(items(page).first()).toHaveAttribute('data-read', 'true');
});

test('Google Reader keys move, open, toggle and switch views, but not while typing', async ({ page }) => {
  await startWithFeed(page);
  const list = items(page);
  await page.keyboard.press('j');
  await expect(list.nth(0)).toHaveAttribute('aria-selected', 'true');
  await expect(list.nth(0)).toHaveAttribute('data-read', 'true');
  await page.keyboard.press('j');
  await expect(list.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('article').getByRole('heading', { name: ENTRIES[1]!.title })).toBeVisible();
  await page.keyboard.press('k');
  await expect(list.nth(0)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('n');
  await page.keyboard.press('n');
  await expect(list.nth(2)).toHaveAttribute('aria-selected', 'true');
  await expect(list.nth(2)).toHaveAttribute('data-read', 'false');
  await page.keyboard.press('o');
  await expect(list.nth(2)).toHaveAttribute('data-read', 'true');
  await page.keyboard.press('m');
  await expect(list.nth(2)).toHaveAttribute('data-read', 'false');
  await page.keyboard.press('s');
  await expect(page.getByRole('button', { name: 'Star', exact: true })).toHaveAttribute('aria-pressed', 'true');

  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  await page.keyboard.press('g');
  await page.keyboard.press('s');
  await expect(sidebar(page).getByRole('treeitem', { name: 'Starred' })).toHaveAttribute('aria-selected', 'true');
  await expect(list).toHaveCount(1);
  await page.keyboard.press('g');
  await page.keyboard.press('u');
  await expect(sidebar(page).getByRole('treeitem', { name: 'Unread' })).toHaveAttribute('aria-selected', 'true');
  await expect(list).toHaveCount(ENTRIES.length - 2);

  await page.keyboard.press('/');
  const search = page.getByRole('searchbox', { name: 'Search' });
  await expect(search).toBeFocused();
  await page.keyboard.type('jk');
  await expect(search).toHaveValue('jk');
  await expect(list.first()).toHaveAttribute('aria-selected', 'false');
});

test('tag filters toggle, combine with any or all, and search narrows the timeline', async ({ page }) => {
  await startWithFeed(page);
  const tags = page.getByRole('group', { name: 'Tags' });
  const linux = tags.getByRole('button', { name: /^linux/ });
  await linux.click();
  await expect(linux).toHaveAttribute('aria-pressed', 'true');
  await expect(items(page)).toHaveCount(3);
  await tags.getByRole('button', { name: /^apple/ }).click();
  await expect(items(page)).toHaveCount(5);
  await page.getByRole('button', { name: 'Match any' }).click();
  await expect(items(page)).toHaveCount(0);
  await expect(page.getByText('No items match this search or these tags.')).toBeVisible();
  await tags.getByRole('button', { name: /^apple/ }).click();
  await expect(items(page)).toHaveCount(3);
  await linux.click();
  await expect(linux).toHaveAttribute('aria-pressed', 'false');
  await expect(items(page)).toHaveCount(ENTRIES.length);

  await page.getByRole('searchbox', { name: 'Search' }).fill('compilers');
  await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
  await expect(items(page)).toHaveCount(1);
  await expect(items(page).first()).toContainText('Old news about compilers');
});

test('Mark all as read applies to what is shown, can be undone, and honours "older than a week"', async ({ page }) => {
  await startWithFeed(page);
  await page.getByRole('button', { name: 'More ways to mark as read' }).click();
  await page.getByRole('button', { name: 'Older than a week' }).click();
  await expect(items(page).nth(3)).toHaveAttribute('data-read', 'true');
  await expect(items(page).nth(4)).toHaveAttribute('data-read', 'true');
  await expect(items(page).nth(2)).toHaveAttribute('data-read', 'false');
  await expect.poll(() => unreadOf(page, 'Unread')).toBe(3);

  await page.getByRole('button', { name: 'Mark all as read', exact: true }).click();
  for (let i = 0; i < ENTRIES.length; i++) await expect(items(page).nth(i)).toHaveAttribute('data-read', 'true');
  await expect(page).toHaveTitle('Tidings');
  await page.getByRole('button', { name: 'Undo' }).last().click();
  await expect(items(page).nth(0)).toHaveAttribute('data-read', 'false');
  await expect(items(page).nth(2)).toHaveAttribute('data-read', 'false');
  await expect(items(page).nth(4)).toHaveAttribute('data-read', 'true');
  await expect.poll(() => unreadOf(page, 'Unread')).toBe(3);
});

test('settings take effect at once and persist; the article frame follows them', async ({ page }) => {
  await startWithFeed(page);
  await items(page).first().click();
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByRole('radio', { name: 'Dark' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await dialog.getByRole('spinbutton', { name: 'Text size (px)' }).fill('24');
  await dialog.getByRole('spinbutton', { name: 'Text size (px)' }).press('Tab');
  await dialog.getByRole('radio', { name: 'Sans-serif' }).check();
  await page.keyboard.press('Escape');
  const srcdoc = () => page.locator('iframe[title="Article content"]').getAttribute('srcdoc');
  await expect.poll(srcdoc).toContain('font-size:24px');
  expect(await srcdoc()).toContain('system-ui');
  expect(await srcdoc()).not.toMatch(/script-src|allow-scripts/);
  const csp = await page.frameLocator('iframe[title="Article content"]').locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toMatch(/^default-src 'none';/);
  await expect.poll(async () => ((await callApi(served!, 'getSettings')) as { articleSize: number }).articleSize).toBe(24);
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
});

test('a feed that starts failing shows an error badge and its message in the feed info', async ({ page }) => {
  await startWithFeed(page);
  feeds!.set('/tech.xml', '<html><body>Gone fishing</body></html>', 'text/html');
  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  const feed = sidebar(page).getByRole('treeitem', { name: 'Example Tech' });
  await expect(feed.locator('.badge')).toBeVisible({ timeout: 15_000 });
  await expect(feed).toHaveAccessibleDescription(/Refresh failed: \S+/);
  await feed.click();
  await page.getByRole('button', { name: 'Feed info' }).click();
  const info = page.getByRole('dialog', { name: /Feed info/ });
  await expect(info.getByRole('alert')).toContainText('Last refresh failed');
  // The items fetched before the failure are still there.
  await page.keyboard.press('Escape');
  await expect(items(page)).toHaveCount(ENTRIES.length);
});

test('new items from a refresh appear at the top while the open item stays selected, even in Unread', async ({ page }) => {
  await startWithFeed(page);
  await sidebar(page).getByRole('treeitem', { name: 'Unread' }).click();
  await expect(items(page)).toHaveCount(ENTRIES.length);
  await items(page).nth(2).click();
  await expect(items(page).nth(2)).toHaveAttribute('data-read', 'true');
  const fresh: FeedEntry = { title: 'Breaking: a fresh story', ageMs: 60_000, categories: ['Linux'], body: '<p>New.</p>' };
  feeds!.set('/tech.xml', rssFeed('Example Tech', 'http://127.0.0.1/', [fresh, ...ENTRIES]));
  await page.keyboard.press('r');
  await expect(items(page).first()).toContainText(fresh.title, { timeout: 15_000 });
  await expect(page.getByRole('listbox', { name: 'Items' }).locator('[aria-selected="true"]')).toContainText(ENTRIES[2]!.title);
  await expect(page.getByRole('article').getByRole('heading', { name: ENTRIES[2]!.title })).toBeVisible();
  await expect.poll(() => unreadOf(page, 'Example Tech')).toBe(ENTRIES.length);
});

test('a site offering two feeds lets the reader choose; rename, move and unsubscribe with undo', async ({ page }) => {
  const site = `<!doctype html><html><head><title>Site</title>
    <link rel="alternate" type="application/rss+xml" title="All posts" href="/tech.xml">
    <link rel="alternate" type="application/rss+xml" title="Comments" href="/comments.xml"></head><body>Hi</body></html>`;
  feeds = await feedServer({
    '/': { body: site, type: 'text/html; charset=utf-8' },
    '/tech.xml': { body: rssFeed('Example Tech', 'http://127.0.0.1/', ENTRIES) },
    '/comments.xml': { body: rssFeed('Comments', 'http://127.0.0.1/', ENTRIES.slice(0, 1)) },
  });
  served = await serve(await tempDataDir());
  await page.goto(served.url);
  await page.getByRole('button', { name: 'Add a feed…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a feed' });
  await dialog.getByLabel('Feed or website address').fill(`${feeds.origin}/`);
  await dialog.getByRole('button', { name: 'Subscribe' }).click();
  await expect(dialog.getByRole('group', { name: /several feeds/ })).toBeVisible();
  await dialog.getByRole('button', { name: /All posts/ }).click();
  await expect(dialog).toBeHidden();
  await expect(items(page)).toHaveCount(ENTRIES.length);

  const feed = sidebar(page).getByRole('treeitem', { name: 'Example Tech' });
  await expect(feed).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('button', { name: 'Rename or move' }).click();
  const edit = page.getByRole('dialog', { name: 'Rename or move feed' });
  await edit.getByLabel('Title').fill('My Tech');
  await edit.getByLabel('Folder').fill('Reading/Tech');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(sidebar(page).getByRole('treeitem', { name: 'Reading', exact: true })).toHaveAttribute('aria-expanded', 'true');
  const renamed = sidebar(page).getByRole('treeitem', { name: 'My Tech' });
  await expect(renamed).toBeVisible();

  await page.getByRole('button', { name: 'Unsubscribe' }).click();
  await expect(renamed).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'No subscriptions yet' })).toBeVisible();
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(sidebar(page).getByRole('treeitem', { name: 'My Tech' })).toBeVisible();
  await sidebar(page).getByRole('treeitem', { name: 'My Tech' }).click();
  await expect(items(page)).toHaveCount(ENTRIES.length);
});

test('Export Markdown writes what is shown, or the open item, into the folder typed in the dialog', async ({ page }) => {
  await startWithFeed(page);
  const out = await tempDataDir();
  await page.getByRole('group', { name: 'Tags' }).getByRole('button', { name: /^apple/ }).click();
  await expect(items(page)).toHaveCount(2);
  await page.getByRole('button', { name: 'Export Markdown', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Export to Markdown' });
  await expect(dialog).toContainText('the 2 items shown');
  await dialog.getByLabel('Target folder').fill(join(out, 'all'));
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(dialog.getByRole('status')).toContainText('Wrote 2 files');
  await dialog.getByRole('button', { name: 'Done' }).click();
  const written = (await readdir(join(out, 'all'), { recursive: true })).filter((f) => String(f).endsWith('.md'));
  expect(written).toHaveLength(2);

  await items(page).first().click();
  await page.getByRole('article').getByRole('button', { name: 'Export to Markdown' }).click();
  await expect(dialog).toContainText('this item');
  await expect(dialog.getByLabel('Target folder')).toHaveValue(join(out, 'all'));
  await dialog.getByLabel('Target folder').fill(join(out, 'one'));
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(dialog.getByRole('status')).toContainText('Wrote 1 file');
  const one = (await readdir(join(out, 'one'), { recursive: true })).filter((f) => String(f).endsWith('.md'));
  expect(one).toHaveLength(1);
  expect(await readFile(join(out, 'one', String(one[0])), 'utf8')).toContain(ENTRIES[1]!.title);
});

test('a search with tags can be saved, is pinned with its unread count, and tags can be edited by hand', async ({ page }) => {
  await startWithFeed(page);
  await page.getByRole('group', { name: 'Tags' }).getByRole('button', { name: /^linux/ }).click();
  await page.getByRole('searchbox', { name: 'Search' }).fill('kernel');
  await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
  await expect(items(page)).toHaveCount(1);
  await page.getByRole('button', { name: 'Save this search' }).click();
  const saved = page.getByRole('region', { name: 'Saved searches' }).getByRole('button', { name: /^kernel/ });
  await expect(saved).toHaveAttribute('aria-current', 'true');
  await expect(saved).toContainText('1');
  await expect(items(page)).toHaveCount(1);

  await items(page).first().click();
  const article = page.getByRole('article');
  await article.getByLabel('Add tags (comma separated)').fill('must-read, Later');
  await article.getByLabel('Add tags (comma separated)').press('Enter');
  await expect(article.getByRole('button', { name: 'Remove tag must-read' })).toBeVisible();
  await expect(article.getByRole('button', { name: 'Remove tag later' })).toBeVisible();
  await article.getByRole('button', { name: 'Remove tag kernel' }).click();
  await expect(article.getByRole('button', { name: 'Remove tag kernel' })).toHaveCount(0);
  await expect(page.getByRole('group', { name: 'Tags' }).getByRole('button', { name: /^must-read/ })).toBeVisible();
});

test('a link in the article opens in a new tab, never inside the reader', async ({ page }) => {
  feeds = await feedServer({ '/page.html': { body: '<!doctype html><title>Original</title><p>Original page</p>', type: 'text/html' } });
  const body = `<p>See <a href="${feeds.origin}/page.html">the original page</a>.</p>`;
  feeds.set('/tech.xml', rssFeed('Example Tech', 'http://127.0.0.1/', [{ title: 'Linked story', ageMs: 60_000, categories: [], body }]));
  served = await serve(await tempDataDir());
  await callApi(served, 'addFeed', `${feeds.origin}/tech.xml`);
  await page.goto(served.url);
  await items(page).first().click();
  const popup = page.waitForEvent('popup');
  await page.frameLocator('iframe[title="Article content"]').getByRole('link', { name: 'the original page' }).click();
  expect((await popup).url()).toBe(`${feeds.origin}/page.html`);
  expect(page.url()).toBe(`${served.origin}/`);
  await expect(page.getByRole('article').getByRole('heading', { name: 'Linked story' })).toBeVisible();
});

test('the timeline keeps only the visible rows in the DOM and pages as it scrolls', async ({ page }) => {
  const many: FeedEntry[] = Array.from({ length: 600 }, (_, i) => ({ title: `Entry ${i + 1}`, ageMs: i * 60_000, categories: [], body: `<p>${i}</p>` }));
  await startWithFeed(page, many, 'Many');
  expect(await items(page).count()).toBeLessThan(60);
  const list = page.getByRole('listbox', { name: 'Items' });
  await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(list.locator('[aria-posinset="600"]')).toContainText('Entry 600');
  expect(await items(page).count()).toBeLessThan(60);
  await list.focus();
  await page.keyboard.press('Home');
  await expect(items(page).first()).toHaveAttribute('aria-posinset', '1');
  await expect(items(page).first()).toHaveAttribute('aria-selected', 'true');
});

test('Import OPML reads a file and reports added feeds and folders', async ({ page }) => {
  served = await serve(await tempDataDir());
  await page.goto(served.url);
  await page.getByLabel('OPML file to import').first().setInputFiles(join(REPO, '../shared/corpus/opml/newsboat/example.opml'));
  const report = page.getByRole('dialog', { name: 'OPML import' });
  await expect(report).toContainText(/Added \d+ feeds?/);
  await report.getByRole('button', { name: 'Done' }).click();
  await expect(sidebar(page).getByRole('treeitem', { name: 'Distrowatch mirror' })).toBeVisible();
  await expect(sidebar(page).getByRole('treeitem', { name: 'friends', exact: true })).toBeVisible();

  // Dropping the same file on the window imports it again: everything is already present.
  const text = await corpusFile('opml/newsboat/example.opml');
  const transfer = await page.evaluateHandle((t) => {
    const dt = new DataTransfer();
    dt.items.add(new File([t], 'subscriptions.opml', { type: 'text/x-opml' }));
    return dt;
  }, text);
  await page.dispatchEvent('main', 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent('main', 'drop', { dataTransfer: transfer });
  await expect(report).toContainText('Added 0 feeds');
  await expect(report).toContainText(/\d+ already present/);
});

test('an OPML file in a legacy encoding declared in its prolog imports with its titles intact', async ({ page }) => {
  served = await serve(await tempDataDir());
  await page.goto(served.url);
  const doc = '<?xml version="1.0" encoding="windows-1251"?>\n<opml version="2.0"><head><title>Подписки</title></head><body>' +
    '<outline text="Новости"><outline type="rss" text="Лента дня" xmlUrl="https://example.org/lenta.xml"/></outline></body></opml>';
  await page.getByLabel('OPML file to import').first().setInputFiles({ name: 'cp1251.opml', mimeType: 'text/x-opml', buffer: iconv.encode(doc, 'windows-1251') });
  const report = page.getByRole('dialog', { name: 'OPML import' });
  await expect(report).toContainText('Added 1 feed');
  await report.getByRole('button', { name: 'Done' }).click();
  await expect(sidebar(page).getByRole('treeitem', { name: 'Новости', exact: true })).toBeVisible();
  await expect(sidebar(page).getByRole('treeitem', { name: /Лента дня/ })).toBeVisible();
});
