// Parsed → stored items (the one adapter of model.ts): keeps the reader's state across
// refreshes and decides whether an item changed enough to be written again.
import type { Item, ParsedItem } from './model';
import { hash } from './identity';
import { htmlToText, truncate } from './text';

export const SUMMARY_LENGTH = 300;

/** sourceHashOf: a fingerprint of what the feed said about an item (unchanged → nothing to redo). */
export function sourceHashOf(p: ParsedItem): string {
  const enclosures = p.enclosures.map((e) => `${e.url} ${e.type ?? ''} ${e.length ?? ''}`).join('\n');
  return hash([p.guid, p.link, p.title, p.author, p.published, p.summary, p.content, p.contentBase, p.categories.join('\n'), enclosures].map((v) => v ?? '').join('\u0000'));
}

export interface MergeInput {
  feedId: string;
  id: string;
  parsed: ParsedItem;
  /** The stored item with this id, if any. */
  previous?: Item;
  /** Remembered state of an item retention removed earlier. */
  pruned?: { read: boolean; starred: boolean };
  now: string;
  sourceHash: string;
  tags: string[];
  /** The item's content as plain text, when the caller already has it (saves a second pass). */
  text?: string;
}

/** toStoredItem: a parsed item and its stored predecessor → the item to store (read/starred/userTags kept; a missing date stays the first-seen time). */
export function toStoredItem(m: MergeInput): Item {
  const { parsed: p, previous: prev } = m;
  const published = p.published ?? prev?.published ?? m.now;
  const guessed = !p.published && (!prev || prev.dateGuessed === true);
  const summary = p.summary ? p.summary : m.text !== undefined ? truncate(m.text, SUMMARY_LENGTH) : htmlToText(p.content ?? '', SUMMARY_LENGTH);
  const item: Item = {
    id: m.id,
    feedId: m.feedId,
    ...(p.guid && { guid: own(p.guid) }),
    ...(p.link && { link: own(p.link) }),
    title: own(p.title || summaryTitle(summary)),
    ...(p.author && { author: own(p.author) }),
    published,
    ...(guessed && { dateGuessed: true }),
    fetched: prev?.fetched ?? m.now,
    summary: own(summary.length > SUMMARY_LENGTH ? truncate(summary, SUMMARY_LENGTH) : summary),
    categories: p.categories.map(own),
    tags: m.tags,
    ...(prev?.userTags && { userTags: prev.userTags }),
    ...(p.enclosures.length > 0 && { enclosures: p.enclosures.map((e) => ({ ...e, url: own(e.url), ...(e.type && { type: own(e.type) }) })) }),
    read: prev?.read ?? m.pruned?.read ?? false,
    starred: prev?.starred ?? m.pruned?.starred ?? false,
    sourceHash: m.sourceHash,
  };
  return item;
}

function summaryTitle(summary: string): string {
  // An untitled item (allowed in RSS) reads better under its first words than under nothing.
  return summary ? htmlToText(summary, 80) : '(untitled)';
}

/** own: a copy of s that shares no memory with the string it was cut from. */
export function own(s: string): string {
  // V8 keeps a slice (or a parser's substring) pointing at its whole parent: a 300-character
  // summary would pin its article, a title its 250 KB feed document, for as long as the item
  // lives in memory. Concatenating and slicing forces a fresh flat string.
  return s.length < 13 ? s : ` ${s}`.slice(1);
}
