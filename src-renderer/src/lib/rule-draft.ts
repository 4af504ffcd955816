// An auto-tag rule as the editor holds it (text fields and checkboxes), and the checks that turn
// it back into a TagRule. Pure, so the rule editor's validation is tested without a browser.
import type { TagRule } from '../../../src-main/core/model';

/** RuleDraft: one rule being edited; word lists are comma-separated text. */
export interface RuleDraft {
  tag: string;
  any: string;
  all: string;
  title: boolean;
  content: boolean;
  feeds: string[];
  categories: string;
}

/** emptyDraft: a new rule, looking in title and content. */
export function emptyDraft(): RuleDraft {
  return { tag: '', any: '', all: '', title: true, content: true, feeds: [], categories: '' };
}

/** splitTerms: comma- or newline-separated words and phrases, trimmed, without blanks or repeats (case-insensitive). */
export function splitTerms(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.split(/[,\n]/)) {
    const term = raw.trim().replace(/\s+/g, ' ');
    const key = term.toLowerCase();
    if (!term || seen.has(key)) continue;
    seen.add(key);
    out.push(term);
  }
  return out;
}

/** draftFromRule: a stored rule as editable fields (no `in` means title and content). */
export function draftFromRule(rule: TagRule): RuleDraft {
  const where = rule.in?.length ? rule.in : ['title', 'content'];
  return {
    tag: rule.tag,
    any: (rule.any ?? []).join(', '),
    all: (rule.all ?? []).join(', '),
    title: where.includes('title'),
    content: where.includes('content'),
    feeds: [...(rule.feeds ?? [])],
    categories: (rule.categories ?? []).join(', '),
  };
}

/** ruleFromDraft: the rule a draft describes, or why it is not a rule yet. */
export function ruleFromDraft(d: RuleDraft): { rule: TagRule } | { error: string } {
  const tag = d.tag.trim();
  if (!tag) return { error: 'tag rules: a rule needs a tag' };
  if (tag.length > 100) return { error: 'tag rules: a tag has at most 100 characters' };
  if (!/[\p{L}\p{N}]/u.test(tag)) return { error: 'tag rules: a tag needs at least one letter or digit' };
  const any = splitTerms(d.any);
  const all = splitTerms(d.all);
  const categories = splitTerms(d.categories);
  const feeds = [...new Set(d.feeds)];
  if (!any.length && !all.length && !feeds.length && !categories.length) {
    return { error: 'tag rules: a rule needs at least one condition (words, feeds or categories)' };
  }
  const long = [...any, ...all, ...categories].find((t) => t.length > 200);
  if (long) return { error: `tag rules: "${long.slice(0, 40)}…" is longer than 200 characters` };
  if ((any.length || all.length) && !d.title && !d.content) {
    return { error: 'tag rules: look for the words in the title, the content or both' };
  }
  const rule: TagRule = { tag };
  if (any.length) rule.any = any;
  if (all.length) rule.all = all;
  if ((any.length || all.length) && !(d.title && d.content)) rule.in = d.title ? ['title'] : ['content'];
  if (feeds.length) rule.feeds = feeds;
  if (categories.length) rule.categories = categories;
  return { rule };
}

/** describeRule: one line saying what a rule matches, feeds named by feedName. */
export function describeRule(rule: TagRule, feedName: (idOrUrl: string) => string): string {
  const where = rule.in?.length === 1 ? ` in the ${rule.in[0]}` : '';
  const quote = (list: string[]) => list.map((t) => `“${t}”`).join(', ');
  const parts: string[] = [];
  if (rule.any?.length) parts.push(`any of ${quote(rule.any)}${where}`);
  if (rule.all?.length) parts.push(`all of ${quote(rule.all)}${where}`);
  if (rule.feeds?.length) parts.push(`feed is ${rule.feeds.map(feedName).join(' or ')}`);
  if (rule.categories?.length) parts.push(`category is ${quote(rule.categories)}`);
  return parts.join('; ') || 'no conditions';
}
