// queryItems: the timeline's filters, sorting and paging, served from the store's light refs;
// only the page itself is read in full.
import type { Item } from './model';
import type { ItemQuery } from '../ipc/contract';
import type { ItemRef, Store } from '../storage/types';
import { parseSearchQuery, scanSearch, type ParsedSearch, type SearchIndex } from './search';

const DAY_MS = 86_400_000;
const DEFAULT_LIMIT = 100;

/** queryItems: the items a query shows (one page) and how many there are in all; newest first by default. */
export function queryItems(store: Store, query: ItemQuery, opts: { search?: SearchIndex; now?: Date } = {}): { items: Item[]; total: number } {
  const now = (opts.now ?? new Date()).getTime();
  const parsed = query.search?.trim() ? parseSearchQuery(query.search) : undefined;
  const keep = buildFilter(store, query, parsed, now);
  const offset = Math.max(0, query.offset ?? 0);
  const limit = Math.max(0, query.limit ?? DEFAULT_LIMIT);
  const end = offset + limit;
  const page: ItemRef[] = [];
  let total = 0;

  const ranked = parsed && parsed.terms.length + parsed.phrases.length > 0;
  if (ranked) {
    const order = query.sort ? (a: Ranked, b: Ranked) => dateOrder(a.ref, b.ref, query.sort!) : byRank;
    const best = new TopK<Ranked>(end, order);
    const offer = (ref: ItemRef, score: number) => {
      if (!keep(ref)) return;
      total++;
      best.offer({ ref, score });
    };
    if (opts.search?.isReady()) opts.search.match(parsed, offer);
    else for (const ref of scanSearch(store, parsed)) offer(ref, 0);
    page.push(...best.result().slice(offset).map((h) => h.ref));
  } else {
    const source = candidates(store, query, parsed);
    const cached = store.cachedRefsByDate ? store.cachedRefsByDate() : store.refsByDate();
    if (source === undefined && !cached && store.allRefs && end <= 5000) {
      // Right after open the date order is not built yet: a first page needs no full sort.
      const best = new TopK<ItemRef>(end, (a, b) => dateOrder(a, b, query.sort ?? 'newest'));
      for (const r of store.allRefs()) {
        if (!keep(r)) continue;
        total++;
        best.offer(r);
      }
      page.push(...best.result().slice(offset));
    } else if (source === undefined) {
      // The date order is kept by the store: walk it, count everything, keep the page.
      const sorted = cached ?? store.refsByDate();
      const oldest = query.sort === 'oldest';
      for (let k = 0; k < sorted.length; k++) {
        const r = sorted[oldest ? sorted.length - 1 - k : k]!;
        if (!keep(r)) continue;
        if (total >= offset && total < end) page.push(r);
        total++;
      }
    } else {
      const refs: ItemRef[] = [];
      for (const r of source) if (keep(r)) refs.push(r);
      total = refs.length;
      page.push(...topSlice(refs, query.sort ?? 'newest', offset, end));
    }
  }
  const items: Item[] = [];
  for (const r of page) {
    const it = store.itemOfRef ? store.itemOfRef(r) : store.getItem(r.id);
    if (it) items.push(it);
  }
  return { items, total };
}

/** A smaller set to start from than every item, when the query names one (a feed, tags). */
function candidates(store: Store, q: ItemQuery, parsed: ParsedSearch | undefined): Iterable<ItemRef> | undefined {
  // Tags that must all match (from `tag:` words, or the filter in all-mode): start from the rarest.
  const required = [...(parsed?.tags ?? []), ...(q.tagMode === 'any' ? [] : (q.tags ?? []))];
  if (required.length) {
    let best: ItemRef[] | undefined;
    for (const t of required) {
      const refs = [...store.refsByTag(t)];
      if (!best || refs.length < best.length) best = refs;
    }
    return best;
  }
  if (q.tags?.length) {
    const union = new Set<ItemRef>();
    for (const t of q.tags) for (const r of store.refsByTag(t)) union.add(r);
    return union;
  }
  if (q.feedId) return store.refsOfFeed(q.feedId);
  return undefined;
}

function buildFilter(store: Store, q: ItemQuery, parsed: ParsedSearch | undefined, now: number): (r: ItemRef) => boolean {
  const tests: ((r: ItemRef) => boolean)[] = [];
  if (q.feedId) tests.push((r) => r.feedId === q.feedId);
  if (q.folder !== undefined && q.folder !== '') {
    const folder = q.folder.replace(/\/+$/, '');
    const feeds = new Set(store.library().feeds.filter((f) => f.folder === folder || f.folder.startsWith(`${folder}/`)).map((f) => f.id));
    tests.push((r) => feeds.has(r.feedId));
  }
  if (q.status === 'unread' || parsed?.unread) tests.push((r) => !r.read);
  if (q.status === 'starred' || parsed?.starred) tests.push((r) => r.starred);
  if (q.today) tests.push((r) => r.pub >= now - DAY_MS && r.pub <= now + DAY_MS);
  if (q.since) {
    const t = Date.parse(q.since);
    if (Number.isFinite(t)) tests.push((r) => r.pub >= t);
  }
  if (q.before) {
    const t = Date.parse(q.before);
    if (Number.isFinite(t)) tests.push((r) => r.pub < t);
  }
  if (q.tags?.length) {
    const want = q.tags;
    tests.push(q.tagMode === 'any' ? (r) => want.some((t) => r.tags.includes(t)) : (r) => want.every((t) => r.tags.includes(t)));
  }
  if (parsed?.tags.length) {
    const want = parsed.tags;
    tests.push((r) => want.every((t) => r.tags.includes(t)));
  }
  if (parsed?.feeds.length) {
    const feeds = matchFeeds(store, parsed.feeds);
    tests.push((r) => feeds.has(r.feedId));
  }
  return (r) => {
    for (const t of tests) if (!t(r)) return false;
    return true;
  };
}

/** matchFeeds: feeds named by `feed:` words (id, or words of the title or address). */
function matchFeeds(store: Store, names: string[]): Set<string> {
  const out = new Set<string>();
  for (const f of store.library().feeds) {
    const hay = `${f.title} ${f.url}`.toLowerCase();
    if (names.every((n) => f.id === n || hay.includes(n.toLowerCase()))) out.add(f.id);
  }
  return out;
}

function dateOrder(a: ItemRef, b: ItemRef, sort: 'newest' | 'oldest'): number {
  const dir = sort === 'oldest' ? -1 : 1;
  return dir * (b.pub - a.pub) || (a.id < b.id ? -dir : a.id > b.id ? dir : 0);
}

function topSlice(refs: ItemRef[], sort: 'newest' | 'oldest', offset: number, end: number): ItemRef[] {
  return topK(refs, end, (a, b) => dateOrder(a, b, sort)).slice(offset);
}

interface Ranked {
  ref: ItemRef;
  score: number;
}

/** byRank: best score first, newest first on ties. */
function byRank(a: Ranked, b: Ranked): number {
  return b.score - a.score || b.ref.pub - a.ref.pub || (a.ref.id < b.ref.id ? -1 : a.ref.id > b.ref.id ? 1 : 0);
}

/** topK: the first k of xs in cmp order, without sorting all of them when k is small. */
export function topK<T>(xs: T[], k: number, cmp: (a: T, b: T) => number): T[] {
  if (k * 8 >= xs.length) return xs.sort(cmp).slice(0, Math.max(0, k));
  const best = new TopK(k, cmp);
  for (const x of xs) best.offer(x);
  return best.result();
}

/** TopK: keeps the k best of what it is offered (a heap whose root is the worst kept). */
class TopK<T> {
  private readonly heap: T[] = [];
  constructor(
    private readonly k: number,
    private readonly cmp: (a: T, b: T) => number,
  ) {}

  offer(x: T): void {
    const { heap, cmp } = this;
    if (this.k <= 0) return;
    if (heap.length < this.k) {
      heap.push(x);
      let i = heap.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (cmp(heap[i]!, heap[p]!) <= 0) break;
        [heap[i], heap[p]] = [heap[p]!, heap[i]!];
        i = p;
      }
    } else if (cmp(x, heap[0]!) < 0) {
      heap[0] = x;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && cmp(heap[l]!, heap[m]!) > 0) m = l;
        if (r < heap.length && cmp(heap[r]!, heap[m]!) > 0) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
  }

  result(): T[] {
    return [...this.heap].sort(this.cmp);
  }
}
