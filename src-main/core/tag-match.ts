// The matching half of tag rules. Tagging runs for every item of a refresh (50,000 at a time), so
// rules compile once to normalized words, and each item's title and text are scanned once for the
// words some rule needs — no regex per rule, no normalized copy of the text, no set of every word.
import { Buffer } from 'node:buffer';
import type { TagRule } from './model';

interface Term {
  words: string[];
  /** The words' ids (wordIds). */
  ids: number[];
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
  /** The same words as bits of their ids (wordIds). */
  bits: Uint32Array;
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

// The scanner reads an item's text once, code unit by code unit, without building a normalized
// copy. normalizeWords is, but for two things, a mapping of each character on its own (lower-case,
// typography, NFKD, drop accents, class), so each code unit gets a class from a table: part of a
// word (as which folded character), separator, or phrase break; a word is looked up in the
// vocabulary's hash table without being cut out of the text. The two things are final sigma
// (lower-casing Σ looks at its neighbours) and combining marks other than the accents dropped
// (they reorder and attach across characters): such characters, and those that fold to several,
// make the scanner hand their chunk — the run between two ASCII whitespace characters — to
// normalizeWords itself. Lower-casing, NFKD and the class regexes never look across ASCII
// whitespace, so a chunk normalizes alone exactly as it does inside the whole text.
const BAIL = 0;
/** ASCII letter or digit (folded by `| 0x20`). */
const WORD = 1;
/** Another character that folds to one letter or digit (FOLD). */
const FOLDED = 2;
const SEP = 3;
const BREAK = 4;
/** ASCII whitespace: a separator that also ends a chunk. */
const SPACE = 5;
/** Not classified yet: done on first sight (most texts meet a few dozen such characters). */
const UNKNOWN = 6;
const CLASS = (() => {
  const t = new Uint8Array(0x10000).fill(UNKNOWN);
  for (let c = 0; c < 128; c++) t[c] = BREAK;
  for (let c = 0x30; c <= 0x39; c++) t[c] = WORD;
  for (let c = 0x41; c <= 0x5a; c++) t[c] = WORD;
  for (let c = 0x61; c <= 0x7a; c++) t[c] = WORD;
  for (const c of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]) t[c] = SPACE;
  t[0x27] = SEP;
  t[0x2d] = SEP;
  // Halves of astral characters (a pair may be a letter: 𝐀 folds to A), and Σ (final sigma).
  t.fill(BAIL, 0xd800, 0xe000);
  t[0x3a3] = BAIL;
  return t;
})();
const FOLD = new Uint16Array(0x10000);
const TYPOGRAPHY_CHAR = new RegExp(TYPOGRAPHY.source);
const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;
const WORDISH = /[\p{L}\p{M}\p{N}]/u;
const SEPARATORS_ONLY = /^[\s'-]+$/u;

/** classify: a code unit's class, as normalizeWords treats that character anywhere outside a chunk it must normalize whole. */
function classify(c: number): number {
  const ch = String.fromCharCode(c);
  let k = BAIL;
  if (TYPOGRAPHY_CHAR.test(ch)) k = typography(ch) === ' . ' ? BREAK : SEP;
  else {
    // Any mark left after dropping accents, or several characters, bails: marks reorder and
    // attach across characters, so only the whole chunk says what they become.
    const f = ch.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]+/g, '');
    if (f.length === 1 && LETTER_OR_NUMBER.test(f)) {
      k = FOLDED;
      FOLD[c] = f.charCodeAt(0);
    } else if (f !== '' && !WORDISH.test(f)) k = SEPARATORS_ONLY.test(f) ? SEP : BREAK;
  }
  CLASS[c] = k;
  return k;
}

/** Hash step over folded code units. */
const step = (h: number, c: number): number => (Math.imul(h, 31) + c) | 0;
const slotOf = (h: number, mask: number): number => (h ^ (h >>> 15)) & mask;

// Every word of every compiled term gets a small number, so the words found in a text are bits
// and a term's check is a few array reads, not string lookups. Rule words only: a handful of
// thousands at most, for the life of the process.
const wordIds = new Map<string, number>();
function idOf(w: string): number {
  let id = wordIds.get(w);
  if (id === undefined) wordIds.set(w, (id = wordIds.size));
  return id;
}

/** Lookup: a vocabulary's words in an open-addressing hash table (slot → word id + 1). */
interface Lookup {
  size: number;
  mask: number;
  keys: Int32Array;
  ids: Int32Array;
  words: string[];
}

const lookups = new WeakMap<Set<string>, Lookup>();

// Cached by the Set's identity: vocabularies are built once by compileRule/unionVocab and never
// edited (the size check is only a cheap guard against a Set grown after its first use).
function lookupFor(vocab: Set<string>): Lookup {
  let l = lookups.get(vocab);
  if (l && l.size === vocab.size) return l;
  // Sparse on purpose: nearly every word of a text is not in the vocabulary, and an empty slot
  // says so on the first read.
  let cap = 1024;
  while (cap < vocab.size * 32) cap *= 2;
  l = { size: vocab.size, mask: cap - 1, keys: new Int32Array(cap), ids: new Int32Array(cap), words: new Array<string>(cap).fill('') };
  for (const w of vocab) {
    const id = idOf(w);
    // Words the scanner cannot spell (marks, several code units per character) are found only in
    // chunks normalized whole; in the table they merely sit unused.
    let h = 0;
    for (let i = 0; i < w.length; i++) h = step(h, w.charCodeAt(i));
    let s = slotOf(h, l.mask);
    while (l.ids[s] !== 0) s = (s + 1) & l.mask;
    l.keys[s] = h;
    l.ids[s] = id + 1;
    l.words[s] = w;
  }
  lookups.set(vocab, l);
  return l;
}

/** The id of the word units[start, end) (folded) if the vocabulary holds it, else -1. */
function find(l: Lookup, units: Uint16Array, start: number, end: number, h: number): number {
  for (let s = slotOf(h, l.mask); l.ids[s] !== 0; s = (s + 1) & l.mask) {
    const w = l.words[s]!;
    if (l.keys[s] !== h || w.length !== end - start) continue;
    let j = 0;
    while (j < w.length && fold(units[start + j]!) === w.charCodeAt(j)) j++;
    if (j === w.length) return l.ids[s]! - 1;
  }
  return -1;
}

const fold = (u: number): number => (u < 0x80 ? u | 0x20 : FOLD[u]!);

/** Hits: the vocabulary words of one text as ids in text order, their positions in the sequence of words and phrase breaks, and the distinct ids as a list and as bits. */
interface Hits {
  ids: number[];
  at: number[];
  unique: number[];
  bits: Uint32Array;
}

// The text's code units are copied (natively) into a reused typed array: reading a Uint16Array in
// the loop below is markedly faster than charCodeAt. Huge texts get a buffer of their own.
const REUSE_LIMIT = 1 << 20;
let shared = new Uint16Array(8192);
let sharedBytes = Buffer.from(shared.buffer);
function unitsOf(text: string): Uint16Array {
  let units = shared;
  let bytes = sharedBytes;
  if (units.length <= text.length) {
    let size = units.length;
    while (size <= text.length) size *= 2;
    units = new Uint16Array(size);
    bytes = Buffer.from(units.buffer);
    if (size <= REUSE_LIMIT) [shared, sharedBytes] = [units, bytes];
  }
  // A native copy pays for its call only on longer texts (content, not titles).
  if (text.length > 64) bytes.write(text, 0, 'utf16le');
  else for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
  // A space after the last unit closes the last word without a test in the loop.
  units[text.length] = 0x20;
  return units;
}

/** scan: the vocabulary words of `text`, numbered as in normalizeWords(text).split(' ') (up to how many breaks stand in a row, which no phrase can span). */
function scan(text: string, vocab: Set<string>): Hits {
  const l = lookupFor(vocab);
  const table = l.ids;
  const mask = l.mask;
  const ids: number[] = [];
  const at: number[] = [];
  let pos = 0;
  let start = -1;
  let h = 0;
  // Where the current chunk began, and the state to roll back to if it must be normalized whole.
  let chunk = 0;
  let chunkPos = 0;
  let chunkHits = 0;
  const n = text.length;
  const units = unitsOf(text);
  for (let i = 0; i <= n; i++) {
    const c = units[i]!;
    let k = CLASS[c]!;
    if (k === WORD) {
      if (start < 0) {
        start = i;
        h = 0;
      }
      h = step(h, c | 0x20);
      continue;
    }
    if (k === UNKNOWN) k = classify(c);
    if (k === FOLDED) {
      if (start < 0) {
        start = i;
        h = 0;
      }
      h = step(h, FOLD[c]!);
      continue;
    }
    if (k === BAIL) {
      ids.length = at.length = chunkHits;
      pos = chunkPos;
      start = -1;
      let end = i + 1;
      while (end < n && !isSpace(units[end]!)) end++;
      for (const tok of normalizeWords(text.slice(chunk, end)).split(' ')) {
        if (tok === '') continue;
        if (vocab.has(tok)) {
          ids.push(idOf(tok));
          at.push(pos);
        }
        pos++;
      }
      // Resume at the whitespace (or the end) that closes the chunk: the loop's i++ reaches it.
      i = end - 1;
      continue;
    }
    if (start >= 0) {
      if (table[slotOf(h, mask)] !== 0) {
        const id = find(l, units, start, i, h);
        if (id >= 0) {
          ids.push(id);
          at.push(pos);
        }
      }
      pos++;
      start = -1;
    }
    if (k === BREAK) pos++;
    else if (k === SPACE) {
      chunk = i + 1;
      chunkPos = pos;
      chunkHits = at.length;
    }
  }
  return { ids, at, ...distinct(ids) };
}

const NO_BITS = new Uint32Array(0);

function distinct(ids: number[]): { unique: number[]; bits: Uint32Array } {
  // Most titles hold no vocabulary word: no bits to allocate.
  if (ids.length === 0) return { unique: [], bits: NO_BITS };
  const bits = new Uint32Array((wordIds.size + 31) >>> 5);
  const unique: number[] = [];
  for (const id of ids) {
    if (isSet(bits, id)) continue;
    bits[id >>> 5]! |= 1 << (id & 31);
    unique.push(id);
  }
  return { unique, bits };
}

const isSet = (bits: Uint32Array, id: number): boolean => (((bits[id >>> 5] ?? 0) >>> (id & 31)) & 1) === 1;

function isSpace(c: number): boolean {
  return c <= 0x20 && CLASS[c] === SPACE;
}

class Scope {
  // Callers use one vocabulary per item (two at most): the last one answers without a map.
  #vocab?: Set<string>;
  #hits?: Hits;
  #others?: Map<Set<string>, Hits>;
  constructor(private readonly text: string) {}
  hits(vocab: Set<string>): Hits {
    if (vocab === this.#vocab) return this.#hits!;
    let h = this.#others?.get(vocab);
    if (!h) {
      h = scan(this.text, vocab);
      // Only a second vocabulary needs a map; the usual single one lives in the fields.
      if (this.#vocab) (this.#others ??= new Map([[this.#vocab, this.#hits!]])).set(vocab, h);
    }
    this.#vocab = vocab;
    this.#hits = h;
    return h;
  }
}

/** TextIndex: an item's title and content, each scanned lazily and once per vocabulary. */
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
  let k = kebabs.get(label);
  if (k === undefined) {
    if (kebabs.size >= 4096) kebabs.clear();
    kebabs.set(label, (k = kebabOf(label)));
  }
  return k;
}

// Every item's categories are kebab-cased, and feeds repeat the same few: remembered in a bounded
// map (emptied when full, so odd feeds cannot grow it without limit).
const kebabs = new Map<string, string>();

function kebabOf(label: string): string {
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
    out.push({ words: w, ids: w.map(idOf) });
  }
  return out;
}

/** compileRule: a TagRule → its compiled form (terms normalized the same way as item text). */
export function compileRule(rule: TagRule): Compiled {
  const scopes = rule.in && rule.in.length > 0 ? rule.in : ['title', 'content'];
  const vocab = new Set<string>();
  const any = terms(rule.any, vocab);
  const all = terms(rule.all, vocab);
  return {
    tag: kebab(rule.tag ?? ''),
    any,
    all,
    title: scopes.includes('title'),
    content: scopes.includes('content'),
    feeds: rule.feeds && rule.feeds.length > 0 ? new Set(rule.feeds.map((f) => f.trim().toLowerCase())) : null,
    categories: rule.categories && rule.categories.length > 0 ? new Set(rule.categories.map((c) => words(c).join('-'))) : null,
    vocab,
    bits: distinct([...vocab].map(idOf)).bits,
  };
}

/** unionVocab: every word any of the compiled rules needs. */
export function unionVocab(list: readonly Compiled[]): Set<string> {
  const all = new Set<string>();
  for (const c of list) for (const w of c.vocab) all.add(w);
  return all;
}

function has(h: Hits, t: Term): boolean {
  const want = t.ids;
  for (const id of want) if (!isSet(h.bits, id)) return false;
  const n = want.length;
  if (n === 1) return true;
  // A phrase is its words at consecutive positions. Hits are in text order, so the word after a
  // hit, if it is a vocabulary word at all, is the next hit.
  const ids = h.ids;
  const at = h.at;
  for (let j = 0; j + n <= ids.length; j++) {
    if (ids[j] !== want[0]) continue;
    let k = 1;
    while (k < n && ids[j + k] === want[k] && at[j + k] === at[j]! + k) k++;
    if (k === n) return true;
  }
  return false;
}

/** matchCompiled: whether a compiled rule applies to an item; `vocab` must hold the rule's words (`contentVocab` those of its terms when it looks in the content). A rule with no condition matches nothing. */
export function matchCompiled(
  c: Compiled,
  input: { categories: string[]; feedId: string; feedUrl: string },
  idx: TextIndex,
  vocab: Set<string> = c.vocab,
  contentVocab: Set<string> = vocab,
): boolean {
  if (!c.any && !c.all && !c.feeds && !c.categories) return false;
  // A rule whose every term normalized away must not match everything.
  if (c.any?.length === 0 && !c.all) return false;
  if (c.feeds && !c.feeds.has(input.feedId.toLowerCase()) && !c.feeds.has(input.feedUrl.trim().toLowerCase())) return false;
  if (c.categories && !input.categories.some((cat) => c.categories!.has(categoryKey(cat)))) return false;
  if (c.any && c.any.length > 0 && !anyFound(c, c.any, idx, vocab, contentVocab)) return false;
  if (c.all && !allFound(c, c.all, idx, vocab, contentVocab)) return false;
  return true;
}

// Plain loops rather than closures: this runs rules × items times per refresh.
function found(c: Compiled, t: Term, idx: TextIndex, vocab: Set<string>, contentVocab: Set<string>): boolean {
  return (c.title && has(idx.title.hits(vocab), t)) || (c.content && has(idx.content.hits(contentVocab), t));
}

function anyFound(c: Compiled, list: Term[], idx: TextIndex, vocab: Set<string>, contentVocab: Set<string>): boolean {
  // Most rules share no word with an item: a few bit tests over the item's distinct words say so
  // before any term is tried.
  if (c.title) {
    const h = idx.title.hits(vocab);
    if (touches(c, h)) for (const t of list) if (has(h, t)) return true;
  }
  if (c.content) {
    const h = idx.content.hits(contentVocab);
    if (touches(c, h)) for (const t of list) if (has(h, t)) return true;
  }
  return false;
}

function touches(c: Compiled, h: Hits): boolean {
  for (const id of h.unique) if (isSet(c.bits, id)) return true;
  return false;
}

function allFound(c: Compiled, list: Term[], idx: TextIndex, vocab: Set<string>, contentVocab: Set<string>): boolean {
  for (const t of list) if (!found(c, t, idx, vocab, contentVocab)) return false;
  return true;
}

// Feeds repeat the same few categories on every item: their keys are remembered (a bounded map,
// emptied when full, so odd feeds cannot grow it without limit).
const categoryKeys = new Map<string, string>();
function categoryKey(cat: string): string {
  let k = categoryKeys.get(cat);
  if (k === undefined) {
    if (categoryKeys.size >= 4096) categoryKeys.clear();
    categoryKeys.set(cat, (k = words(cat).join('-')));
  }
  return k;
}
