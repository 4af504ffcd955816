// The matching half of tag rules. Tagging runs for every item of a refresh (50,000 at a time), so
// rules compile once to normalized words, and each item's title and text are normalized once and
// looked up only for the words some rule needs — no regex per rule, no set of every word.
import type { TagRule } from './model';

interface Term {
  words: string[];
  /** The words joined by single spaces, padded: ` solar panels `. */
  padded: string;
}

/** Compiled: a TagRule ready for fast matching. */
export interface Compiled {
  tag: string;
  any: Term[] | null;
  all: Term[] | null;
  title: boolean;
  content: boolean;
  feeds: Set<string> | null;
  categories: Set<string> | null;
  /** Every word of the rule's terms. */
  vocab: Set<string>;
}

/** Hits: the words of a vocabulary found in one text, and the text itself for phrase checks. */
interface Hits {
  found: Set<string>;
  padded: string;
}

const NON_ASCII = /[^\x00-\x7f]/;
const ASCII_PUNCTUATION = /[^a-z0-9\s'-]+/g;
// Only runs that are not already a single space: rewriting every space is what made this slow.
const ASCII_SEPARATORS = / [\s'-]+|[\t\n\r\f\v'-][\s'-]*/g;
// News text is ASCII but for typography (curly quotes, dashes, no-break spaces); mapping those to
// ASCII keeps it on the fast path, which is several times faster than Unicode property escapes.
const TYPOGRAPHY = /[\u00a0\u2000-\u200b\u202f\u205f\u3000\u2010\u2011\u2018\u2019\u201a\u201b\u2032\u00ab\u00bb\u2012-\u2015\u201c-\u201f\u2026]/g;
const TYPOGRAPHY_AS: Record<string, string> = { '\u2010': '-', '\u2011': '-', '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201b': "'", '\u2032': "'" };
const typography = (c: string): string => TYPOGRAPHY_AS[c] ?? (/[\u00a0\u2000-\u200b\u202f\u205f\u3000]/.test(c) ? ' ' : ' . ');
const PUNCTUATION = /[^\p{L}\p{M}\p{N}\s'-]+/gu;
const SEPARATORS = /[\s'-]+/gu;

/** normalizeWords: lower-cased, accent-folded words joined by single spaces; punctuation other than hyphens and apostrophes becomes a `.` token so phrases never match across it. */
export function normalizeWords(s: string): string {
  let t = s.toLowerCase();
  if (NON_ASCII.test(t)) {
    t = t.replace(TYPOGRAPHY, typography);
    if (NON_ASCII.test(t)) {
      // Accented letters and other scripts: fold accents, then the (slower) Unicode classes.
      t = t.normalize('NFKD').replace(/[\u0300-\u036f]+/g, '');
      return t.replace(PUNCTUATION, ' . ').replace(SEPARATORS, ' ').trim();
    }
  }
  return t.replace(ASCII_PUNCTUATION, ' . ').replace(ASCII_SEPARATORS, ' ').trim();
}

class Scope {
  #tokens?: string[];
  #padded?: string;
  readonly #hits = new Map<Set<string>, Hits>();
  constructor(private readonly text: string) {}
  hits(vocab: Set<string>): Hits {
    let h = this.#hits.get(vocab);
    if (h) return h;
    if (this.#padded === undefined) {
      const norm = normalizeWords(this.text);
      this.#padded = ` ${norm} `;
      this.#tokens = norm.split(' ');
    }
    const found = new Set<string>();
    for (const t of this.#tokens!) if (vocab.has(t)) found.add(t);
    h = { found, padded: this.#padded };
    this.#hits.set(vocab, h);
    return h;
  }
}

/** TextIndex: an item's normalized title and content, built lazily and once per item. */
export class TextIndex {
  readonly title: Scope;
  readonly content: Scope;
  constructor(input: { title: string; text: string }) {
    this.title = new Scope(input.title);
    this.content = new Scope(input.text);
  }
}

/** kebab: a label as a tag (`Clean Energy` → `clean-energy`, `Women's Euro` → `womens-euro`); accents folded, other scripts kept. */
export function kebab(label: string): string {
  return label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/(?<=[\p{L}\p{N}])['’](?=\p{L})/gu, '')
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

function words(s: string): string[] {
  return normalizeWords(s).split(' ').filter((w) => w && w !== '.');
}

function terms(list: readonly string[] | undefined, vocab: Set<string>): Term[] | null {
  if (!list || list.length === 0) return null;
  const out: Term[] = [];
  for (const raw of list) {
    if (typeof raw !== 'string') continue;
    const w = words(raw);
    if (w.length === 0) continue;
    for (const x of w) vocab.add(x);
    out.push({ words: w, padded: ` ${w.join(' ')} ` });
  }
  return out;
}

/** compileRule: a TagRule → its compiled form (terms normalized the same way as item text). */
export function compileRule(rule: TagRule): Compiled {
  const scopes = rule.in && rule.in.length > 0 ? rule.in : ['title', 'content'];
  const vocab = new Set<string>();
  return {
    tag: kebab(rule.tag ?? ''),
    any: terms(rule.any, vocab),
    all: terms(rule.all, vocab),
    title: scopes.includes('title'),
    content: scopes.includes('content'),
    feeds: rule.feeds && rule.feeds.length > 0 ? new Set(rule.feeds.map((f) => f.trim().toLowerCase())) : null,
    categories: rule.categories && rule.categories.length > 0 ? new Set(rule.categories.map((c) => words(c).join('-'))) : null,
    vocab,
  };
}

/** unionVocab: every word any of the compiled rules needs. */
export function unionVocab(list: readonly Compiled[]): Set<string> {
  const all = new Set<string>();
  for (const c of list) for (const w of c.vocab) all.add(w);
  return all;
}

function has(h: Hits, t: Term): boolean {
  for (const word of t.words) if (!h.found.has(word)) return false;
  return t.words.length === 1 || h.padded.includes(t.padded);
}

/** matchCompiled: whether a compiled rule applies to an item; `vocab` must hold the rule's words. A rule with no condition matches nothing. */
export function matchCompiled(
  c: Compiled,
  input: { categories: string[]; feedId: string; feedUrl: string },
  idx: TextIndex,
  vocab: Set<string> = c.vocab,
): boolean {
  if (!c.any && !c.all && !c.feeds && !c.categories) return false;
  // A rule whose every term normalized away must not match everything.
  if (c.any?.length === 0 && !c.all) return false;
  if (c.feeds && !c.feeds.has(input.feedId.toLowerCase()) && !c.feeds.has(input.feedUrl.trim().toLowerCase())) return false;
  if (c.categories && !input.categories.some((cat) => c.categories!.has(words(cat).join('-')))) return false;
  if (c.any && c.any.length > 0 && !anyFound(c, c.any, idx, vocab)) return false;
  if (c.all && !allFound(c, c.all, idx, vocab)) return false;
  return true;
}

// Plain loops rather than closures: this runs rules × items times per refresh.
function found(c: Compiled, t: Term, idx: TextIndex, vocab: Set<string>): boolean {
  return (c.title && has(idx.title.hits(vocab), t)) || (c.content && has(idx.content.hits(vocab), t));
}

function anyFound(c: Compiled, list: Term[], idx: TextIndex, vocab: Set<string>): boolean {
  for (const t of list) if (found(c, t, idx, vocab)) return true;
  return false;
}

function allFound(c: Compiled, list: Term[], idx: TextIndex, vocab: Set<string>): boolean {
  for (const t of list) if (!found(c, t, idx, vocab)) return false;
  return true;
}
