// The reference export, rebuilt: the seed's article goes through tagging and export, and every
// front matter field must come out as the seed has it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeHTML } from 'entities';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportItems, type ExportItem } from '../../../src-main/core/export';
import { computeTags, loadDefaultRules } from '../../../src-main/core/tags';
import { htmlToText } from '../../../src-main/core/text';
import { readSeed, seedPublished } from './export-seed-fixture';

const seed = readSeed();
const fm = seed.frontMatter;

function seedItem(): ExportItem {
  const title = String(fm.title);
  const description = String(fm.description);
  const tags = computeTags(
    { title, text: htmlToText(`${description} ${seed.body}`), categories: [], published: seedPublished(seed), feedId: 'climate-home', feedUrl: 'https://www.climatechangenews.com/feed/' },
    loadDefaultRules(),
  );
  return {
    id: 'climate-home:6d747b1391c73646',
    title,
    link: seed.link,
    published: seedPublished(seed),
    summary: description,
    html: `<p>${seed.body}</p>`,
    tags,
    feedTitle: String(fm.source_feed),
    feedFolder: 'Environmental News',
  };
}

function split(text: string): { fm: Record<string, unknown>; keys: string[]; body: string } {
  const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
  if (!m) throw new Error('no front matter');
  return { fm: parse(m[1]!) as Record<string, unknown>, keys: [...m[1]!.matchAll(/^([a-z_]+):/gm)].map((k) => k[1]!), body: m[2]! };
}

describe('Markdown export of the seed article', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidings-seed-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('matches the seed front matter field by field, keys in the same order', async () => {
    const report = await exportItems([seedItem()], dir);
    expect(report.written).toEqual([join(dir, '2025-12-12-push-for-global-minerals-deal-meets-opposition-more-talks-agreed.md')]);
    const out = split(readFileSync(report.written[0]!, 'utf8'));
    expect(out.keys).toEqual(seed.keys);
    for (const key of ['layout', 'title', 'date', 'categories', 'description', 'external_url', 'is_feed', 'source_feed', 'feed_category']) {
      expect(out.fm[key], key).toEqual(fm[key]);
    }
    // The seed's tag and keyword order is arbitrary: compare as sets, with no extra entries.
    for (const key of ['tags', 'keywords']) {
      const got = out.fm[key] as string[];
      expect(new Set(got), key).toEqual(new Set(fm[key] as string[]));
      expect(got, key).toHaveLength((fm[key] as string[]).length);
    }
  });

  it('has the seed body with entities decoded, then a blank line and the link', async () => {
    const report = await exportItems([seedItem()], dir);
    expect(report.unchanged).toHaveLength(1);
    const { body } = split(readFileSync(report.unchanged[0]!, 'utf8'));
    expect(body).not.toMatch(/&#\d+;|&[a-z]+;/);
    expect(body).toContain('“dialogues”');
    const [text, link] = body.trim().split('\n\n');
    // turndown escapes brackets (`\[the\]`) so they can never become links; unescaped, it is the seed's text.
    expect(text!.replace(/\\([[\]\\*_`#+.!-])/g, '$1')).toBe(decodeHTML(seed.body));
    expect(link).toBe(`[Read original article](${seed.link})`);
  });
});
