// The auto-tag rule editor (issue 6) in browser mode: a rule's live preview counts the stored items
// it would tag, saving and applying it tags them, and the sidebar's tag filter shows and selects them.
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { feedServer, serve, tempDataDir, type FeedServer, type Served, callApi } from './fixtures';
import { rssFeed, type FeedEntry } from './reader-feeds';

let served: Served | undefined;
let feeds: FeedServer | undefined;

test.afterEach(async () => {
  await served?.stop();
  await feeds?.close();
  served = undefined;
  feeds = undefined;
});

const HOUR = 3_600_000;
// "btrfs" or "ext4" as whole words: entries 0 (content only), 2 (content) and 4 (title and content);
// entry 1 has "btrfsck", which whole-word matching must not count.
const ENTRIES: FeedEntry[] = [
  { title: 'Kernel 7.1 released', ageMs: 1 * HOUR, categories: ['Linux'], body: '<p>The kernel brings Btrfs fixes.</p>' },
  { title: 'A new phone appears', ageMs: 2 * HOUR, categories: ['Apple'], body: '<p>It ships btrfsck, oddly.</p>' },
  { title: 'Filesystems compared', ageMs: 3 * HOUR, categories: ['Linux'], body: '<p>ext4 against the rest.</p>' },
  { title: 'Old news about compilers', ageMs: 4 * HOUR, categories: ['Compilers'], body: '<p>GCC.</p>' },
  { title: 'Btrfs snapshot tips', ageMs: 5 * HOUR, categories: [], body: '<p>Snapshots with btrfs.</p>' },
];
const MATCHING = [ENTRIES[0]!.title, ENTRIES[2]!.title, ENTRIES[4]!.title];


const items = (page: Page) => page.getByRole('listbox', { name: 'Items' }).getByRole('option');
const tagGroup = (page: Page) => page.getByRole('group', { name: 'Tags' });

async function start(page: Page): Promise<Served> {
  feeds = await feedServer({ '/tech.xml': { body: rssFeed('Example Tech', 'http://127.0.0.1/', ENTRIES) } });
  served = await serve(await tempDataDir());
  await callApi(served, 'addFeed', `${feeds.origin}/tech.xml`);
  await callApi(served, 'refresh');
  await page.goto(served.url);
  await expect(items(page)).toHaveCount(ENTRIES.length, { timeout: 15_000 });
  return served;
}

async function openTagRules(page: Page) {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Tag rules' }).click();
  const dialog = page.getByRole('dialog', { name: 'Tag rules' });
  await expect(dialog.getByRole('button', { name: 'Add rule' })).toBeEnabled();
  return dialog;
}

test('a new rule previews its count live, and once saved and applied its tag filters the timeline', async ({ page }) => {
  const s = await start(page);
  await expect(tagGroup(page).getByRole('button', { name: /^linux/ })).toBeVisible();
  await expect(tagGroup(page).getByRole('button', { name: /^filesystems/ })).toHaveCount(0);

  const dialog = await openTagRules(page);
  const rules = dialog.getByRole('list', { name: 'Rules' }).getByRole('listitem');
  const before = await rules.count();
  // The shipped pack is long: the find box narrows the list by tag or word.
  const find = dialog.getByRole('searchbox', { name: 'Find a rule' });
  const pack = (await callApi(s, 'getTagRules')) as { tag: string; any?: string[]; all?: string[] }[];
  const windy = pack.filter((r) => [...(r.any ?? []), ...(r.all ?? [])].some((t) => t.toLowerCase().includes('wind farm')));
  expect(windy.length).toBeGreaterThan(0);
  await find.fill('wind farm');
  await expect(rules).toHaveCount(windy.length);
  await expect(rules.first()).toContainText(windy[0]!.tag);
  await find.fill('no-such-rule');
  await expect(rules).toHaveCount(0);
  await expect(dialog.getByText('No rule matches “no-such-rule”.')).toBeVisible();
  await find.fill('');
  await expect(rules).toHaveCount(before);

  await dialog.getByRole('button', { name: 'Add rule' }).click();
  const form = dialog.getByRole('form', { name: 'New rule' });
  await expect(form.getByRole('textbox', { name: 'Tag' })).toBeFocused();
  // Nothing to keep yet: the UI says why instead of calling the server.
  await form.getByRole('button', { name: 'Add rule to list' }).click();
  await expect(form.getByRole('alert')).toHaveText('tag rules: a rule needs a tag');
  await form.getByRole('textbox', { name: 'Tag' }).fill('filesystems');
  await form.getByRole('button', { name: 'Add rule to list' }).click();
  await expect(form.getByRole('alert')).toContainText('at least one condition');

  const preview = form.getByRole('status');
  await form.getByRole('textbox', { name: 'Any of these words or phrases' }).pressSequentially('btrfs, ext4');
  await expect(preview).toHaveText(`Would tag ${MATCHING.length} stored items.`);
  await expect(form.getByRole('alert')).toHaveCount(0);
  // Title only: just the one entry with Btrfs in its title.
  await form.getByRole('checkbox', { name: 'Content' }).uncheck();
  await expect(preview).toHaveText('Would tag 1 stored item.');
  await form.getByRole('checkbox', { name: 'Title' }).uncheck();
  await expect(preview).toContainText('look for the words in the title, the content or both');
  await form.getByRole('checkbox', { name: 'Title' }).check();
  await form.getByRole('checkbox', { name: 'Content' }).check();
  await expect(preview).toHaveText(`Would tag ${MATCHING.length} stored items.`);
  // Limited to the one feed that has them, the rule still tags all three; a category narrows it.
  await form.getByRole('checkbox', { name: 'Example Tech' }).check();
  await expect(preview).toHaveAttribute('aria-busy', 'false');
  await expect(preview).toHaveText(`Would tag ${MATCHING.length} stored items.`);
  await form.getByRole('textbox', { name: 'Category is (any of)' }).fill('Linux');
  await expect(preview).toHaveText('Would tag 2 stored items.');
  await form.getByRole('textbox', { name: 'Category is (any of)' }).fill('');
  await form.getByRole('button', { name: 'Add rule to list' }).click();

  await expect(rules).toHaveCount(before + 1);
  const added = rules.last();
  await expect(added).toContainText('filesystems');
  await expect(added).toContainText('any of “btrfs”, “ext4”; feed is Example Tech');
  await expect(dialog.getByRole('button', { name: 'Edit rule filesystems' })).toBeFocused();
  await expect(dialog.getByRole('status')).toHaveText('Unsaved changes.');

  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dialog.getByRole('status')).toHaveText(`Saved ${before + 1} rules.`);
  const stored = (await callApi(s, 'getTagRules')) as { tag: string }[];
  expect(stored.at(-1)).toEqual({ tag: 'filesystems', any: ['btrfs', 'ext4'], feeds: [expect.any(String)] });

  await dialog.getByRole('button', { name: 'Apply to stored items' }).click();
  await expect(dialog.getByRole('status')).toHaveText(`Applied the rules: ${MATCHING.length} items changed.`);
  const tag = tagGroup(page).getByRole('button', { name: /^filesystems/ });
  await expect(tag).toHaveAttribute('title', `${MATCHING.length} unread of ${MATCHING.length}`);
  // Applying again changes nothing.
  await dialog.getByRole('button', { name: 'Apply to stored items' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Applied the rules: 0 items changed.');

  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible();
  await page.keyboard.press('Escape');
  await tag.click();
  await expect(tag).toHaveAttribute('aria-pressed', 'true');
  await expect(items(page)).toHaveCount(MATCHING.length);
  for (const title of MATCHING) await expect(items(page).filter({ hasText: title })).toHaveCount(1);
});

test('unsaved edits are asked about before closing, Apply saves them first, and server errors are shown', async ({ page }) => {
  const s = await start(page);
  await callApi(s, 'setTagRules', [{ tag: 'compilers-news', any: ['gcc'] }, { tag: 'phones', any: ['phone'], in: ['title'] }]);
  let dialog = await openTagRules(page);
  const rules = dialog.getByRole('list', { name: 'Rules' }).getByRole('listitem');
  await expect(rules).toHaveCount(2);
  await expect(rules.nth(1)).toContainText('any of “phone” in the title');

  await dialog.getByRole('button', { name: 'Edit rule phones' }).click();
  const form = dialog.getByRole('form', { name: 'Rule phones' });
  await expect(form.getByRole('checkbox', { name: 'Content' })).not.toBeChecked();
  await expect(form.getByRole('status')).toHaveText('Would tag 1 stored item.');
  await form.getByRole('textbox', { name: 'Any of these words or phrases' }).fill('phone, kernel');
  await expect(form.getByRole('status')).toHaveText('Would tag 2 stored items.');
  // Closing now would lose the changed draft: the reader is asked first, and saying no keeps it.
  const asked = new Promise<string>((ok) => page.once('dialog', (d) => { ok(d.message()); void d.dismiss(); }));
  await page.keyboard.press('Escape');
  expect(await asked).toBe('Close without saving the changed tag rules?');
  await expect(form.getByRole('textbox', { name: 'Any of these words or phrases' })).toHaveValue('phone, kernel');
  await form.getByRole('button', { name: 'Update rule' }).click();
  await expect(dialog.getByRole('button', { name: 'Edit rule phones' })).toBeFocused();
  await expect(rules.nth(1)).toContainText('any of “phone”, “kernel” in the title');
  await dialog.getByRole('button', { name: 'Delete rule compilers-news' }).click();
  await expect(rules).toHaveCount(1);
  // Applying with unsaved changes saves them first.
  await expect(dialog.getByRole('status')).toHaveText('Unsaved changes.');
  await dialog.getByRole('button', { name: 'Apply to stored items' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Applied the rules: 2 items changed.');
  await expect(dialog.getByRole('button', { name: 'Save', exact: true })).toBeDisabled();
  expect(await callApi(s, 'getTagRules')).toEqual([{ tag: 'phones', any: ['phone', 'kernel'], in: ['title'] }]);
  await expect(tagGroup(page).getByRole('button', { name: /^phones/ })).toHaveAttribute('title', '2 unread of 2');

  // The rules are the server's: a reload shows what was saved.
  await page.reload();
  dialog = await openTagRules(page);
  await expect(dialog.getByRole('list', { name: 'Rules' }).getByRole('listitem')).toHaveCount(1);

  // With the server gone, saving fails visibly and the changes stay unsaved.
  await dialog.getByRole('button', { name: 'Delete rule phones' }).click();
  await s.stop();
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dialog.getByRole('alert')).toContainText('cannot be reached');
  await expect(dialog.getByRole('button', { name: 'Save', exact: true })).toBeEnabled();
});

async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).include('dialog[open]').analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

for (const scheme of ['light', 'dark'] as const) {
  test(`the rule list and the rule form have no serious axe violation in the ${scheme} theme`, async ({ browser }) => {
    // axe needs a page from an explicit context.
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    try {
      await start(page);
      const dialog = await openTagRules(page);
      expect(await seriousViolations(page)).toEqual([]);
      await dialog.getByRole('button', { name: 'Add rule' }).click();
      await dialog.getByRole('button', { name: 'Add rule to list' }).click();
      await expect(dialog.getByRole('alert')).toBeVisible();
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
}

test('the sidebar opens the rules from the Tags header, and keys stay off while it is open', async ({ page }) => {
  await start(page);
  const nav = page.getByRole('navigation', { name: 'Subscriptions' });
  await nav.getByRole('button', { name: 'Tag rules' }).click();
  const dialog = page.getByRole('dialog', { name: 'Tag rules' });
  await expect(dialog.getByRole('button', { name: 'Add rule' })).toBeEnabled();
  const selected = items(page).and(page.locator('[aria-selected="true"]'));
  const before = await selected.count();
  await page.keyboard.press('j');
  await expect(selected).toHaveCount(before);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});
