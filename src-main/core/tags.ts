// PLACEHOLDER until tag rules land (issue 6).
import type { TagRule } from './model';

export interface TagInput {
  title: string;
  /** Plain text of the content/summary. */
  text: string;
  categories: string[];
  published?: string;
  feedId: string;
  feedUrl: string;
}

/** kebab: a label as a tag (`Clean Energy` → `clean-energy`). */
export function kebab(label: string): string {
  return label.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** computeTags: categories ∪ rules ∪ year-YYYY ∪ user added − user removed. */
export function computeTags(input: TagInput, rules: TagRule[], user?: { added: string[]; removed: string[] }): string[] {
  void rules;
  const tags = new Set(input.categories.map(kebab).filter(Boolean));
  if (input.published) tags.add(`year-${input.published.slice(0, 4)}`);
  for (const t of user?.added ?? []) tags.add(t);
  for (const t of user?.removed ?? []) tags.delete(t);
  return [...tags];
}
