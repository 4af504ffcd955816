// Differential proof for the tag matcher's fast scanner (issue 3, performance): on real articles
// and on generated hard cases, the rules must give exactly what the plain algorithm gives —
// normalize the whole text, split it into words, look for each term as consecutive words.
import { describe, expect, it } from 'vitest';
import type { TagRule } from '../../../src-main/core/model';
import { computeTags, kebab, loadDefaultRules, matchRule, ruleTags, type TagInput } from '../../../src-main/core/tags';
import { htmlToText } from '../../../src-main/core/text';
import { realWorldItems } from '../../helpers/corpus';
import { rng } from '../../helpers/random';

// ---- The reference: the matching semantics written the plain way, one step per rule of them. ----

/** Lower-case, map typography to ASCII, fold accents, turn other punctuation into `.` tokens, split on spaces, hyphens and apostrophes. */
function refTokens(s: string): string[] {
  const t = s
    .toLowerCase()
    .replace(/[\u00a0\u2000-\u200b\u202f\u205f\u3000]/g, ' ')
    .replace(/[\u2010\u2011]/g, '-')
    .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'")
    .replace(/[\u00ab\u00bb\u2012-\u2015\u201c-\u201f\u2026]/g, ' . ')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
  return t
    .replace(/[^\p{L}\p{M}\p{N}\s'-]+/gu, ' . ')
    .split(/[\s'-]+/u)
    .filter((w) => w !== '');
}

const refWords = (s: string): string[] => refTokens(s).filter((w) => w !== '.');

/** Whether `words` occur as consecutive tokens (a `.` token between them breaks the phrase). */
function refHas(tokens: string[], words: string[]): boolean {
  for (let i = 0; i + words.length <= tokens.length; i++) if (words.every((w, j) => tokens[i + j] === w)) return true;
  return false;
}

// A rule's terms are normalized once per rule object (the test runs each rule on thousands of texts).
const termCache = new WeakMap<string[], string[][]>();
function refTerms(list?: string[]): string[][] | null {
  if (!list || list.length === 0) return null;
  let t = termCache.get(list);
  if (!t) termCache.set(list, (t = list.map(refWords).filter((w) => w.length > 0)));
  return t;
}

function refMatch(rule: TagRule, input: TagInput, title = refTokens(input.title), text = refTokens(input.text)): boolean {
  const any = refTerms(rule.any);
  const all = refTerms(rule.all);
  const feeds = rule.feeds && rule.feeds.length > 0 ? rule.feeds.map((f) => f.trim().toLowerCase()) : null;
  const cats = rule.categories && rule.categories.length > 0 ? rule.categories.map((c) => refWords(c).join('-')) : null;
  const scopes = rule.in && rule.in.length > 0 ? rule.in : ['title', 'content'];
  if (!any && !all && !feeds && !cats) return false;
  if (any && any.length === 0 && !all) return false;
  if (feeds && !feeds.includes(input.feedId.toLowerCase()) && !feeds.includes(input.feedUrl.trim().toLowerCase())) return false;
  if (cats && !input.categories.some((c) => cats.includes(refWords(c).join('-')))) return false;
  const seen = (words: string[]) => (scopes.includes('title') && refHas(title, words)) || (scopes.includes('content') && refHas(text, words));
  if (any && any.length > 0 && !any.some(seen)) return false;
  if (all && !all.every(seen)) return false;
  return true;
}

function refRuleTags(input: TagInput, rules: readonly TagRule[]): string[] {
  const title = refTokens(input.title);
  const text = refTokens(input.text);
  const out: string[] = [];
  for (const r of rules) {
    const tag = kebab(r.tag);
    if (tag && !out.includes(tag) && refMatch(r, input, title, text)) out.push(tag);
  }
  return out;
}

// ---- Inputs ----

const input = (title: string, text: string, extra: Partial<TagInput> = {}): TagInput => ({ title, text, categories: [], feedId: 'feed-1', feedUrl: 'https://example.org/feed.xml', ...extra });

// Words that rules below look for, in the spellings texts use for them.
const PIECES = [
  'solar', 'Solar', 'SOLAR', 'panels', 'net', 'zero', 'Net', 'wind', 'farm', 'world', 's', 'the', 'of', 'and', 'oil', 'gas',
  'café', 'CAFÉ', 'cafe', 'Café', 'naïve', 'naive', 'über', 'Uber', 'señor', 'e', 'mail', 'co2', 'CO₂', 'σας', 'ΣΑΣ', 'Σ', 'ς', 'οδός', 'ΟΔΟΣ',
  '日本', '東京', 'москва', 'Москва', 'नमस्ते', 'दुनिया', 'ﬁre', 'fire', 'İstanbul', 'istanbul', 'K', '\u212aelvin', 'kelvin', 'straße', 'STRASSE', 'ß', '𝐀𝐁𝐂', 'ABC', 'abc', '𠀀𠀁', '𝟏𝟐', '12', '😀',
  'dont', 'don', 't', 'it', 'new', 'york', 'well', 'known', 'long', 'term', '2024', 'x1', 'a',
];
const GLUE = [
  ' ', ' ', ' ', '  ', '\t', '\n', ' \n ', '-', "'", ' - ', '’', '‘', '‚', '‛', '′', '\u00a0', '\u2010', '\u2011', '\u200b', '\u3000', '\u2009', '\u202f',
  '.', ', ', '!', '?', ': ', ';', '“', '”', '„', '«', '»', '—', '–', '‒', '…', '_', '/', '(', ')', '"', '&', '€', '£', '©', '™', '😀', '\u200c', '\u0301', '\u0308',
  '\u00a8', '½', '\ufeff', '\ud800', '\udfff', '\udbff', '\u2028', '\u1680', '\u00ad', '\u0000', '\u001c', '\u001f', '\u007f', '\u0085', '·', '•', '›', '\u00a0.\u00a0', "'-'", ' ’ ', '.\u0301',
];

// Fewer pieces and glue that stays inside a whitespace-delimited chunk: plain words and hard ones
// meet within one chunk often.
const DENSE_PIECES = ['the', 'of', 'wind', 'solar', '𝐀𝐁𝐂', '𝟏𝟐', 'café', 'Café', 'ΣΑΣ', 'σας', 'Σ', '日本', 'the', 'The', 'of', 'wind', 'naïve', 'farm', 'ﬁre', '\u212aelvin', 'a'];
const DENSE_GLUE = ['-', "'", '’', '.', '\u0301', '\u00a0', '\u2011', '…', '“', '😀', '\u200c', ' ', ' ', ' ', '\n', "-'"];

function generated(seed: number, pieces = PIECES, glues = GLUE): string {
  const r = rng(seed);
  const n = Math.floor(r() * 14);
  let s = r() < 0.3 ? glues[Math.floor(r() * glues.length)]! : '';
  for (let i = 0; i < n; i++) {
    s += pieces[Math.floor(r() * pieces.length)]!;
    // Sometimes two pieces touch (one word), sometimes a few glue runs stand in a row.
    const glue = r() < 0.1 ? 0 : 1 + Math.floor(r() * r() * 3);
    for (let g = 0; g < glue; g++) s += glues[Math.floor(r() * glues.length)]!;
  }
  return s;
}

const CUSTOM: TagRule[] = [
  { tag: 'solar', any: ['solar panels', 'SOLAR'], in: ['content'] },
  { tag: 'net-zero', any: ['net zero', 'net-zero'] },
  { tag: 'worlds', any: ["world's", 'world’s'], in: ['title'] },
  { tag: 'cafe', any: ['café', 'naïve', 'über', 'señor'] },
  { tag: 'scripts', any: ['日本', 'москва', 'दुनिया', 'σας', 'οδος', 'ﬁre', 'istanbul', 'İstanbul', 'kelvin', 'straße', 'strasse'] },
  // Lower-casing gives a final sigma only where no letter follows, looking through apostrophes and dots.
  // Astral letters and digits: a surrogate pair is one character, and may fold to ASCII.
  { tag: 'astral', any: ['𝐀𝐁𝐂', '𠀀𠀁', '𝟏𝟐'] },
  { tag: 'astral-folded', any: ['ABC', '12 abc'], in: ['title'] },
  { tag: 'sigma-final', any: ['σας', 'ς'], in: ['content'] },
  { tag: 'sigma-mid', any: ['σασ', 'σ'] },
  // Phrases that join plain words and words only the full normalization reads.
  { tag: 'mixed-phrases', any: ['solar café', 'café solar', 'the 日本', '日本 the', 'wind naïve farm', 'of σας', 'σασ of', 'σας of', 'fire kelvin'] },
  { tag: 'long-mixed-phrases', any: ['the solar café', 'of the 日本'] },
  { tag: 'repeats', any: ['the the', 'of of the', 'wind wind wind'] },
  { tag: 'phrases', any: ['new york', 'well-known', 'long term', 'e-mail', "don't", 'oil and gas', 'the world'] },
  { tag: 'all-of', all: ['wind', 'farm'], in: ['title', 'content'] },
  { tag: 'all-phrase', all: ['the', 'solar panels'] },
  { tag: 'digits', any: ['co2', '2024', 'x1'] },
  { tag: 'any-and-all', any: ['oil', 'gas'], all: ['the'], in: ['content'] },
  { tag: 'feed-only', feeds: ['feed-1'], any: ['and'] },
  { tag: 'feed-url', feeds: ['HTTPS://example.org/feed.xml '] },
  { tag: 'other-feed', feeds: ['feed-2'], any: ['the'] },
  { tag: 'category', categories: ['Op-Ed', 'News'], any: ['the', 'a'] },
  { tag: 'category-only', categories: ['news'] },
  { tag: 'punctuation-only', any: ['!!', '…'] },
  { tag: 'all-normalized-away', all: ['!!'] },
  { tag: 'any-away-all-kept', any: ['!!'], all: ['of'] },
  { tag: 'single-letters', any: ['s', 't', 'a', 'e', 'k'], in: ['title'] },
];

const ALL_RULES = [...loadDefaultRules(), ...CUSTOM];

function expectSame(inp: TagInput, rules: readonly TagRule[], what: string): void {
  const want = refRuleTags(inp, rules);
  const got = ruleTags(inp, rules);
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    // Name the case so a failure can be reproduced from the message alone.
    expect({ what, title: inp.title, text: inp.text.slice(0, 2000), got }).toEqual({ what, title: inp.title, text: inp.text.slice(0, 2000), got: want });
  }
}

// ---- The tests ----

describe('tag matcher against the reference', () => {
  it('agrees on every item of every real-world corpus feed (plain text and raw HTML), with the default pack and custom rules', () => {
    const items = realWorldItems();
    expect(items.length).toBeGreaterThan(1000);
    const r = rng(7);
    const phraseRules: TagRule[] = [];
    let nonAscii = 0;
    for (const [n, { file, item }] of items.entries()) {
      const text = htmlToText(item.content ?? item.summary ?? '');
      if (/[^\x00-\x7f]/.test(text)) nonAscii++;
      // Phrases cut out of real text at random: some lie across punctuation, most do not.
      if (n % 10 === 0 && text.length > 40) {
        const at = Math.floor(r() * (text.length - 30));
        const phrase = text.slice(at, at + 30).split(/\s+/).slice(1, 3 + Math.floor(r() * 2)).join(' ');
        if (phrase) phraseRules.push({ tag: `p${n}`, any: [phrase], ...(n % 20 === 0 ? { in: ['content' as const] } : {}) });
      }
      const inp = input(item.title, text, { categories: item.categories ?? [], feedId: n % 3 === 0 ? 'feed-1' : file });
      expectSame(inp, ALL_RULES, file);
      if (n % 7 === 0) expectSame(input(item.title, item.content ?? '', { categories: ['News'] }), ALL_RULES, `${file} (html)`);
    }
    // The sample must hold the hard cases, not only ASCII news.
    expect(nonAscii).toBeGreaterThan(100);
    expect(phraseRules.length).toBeGreaterThan(100);
    let matched = 0;
    for (const [n, { file, item }] of items.entries()) {
      if (n % 4 !== 0) continue;
      const inp = input(item.title, htmlToText(item.content ?? item.summary ?? ''));
      expectSame(inp, phraseRules, `${file} (phrases)`);
      matched += ruleTags(inp, phraseRules).length;
    }
    expect(matched).toBeGreaterThan(20);
  });

  it('agrees on generated hard cases: punctuation, hyphens, apostrophes, typography, accents, other scripts, edges', () => {
    const fixed = [
      '', ' ', '   ', '.', 'solar', ' solar ', 'solar panels', 'Solar  panels', 'solar\tpanels', 'solar-panels', "solar'panels", 'solar.panels', 'solar. panels',
      'solar-café', 'solar café', 'the solar-café', 'The solar-Café!', 'of the-日本', 'of-the-日本語', "ΣΑΣ'of", 'ΣΑΣ of', 'of-ΣΑΣ', 'the-日本', 'wind-naïve-farm', 'ﬁre-\u212aelvin', 'solar…panels', 'solar—panels', 'solar\u00a0panels', 'solar\u2011panels', 'solar’panels', 'solar“panels', 'solar\u200bpanels', 'solar\u200cpanels',
      'panels solar', 'net-zero', 'net — zero', "world's fair", 'The “world’s” fair', 'world s', 'café', 'cafe\u0301', 'CAFÉ', 'caf é', 'naïve', 'na\u0131ve',
      '日本', '日本語', '東京日本', 'москва', 'Москва!', 'नमस्ते दुनिया', 'दुनि', 'ΟΔΟΣ', 'ΣΑΣ', 'ΣΑΣ\'Α', 'ΣΑΣ.Α', 'Σ', 'ﬁre', 'İstanbul', '\u212aelvin',
      'STRASSE straße', 'CO₂ co2', '½', '2024-x1', 'oil and gas', 'oil, and gas', 'oil and\n\ngas', 'new\u3000york', 'well-known', 'well known', 'long-term',
      "don't", 'don’t', 'don t', 'e-mail', 'email', 'wind farm', 'the wind farm', 'solar panels the', '\ufeffsolar panels', 'solar\u2028panels', '😀solar😀 panels', 'solar\ud800 panels', '𝐀𝐁𝐂', 'x𝐀𝐁𝐂', '𝟏𝟐 abc', '𝟏𝟐-𝐚𝐛𝐜', '𠀀𠀁', 'solar \udc00panels', '\ud83d', 'wind \ud83d farm', 'x\udfff',
    ];
    for (const t of fixed) {
      expectSame(input(t, ''), ALL_RULES, 'title');
      expectSame(input('', t), ALL_RULES, 'content');
      expectSame(input(t, t, { categories: ['news'] }), ALL_RULES, 'both');
    }
    for (let seed = 1; seed <= 6000; seed++) {
      const a = generated(seed);
      const b = generated(seed + 100_000);
      expectSame(input(a, b, { categories: seed % 5 === 0 ? ['Op Ed'] : [] }), ALL_RULES, `seed ${seed}`);
      const c = generated(seed + 200_000, DENSE_PIECES, DENSE_GLUE);
      expectSame(input(c, c), ALL_RULES, `dense seed ${seed}`);
    }
  });

  it('agrees for each UTF-16 code unit (big CJK and Hangul blocks sampled): inside words, between words, in phrases and in rules', () => {
    let tagged = 0;
    // Sixteen characters at a time: each text is checked against the rules of all sixteen. The
    // big blocks of like characters (CJK ideographs, Hangul syllables) are sampled, not walked.
    const uniform = (c: number) => (c >= 0x3400 && c < 0xa000) || (c >= 0xac00 && c < 0xd7a0);
    for (let base = 0; base < 0x10000; base += 16) {
      if (uniform(base) && base % 256 !== 0) continue;
      const chars = Array.from({ length: 16 }, (_, i) => String.fromCharCode(base + i));
      const rules: TagRule[] = chars.map((c, i) => ({
        tag: `c${base + i}`,
        any: [`a${c}b`, `${c}`, `solar${c}panels`, `${c}x`, `wind ${c}`],
        ...(i % 3 === 0 ? { in: ['content' as const] } : {}),
      }));
      for (const [i, c] of chars.entries()) {
        const text = `A${c}B solar${c}panels ${c}X Wind ${c} ${c}${c}Farm. ${chars[(i + 1) % 16]}x wind${c}`;
        const inp = input(i % 2 === 0 ? text : '', text);
        expectSame(inp, rules, `U+${(base + i).toString(16)}`);
        tagged += ruleTags(inp, rules).length;
      }
    }
    expect(tagged).toBeGreaterThan(30_000);
  });

  it('agrees rule by rule through matchRule, each rule with its own words', () => {
    const texts = Array.from({ length: 400 }, (_, i) => generated(i + 500_000));
    for (const rule of CUSTOM) {
      for (let i = 0; i < texts.length; i++) {
        const inp = input(texts[i]!, texts[(i * 7 + 3) % texts.length]!);
        expect({ rule: rule.tag, i, got: matchRule(rule, inp) }).toEqual({ rule: rule.tag, i, got: refMatch(rule, inp) });
      }
    }
  });

  it('finds words whatever their number: a vocabulary of thousands of words, matched in long text', () => {
    const r = rng(99);
    const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const word = () => Array.from({ length: 1 + Math.floor(r() * 6) }, () => letters[Math.floor(r() * letters.length)]).join('');
    const vocab = Array.from({ length: 3000 }, word);
    const rules: TagRule[] = Array.from({ length: 60 }, (_, i) => ({
      tag: `r${i}`,
      any: vocab.slice(i * 50, i * 50 + 50).map((w, j) => (j % 3 === 0 ? `${w} ${vocab[(i * 50 + j + 1) % vocab.length]}` : w)),
      ...(i % 2 === 0 ? { in: ['content' as const] } : {}),
    }));
    const seps = [' ', ' ', ' ', '-', "'", '. ', ', ', '’', '\u00a0'];
    let tagged = 0;
    for (let k = 0; k < 200; k++) {
      let text = '';
      for (let i = 0; i < 400; i++) text += (r() < 0.5 ? vocab[Math.floor(r() * vocab.length)]!.toUpperCase() : word()) + seps[Math.floor(r() * seps.length)];
      const inp = input(text.slice(0, 80), text);
      expectSame(inp, rules, `random ${k}`);
      tagged += ruleTags(inp, rules).length;
    }
    expect(tagged).toBeGreaterThan(1000);
  });

  it('agrees on texts longer than any buffer it keeps, before and after short ones', () => {
    const items = realWorldItems().slice(0, 400);
    const body = items.map(({ item }) => htmlToText(item.content ?? item.summary ?? '')).join('\n');
    const long = `${body.repeat(Math.ceil(2_500_000 / body.length))} the solar-café, wind naïve farm and oil and gas`;
    expect(long.length).toBeGreaterThan(2_000_000);
    for (const text of [long.slice(0, 9000), long, 'solar panels', long.slice(-30_000), 'oil and gas']) {
      expectSame(input(text.slice(-50), text), ALL_RULES, `length ${text.length}`);
    }
    expect(ruleTags(input('', long), ALL_RULES)).toEqual(expect.arrayContaining(['fossil-fuels', 'long-mixed-phrases', 'mixed-phrases']));
  });

  it('keeps computeTags whole: categories, rules, year and user tags around the matcher', () => {
    const inp = input('Net-zero: the SOLAR panels of “Café” world’s', 'oil and gas', { categories: ['News', 'Op-Ed'], published: '2025-02-03T00:00:00Z' });
    expect(computeTags(inp, CUSTOM)).toEqual(['news', 'op-ed', ...refRuleTags(inp, CUSTOM), 'year-2025']);
    expect(refRuleTags(inp, CUSTOM)).toEqual(expect.arrayContaining(['net-zero', 'cafe', 'worlds', 'phrases', 'feed-only', 'category']));
  });
});
