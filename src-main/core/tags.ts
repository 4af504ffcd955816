// Tags (issue 6): an item's tags = categories (kebab) ∪ auto-tag rules ∪ year-YYYY ∪ user added
// − user removed. Runs for every item of every refresh (50,000 at a time): rules compile once
// (tag-match.ts), and each item's title and text are scanned once for all of them.
import type { TagRule } from './model';
import { type Compiled, compileRule, kebab, matchCompiled, TextIndex, unionVocab } from './tag-match';

export { kebab };

export { loadDefaultRules, parseRules } from './tag-rules';
export { keywordsFor } from './keywords';

export interface TagInput {
  title: string;
  /** Plain text of the content/summary. */
  text: string;
  categories: string[];
  published?: string;
  feedId: string;
  feedUrl: string;
}

export interface UserTags {
  added: string[];
  removed: string[];
}

// Compiled forms are cached by identity: callers pass the same rules array for a whole refresh.
// The list cache is checked rule by rule (cheap), so an array edited in place is recompiled; a rule
// object itself is treated as immutable — replace it to change it.
const listCache = new WeakMap<readonly TagRule[], { rules: TagRule[]; list: Compiled[]; vocab: Set<string>; contentVocab: Set<string> }>();
const ruleCache = new WeakMap<TagRule, Compiled>();

function compiled(rule: TagRule): Compiled {
  let c = ruleCache.get(rule);
  if (!c) ruleCache.set(rule, (c = compileRule(rule)));
  return c;
}

// A plain loop: this check runs once per item of a refresh.
function sameRules(a: readonly TagRule[], b: readonly TagRule[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** compileRules: precompile a rule list, the words it needs, and those its content-scoped rules need (done implicitly and cached by computeTags). */
export function compileRules(rules: readonly TagRule[]): { list: Compiled[]; vocab: Set<string>; contentVocab: Set<string> } {
  let set = listCache.get(rules);
  if (!set || !sameRules(set.rules, rules)) {
    const list = rules.map(compiled);
    // Most rules look only in the title: the long content is searched for fewer words.
    const contentVocab = unionVocab(list.filter((c) => c.content));
    listCache.set(rules, (set = { rules: [...rules], list, vocab: unionVocab(list), contentVocab }));
  }
  return set;
}

/** matchRule: whether one auto-tag rule applies to an item (case-insensitive, whole words). */
export function matchRule(rule: TagRule, input: TagInput): boolean {
  return matchCompiled(compiled(rule), input, new TextIndex(input));
}

/** ruleTags: the tags the rules give an item, in rule order, without duplicates. */
export function ruleTags(input: TagInput, rules: readonly TagRule[]): string[] {
  const { list, vocab, contentVocab } = compileRules(rules);
  if (list.length === 0) return [];
  const index = new TextIndex(input);
  const out: string[] = [];
  for (const c of list) if (c.tag && !out.includes(c.tag) && matchCompiled(c, input, index, vocab, contentVocab)) out.push(c.tag);
  return out;
}

/** yearTag: `year-YYYY` from an ISO date, or undefined when the date has no year. */
export function yearTag(published: string | undefined): string | undefined {
  const m = published ? /^(\d{4})-/.exec(published) : null;
  return m ? `year-${m[1]}` : undefined;
}

/** computeTags: categories ∪ rules ∪ year-YYYY ∪ user added − user removed (a removed tag stays removed). */
export function computeTags(input: TagInput, rules: readonly TagRule[], user?: UserTags): string[] {
  const tags = new Set<string>();
  for (const c of input.categories) {
    const k = kebab(c);
    if (k) tags.add(k);
  }
  for (const t of ruleTags(input, rules)) tags.add(t);
  const year = yearTag(input.published);
  if (year) tags.add(year);
  for (const t of user?.added ?? []) {
    const k = kebab(t);
    if (k) tags.add(k);
  }
  for (const t of user?.removed ?? []) tags.delete(kebab(t));
  return [...tags];
}
