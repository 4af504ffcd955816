import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TagRule } from '../../../src-main/core/model';
import { computeTags, kebab, keywordsFor, loadDefaultRules, matchRule, parseRules, type TagInput } from '../../../src-main/core/tags';
import { parseFeed } from '../../../src-main/core/parser';
import { htmlToText } from '../../../src-main/core/text';
import { CORPUS } from '../../helpers/paths';
import { readSeed, seedPublished } from './export-seed-fixture';

function item(title: string, text = '', extra: Partial<TagInput> = {}): TagInput {
  return { title, text, categories: [], feedId: 'feed-1', feedUrl: 'https://example.org/feed.xml', ...extra };
}

describe('default rule pack on the seed article', () => {
  it('gives exactly the seed tags and keywords', () => {
    const seed = readSeed();
    const fm = seed.frontMatter;
    const input = item(String(fm.title), htmlToText(`${String(fm.description)} ${seed.body}`), { published: seedPublished(seed) });
    const tags = computeTags(input, loadDefaultRules());
    expect(new Set(tags)).toEqual(new Set(fm.tags as string[]));
    expect(tags).toHaveLength((fm.tags as string[]).length);
    expect(new Set(keywordsFor(String(fm.title), tags))).toEqual(new Set(fm.keywords as string[]));
  });

  it('tags other news by its subject, and not by passing mentions of broad subjects', () => {
    const rules = loadDefaultRules();
    expect(computeTags(item('Election results: parliament in deadlock'), rules)).toEqual(['politics']);
    expect(computeTags(item('Offshore wind auction draws record bids'), rules)).toContain('wind-power');
    expect(computeTags(item('Quarterly report', 'The company said an election could delay it.'), rules)).toEqual([]);
    expect(computeTags(item('New AI chatbot launched'), rules)).toEqual(['artificial-intelligence']);
    // Whole words: "said" must not hit "ai", "every" must not hit "ev".
    expect(computeTags(item('Minister said every rule stays'), rules)).toEqual(['politics']);
  });

  it('tags real news items by subject (corpus: a Guardian feed)', () => {
    const xml = readFileSync(join(CORPUS, 'feeds/real-world/sample-feeds/real-world/2d055498ae801efb0bf0b6124009cac2/feed.xml'), 'utf8');
    const feed = parseFeed(xml, 'https://www.theguardian.com/uk/rss');
    const rules = loadDefaultRules();
    const tagsOf = (start: string) => {
      const it = feed.items.find((i) => i.title.startsWith(start));
      if (!it) throw new Error(`no item "${start}"`);
      return computeTags(item(it.title, htmlToText(it.content ?? it.summary ?? '')), rules);
    };
    expect(new Set(tagsOf('IPCC: We can tackle climate change'))).toEqual(new Set(['climate-change', 'fossil-fuels']));
    expect(tagsOf('Refugees in Calais')).toContain('human-rights');
    // Every tag the pack gives any item of the feed is a well-formed kebab-case tag.
    for (const it of feed.items) for (const t of computeTags(item(it.title, htmlToText(it.content ?? '')), rules)) expect(t).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('loads from an explicit resources dir and reports a missing or bad pack clearly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidings-rules-'));
    writeFileSync(join(dir, 'tag-rules.json'), JSON.stringify([{ tag: 'cats', any: ['cat'] }]));
    expect(loadDefaultRules(dir)).toEqual([{ tag: 'cats', any: ['cat'] }]);
    writeFileSync(join(dir, 'tag-rules.json'), '{ not json');
    expect(() => loadDefaultRules(dir)).toThrow(/^tags: cannot read .*tag-rules\.json/);
  });
});

describe('matchRule', () => {
  const rule = (r: Partial<TagRule>): TagRule => ({ tag: 't', ...r });

  it('is case-insensitive and matches whole words only', () => {
    expect(matchRule(rule({ any: ['Solar'] }), item('SOLAR boom'))).toBe(true);
    expect(matchRule(rule({ any: ['solar'] }), item('Solaris review'))).toBe(false);
    expect(matchRule(rule({ any: ['ev'] }), item('Every day'))).toBe(false);
    expect(matchRule(rule({ any: ['café'] }), item('The cafe opens'))).toBe(true);
    // Typography does not break words, and scripts with combining marks keep their words whole.
    expect(matchRule(rule({ any: ["world's"] }), item('The “world’s” fair'))).toBe(true);
    expect(matchRule(rule({ any: ['दुनिया'] }), item('नमस्ते दुनिया'))).toBe(true);
    expect(matchRule(rule({ any: ['दुनि'] }), item('नमस्ते दुनिया'))).toBe(false);
  });

  it('matches phrases across spaces and hyphens but not across punctuation', () => {
    expect(matchRule(rule({ any: ['net zero'] }), item('', 'a net-zero plan'))).toBe(true);
    expect(matchRule(rule({ any: ['wind turbines'] }), item('', 'new wind\n  turbines'))).toBe(true);
    expect(matchRule(rule({ any: ['solar panels'] }), item('', 'solar. Panels'))).toBe(false);
    expect(matchRule(rule({ any: ['solar panels'] }), item('', 'panels solar'))).toBe(false);
  });

  it('honours any/all together', () => {
    const r = rule({ any: ['apple', 'pear'], all: ['fruit', 'harvest'] });
    expect(matchRule(r, item('Apple harvest', 'fruit prices'))).toBe(true);
    expect(matchRule(r, item('Apple harvest', 'prices'))).toBe(false);
    expect(matchRule(r, item('Plum harvest', 'fruit'))).toBe(false);
  });

  it('looks only where told', () => {
    expect(matchRule(rule({ any: ['storm'], in: ['title'] }), item('Calm', 'a storm came'))).toBe(false);
    expect(matchRule(rule({ any: ['storm'], in: ['content'] }), item('Storm', 'calm'))).toBe(false);
    expect(matchRule(rule({ any: ['storm'], in: ['content'] }), item('Calm', 'Storm!'))).toBe(true);
  });

  it('filters by feed (id or URL) and by category', () => {
    expect(matchRule(rule({ feeds: ['feed-1'], any: ['x'] }), item('x'))).toBe(true);
    expect(matchRule(rule({ feeds: ['feed-2'], any: ['x'] }), item('x'))).toBe(false);
    expect(matchRule(rule({ feeds: ['HTTPS://example.org/feed.xml'] }), item('y'))).toBe(true);
    expect(matchRule(rule({ categories: ['Op-Ed'] }), item('y', '', { categories: ['op ed'] }))).toBe(true);
    expect(matchRule(rule({ categories: ['opinion'] }), item('y', '', { categories: ['news'] }))).toBe(false);
  });

  it('never matches with no usable condition', () => {
    expect(matchRule(rule({}), item('anything'))).toBe(false);
    expect(matchRule(rule({ any: ['  ', '!!'] }), item('anything !!'))).toBe(false);
  });
});

describe('computeTags', () => {
  const rules: TagRule[] = [{ tag: 'Wind Power', any: ['wind farm'] }];

  it('unites categories (kebab), rules, the year and user tags; a removed tag stays removed', () => {
    const input = item('A wind farm opens', '', { categories: ['Clean Energy', 'clean energy', ''], published: '2024-03-01T10:00:00Z' });
    expect(computeTags(input, rules)).toEqual(['clean-energy', 'wind-power', 'year-2024']);
    expect(computeTags(input, rules, { added: ['My Pick'], removed: ['wind-power', 'Clean Energy'] })).toEqual(['year-2024', 'my-pick']);
  });

  it('sees a rule list edited in place (a lowdb array) on the next call', () => {
    const live: TagRule[] = [{ tag: 'a', any: ['alpha'] }];
    const input = item('alpha beta');
    expect(computeTags(input, live)).toEqual(['a']);
    live.push({ tag: 'b', any: ['beta'] });
    expect(computeTags(input, live)).toEqual(['a', 'b']);
    live[0] = { tag: 'c', any: ['alpha'] };
    expect(computeTags(input, live)).toEqual(['c', 'b']);
  });

  it('gives no year for a missing or unusable date', () => {
    expect(computeTags(item('x', '', { published: 'garbage' }), [])).toEqual([]);
  });

  it('tags 20,000 items with the default pack quickly', () => {
    const pack = loadDefaultRules();
    const body = 'Ministers met to discuss grid upgrades, storage and the price of power. '.repeat(40);
    const t0 = performance.now();
    for (let i = 0; i < 20_000; i++) computeTags(item(`Story ${i} about solar farms`, body, { published: '2025-01-01T00:00:00Z' }), pack);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
});

describe('parseRules and kebab', () => {
  it('accepts a list or { rules } and refuses bad rules with their number', () => {
    expect(parseRules({ rules: [{ tag: 'a', any: ['b'], in: ['title'] }] })).toEqual([{ tag: 'a', any: ['b'], in: ['title'] }]);
    expect(() => parseRules([{ tag: 'a', any: ['b'] }, { tag: 'c' }])).toThrow('tags: rule 2 (c): no condition');
    expect(() => parseRules([{ tag: 'a', any: 'b' }])).toThrow('tags: rule 1: "any" must be a list');
    expect(() => parseRules([{ tag: 'a', any: ['b'], in: ['body'] }])).toThrow(/"in" may hold only/);
    expect(() => parseRules('nope')).toThrow('tags: a rule file must hold a list of rules');
  });

  it('kebab-cases labels, folding accents', () => {
    expect(kebab('  Énergie Propre / Solar ')).toBe('energie-propre-solar');
    expect(kebab('Women’s Euro 2022')).toBe('womens-euro-2022');
    expect(kebab("'quoted' label")).toBe('quoted-label');
    // A category in another script is a tag too, not an empty string dropped on the floor.
    expect(kebab('חדשות ישראל')).toBe('חדשות-ישראל');
  });
});

describe('keywordsFor', () => {
  it('adds the first three title words that are not stop words', () => {
    expect(keywordsFor('Why the EU’s new rules on AI are a mess', ['x'])).toEqual(['x', 'eu', 'rules', 'ai']);
    expect(keywordsFor('2025: a year', [])).toEqual(['year']);
  });
});
