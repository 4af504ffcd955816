// The item handed to a patch when its text has not been read: state fields are plain, text fields
// read (or write) the real item on first touch. Marking 100,000 items read then parses no text.
import type { Enclosure, Item } from '../core/model';
import type { Entry } from './memory-index';

/** BODY_KEYS: the text fields of an item (kept in the shard body, not the head). */
export const BODY_KEYS = ['guid', 'link', 'title', 'author', 'published', 'dateGuessed', 'fetched', 'summary', 'categories', 'userTags', 'enclosures'] as const;

/** LazyItem: an Item whose text is fetched from `full` only if touched. */
export class LazyItem implements Item {
  readonly id: string;
  readonly feedId: string;
  read: boolean;
  starred: boolean;
  tags: string[];
  /** A text field was written: the item's text must be encoded again. */
  touched = false;
  declare guid?: string;
  declare link?: string;
  declare title: string;
  declare author?: string;
  declare published: string;
  declare dateGuessed?: boolean;
  declare fetched: string;
  declare summary: string;
  declare categories: string[];
  declare userTags?: { added: string[]; removed: string[] };
  declare enclosures?: Enclosure[];

  constructor(
    e: Entry,
    readonly full: () => Item,
  ) {
    this.id = e.id;
    this.feedId = e.feedId;
    this.read = e.read;
    this.starred = e.starred;
    this.tags = [...e.tags];
  }
}

for (const k of BODY_KEYS) {
  Object.defineProperty(LazyItem.prototype, k, {
    get(this: LazyItem) {
      return this.full()[k];
    },
    set(this: LazyItem, v: unknown) {
      this.touched = true;
      (this.full() as unknown as Record<string, unknown>)[k] = v;
    },
    enumerable: true,
    configurable: true,
  });
}
