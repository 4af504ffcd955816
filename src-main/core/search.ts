// Full-text search over title, summary, article text (its opening), author and feed title. The
// index (term-index.ts) is built in the background at open, one feed at a time so the app stays
// responsive, and kept up to date from the store's change events.
import type { Item } from './model';
import type { ItemRef, Store, StoreChange } from '../storage/types';
import { htmlToText } from './text';
import { IN_CONTENT, IN_TEXT, TermIndex } from './term-index';

/** ParsedSearch: a search box query split into free text and filters. */
export interface ParsedSearch {
  terms: string[];
  phrases: string[];
  tags: string[];
  feeds: string[];
  unread: boolean;
  starred: boolean;
}

/** parseSearchQuery: `solar "wind farm" tag:energy feed:bbc is:unread` → words, phrases and filters. */
export function parseSearchQuery(q: string): ParsedSearch {
  const out: ParsedSearch = { terms: [], phrases: [], tags: [], feeds: [], unread: false, starred: false };
  const re = /(-?)(?:(\w+):)?(?:"([^"]*)"?|(\S+))/g;
  for (const m of q.matchAll(re)) {
    const key = m[2]?.toLowerCase();
    const value = (m[3] ?? m[4] ?? '').trim();
    if (!value) continue;
    if (key === 'tag') out.tags.push(value.toLowerCase());
    else if (key === 'feed') out.feeds.push(value);
    else if (key === 'is' && value.toLowerCase() === 'unread') out.unread = true;
    else if (key === 'is' && value.toLowerCase() === 'starred') out.starred = true;
    else {
      const text = key ? `${m[2]}:${value}` : value;
      if (m[3] !== undefined) {
        const words = tokenize(text);
        if (words.length > 1) out.phrases.push(words.join(' '));
        else out.terms.push(...words);
      } else out.terms.push(...tokenize(text));
    }
  }
  return out;
}

/** tokenize: lower-cased words, as the index splits them. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** How much article text is indexed: the opening is where an article says what it is about, and
 * the whole text of 100,000 articles would not fit the memory budget. */
const CONTENT_CHARS = 800;

// Words too common to search for; dropping them keeps the index small.
const STOP = new Set(
  'a an and are as at be but by for from has have he her his i if in into is it its of on or our she so than that the their them then there these they this to was we were which who will with you your'.split(' '),
);

/** indexTerms: the words of a text as indexed (lower-cased, stop words dropped). */
export function indexTerms(text: string): string[] {
  return tokenize(text).filter((t) => !STOP.has(t));
}

/** SearchIndex: the full-text index of one store. */
export class SearchIndex {
  private readonly terms = new TermIndex<ItemRef>();
  private readonly unsubscribe: () => void;
  private readonly contentChars: number;
  private built = false;
  private stopped = false;
  private titles = new Map<string, string>();
  private titlesOf: unknown;
  /** Resolves once every item present at open is indexed. */
  readonly ready: Promise<void>;

  constructor(
    private readonly store: Store,
    opts: { contentChars?: number } = {},
  ) {
    this.contentChars = opts.contentChars ?? CONTENT_CHARS;
    this.unsubscribe = store.onChange((c) => this.onChange(c));
    this.ready = this.build();
  }

  /** isReady: whether the initial build is done (queries before it fall back to a scan). */
  isReady(): boolean {
    return this.built;
  }

  /** size: documents indexed. */
  size(): number {
    return this.terms.size();
  }

  /** match: visit the items matching the words and phrases of a query, with their scores, in no order. */
  match(q: ParsedSearch, visit: (ref: ItemRef, score: number) => void): void {
    const words = [...new Set([...q.terms, ...q.phrases.flatMap((p) => p.split(' '))].filter((t) => !STOP.has(t)))];
    if (!words.length) {
      if (q.phrases.length) for (const ref of scanSearch(this.store, q)) visit(ref, 0);
      return;
    }
    const last = q.terms.at(-1);
    const phrases = q.phrases.map((p) => ` ${p} `);
    this.terms.search(words, (t) => t === last && t.length >= 3, (ref, score, inTextAll) => {
      if (phrases.length) {
        // A phrase is checked in the text held in memory; one that only the article body (not held) could hold stays, ranked lower.
        if (this.phraseIn(ref, phrases)) score *= 2;
        else if (inTextAll) return;
      }
      visit(ref, Math.round(score * 1000) / 1000);
    });
  }

  private phraseIn(ref: ItemRef, phrases: string[]): boolean {
    const it = this.store.getItem(ref.id);
    if (!it) return false;
    const text = ` ${tokenize(`${it.title} ${it.summary} ${it.author ?? ''} ${this.feedTitle(ref.feedId)}`).join(' ')} `;
    return phrases.every((p) => text.includes(p));
  }

  /** close: stop the build and stop listening to the store. */
  close(): void {
    this.stopped = true;
    this.unsubscribe();
  }

  /** build: index every item, one feed per turn of the event loop. */
  private async build(): Promise<void> {
    const feeds = this.store.library().feeds.map((f) => f.id);
    const known = new Set(feeds);
    for (const r of this.store.refsByDate()) if (!known.has(r.feedId)) (known.add(r.feedId), feeds.push(r.feedId));
    for (const feedId of feeds) {
      await new Promise((r) => setImmediate(r));
      if (this.stopped) return;
      const items = (this.store.scanFeed?.(feedId) ?? this.store.feedItems(feedId)).filter((it) => !this.terms.has(it.id));
      const contents = await Promise.all(items.map((it) => this.contentOf(it)));
      if (this.stopped) return;
      items.forEach((it, i) => {
        if (!this.terms.has(it.id)) this.addDoc(it, contents[i]!);
      });
    }
    this.terms.settle();
    this.built = true;
  }

  /** The opening of the article text, past what the summary already holds. */
  private async contentOf(it: Item): Promise<string> {
    if (this.contentChars <= 0) return '';
    const html = await this.store.getContent(it.id).catch(() => undefined);
    if (!html) return '';
    const text = htmlToText(html.slice(0, this.contentChars * 4), this.contentChars);
    const summary = it.summary.replace(/…$/, '');
    return summary && text.startsWith(summary) ? text.slice(summary.length) : text;
  }

  private addDoc(it: Item, content: string): void {
    const ref = this.store.ref(it.id);
    if (!ref) return;
    this.terms.add(it.id, ref, [
      { terms: indexTerms(it.title), weight: 3, where: IN_TEXT },
      { terms: indexTerms(`${it.author ?? ''} ${this.feedTitle(it.feedId)}`), weight: 1.5, where: IN_TEXT },
      { terms: indexTerms(it.summary), weight: 1.2, where: IN_TEXT },
      { terms: indexTerms(content), weight: 1, where: IN_CONTENT },
    ]);
  }

  private feedTitle(feedId: string): string {
    // Rebuilt when the feed list changes, so a rename shows up in later documents.
    const feeds = this.store.library().feeds;
    if (this.titlesOf !== feeds || this.titles.size !== feeds.length) {
      this.titles = new Map(feeds.map((f) => [f.id, f.title]));
      this.titlesOf = feeds;
    }
    return this.titles.get(feedId) ?? '';
  }

  private onChange(c: StoreChange): void {
    if (c.kind === 'remove') {
      for (const id of c.ids) this.terms.remove(id);
    } else if (c.kind === 'put') {
      void this.reindex(c.ids);
    }
  }

  private async reindex(ids: string[]): Promise<void> {
    const items = ids.map((id) => this.store.getItem(id)).filter((x): x is Item => x !== undefined);
    const contents = await Promise.all(items.map((it) => this.contentOf(it)));
    if (this.stopped) return;
    items.forEach((it, i) => {
      this.addDoc(it, contents[i]!);
    });
  }
}

/** scanSearch: the same matching without the index (while it is being built): every word in the text held in memory, newest first. */
export function scanSearch(store: Store, q: ParsedSearch): ItemRef[] {
  const titles = new Map(store.library().feeds.map((f) => [f.id, f.title]));
  const out: ItemRef[] = [];
  for (const r of store.refsByDate()) {
    const it = store.getItem(r.id);
    if (!it) continue;
    const words = tokenize(`${it.title} ${it.summary} ${it.author ?? ''} ${titles.get(it.feedId) ?? ''}`);
    const text = ` ${words.join(' ')} `;
    if (!q.terms.every((t) => words.some((w) => w.startsWith(t)))) continue;
    if (!q.phrases.every((p) => text.includes(` ${p} `))) continue;
    out.push(r);
  }
  return out;
}
