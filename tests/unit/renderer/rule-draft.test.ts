import { describe, expect, it } from 'vitest';
import type { TagRule } from '../../../src-main/core/model';
import { describeRule, draftFromRule, emptyDraft, ruleFromDraft, splitTerms } from '../../../src-renderer/src/lib/rule-draft';

const draft = (patch: Partial<ReturnType<typeof emptyDraft>>) => ({ ...emptyDraft(), ...patch });

describe('splitTerms', () => {
  it('splits on commas and newlines, trims, collapses spaces and drops blanks and case-insensitive repeats', () => {
    expect(splitTerms(' wind farm ,Wind  Farm,\noffshore wind,, ,turbine\n')).toEqual(['wind farm', 'offshore wind', 'turbine']);
    expect(splitTerms('')).toEqual([]);
  });
});

describe('ruleFromDraft', () => {
  it('refuses a rule without a tag, or whose tag has no letter or digit', () => {
    expect(ruleFromDraft(draft({ any: 'wind' }))).toEqual({ error: 'tag rules: a rule needs a tag' });
    expect(ruleFromDraft(draft({ tag: '  ', any: 'wind' }))).toEqual({ error: 'tag rules: a rule needs a tag' });
    expect(ruleFromDraft(draft({ tag: '--', any: 'wind' }))).toMatchObject({ error: expect.stringContaining('letter or digit') });
    expect(ruleFromDraft(draft({ tag: 'x'.repeat(101), any: 'wind' }))).toMatchObject({ error: expect.stringContaining('100') });
  });

  it('refuses a rule without any condition (blank word lists do not count)', () => {
    expect(ruleFromDraft(draft({ tag: 'wind', any: ' , ', all: '\n' }))).toMatchObject({ error: expect.stringContaining('at least one condition') });
  });

  it('refuses words with nowhere to look, but allows feeds or categories alone', () => {
    expect(ruleFromDraft(draft({ tag: 'wind', any: 'wind', title: false, content: false }))).toMatchObject({ error: expect.stringContaining('title, the content') });
    expect(ruleFromDraft(draft({ tag: 'lwn', feeds: ['f1', 'f1'], title: false, content: false }))).toEqual({ rule: { tag: 'lwn', feeds: ['f1'] } });
    expect(ruleFromDraft(draft({ tag: 'k', categories: 'Kernel, Linux' }))).toEqual({ rule: { tag: 'k', categories: ['Kernel', 'Linux'] } });
  });

  it('refuses a term longer than the server accepts', () => {
    expect(ruleFromDraft(draft({ tag: 'w', any: 'a'.repeat(201) }))).toMatchObject({ error: expect.stringContaining('200 characters') });
  });

  it('omits `in` when both places are checked and keeps the one place otherwise', () => {
    expect(ruleFromDraft(draft({ tag: ' wind-power ', any: 'wind farm, turbine', all: 'offshore' }))).toEqual({
      rule: { tag: 'wind-power', any: ['wind farm', 'turbine'], all: ['offshore'] },
    });
    expect(ruleFromDraft(draft({ tag: 'w', any: 'wind', content: false }))).toEqual({ rule: { tag: 'w', any: ['wind'], in: ['title'] } });
    expect(ruleFromDraft(draft({ tag: 'w', all: 'wind', title: false }))).toEqual({ rule: { tag: 'w', all: ['wind'], in: ['content'] } });
  });
});

describe('draftFromRule', () => {
  // This file is type-checked for the browser (no node:fs), so the rules are written out here.
  it('round-trips rules of every shape, dropping only an `in` that names both places', () => {
    const rules: TagRule[] = [
      { tag: 'wind-power', any: ['wind power', 'offshore wind', 'wind farm'] },
      { tag: 'policy', all: ['carbon', 'tax'], in: ['title'] },
      { tag: 'lwn', feeds: ['https://lwn.net/headlines/rss'] },
      { tag: 'kernel', any: ['kernel'], in: ['title', 'content'], feeds: ['f1', 'f2'], categories: ['Linux', 'Kernel'] },
      { tag: 'clean-energy', categories: ['Clean Energy'] },
    ];
    for (const rule of rules) {
      const expected: TagRule = { ...rule };
      if (expected.in?.length === 2) delete expected.in;
      expect(ruleFromDraft(draftFromRule(rule))).toEqual({ rule: expected });
    }
  });

  it('reads a missing `in` as title and content, and a one-place `in` as that place', () => {
    expect(draftFromRule({ tag: 't', any: ['a'] })).toMatchObject({ title: true, content: true, any: 'a' });
    expect(draftFromRule({ tag: 't', any: ['a', 'b c'], in: ['content'] })).toMatchObject({ title: false, content: true, any: 'a, b c' });
  });
});

describe('describeRule', () => {
  it('names the words, the place, the feeds (by title) and the categories', () => {
    const text = describeRule({ tag: 't', any: ['wind'], all: ['sea'], in: ['title'], feeds: ['f1', 'https://x/'], categories: ['Energy'] }, (r) => (r === 'f1' ? 'Energy News' : r));
    expect(text).toBe('any of “wind” in the title; all of “sea” in the title; feed is Energy News or https://x/; category is “Energy”');
  });
});
