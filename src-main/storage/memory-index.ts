// The in-memory index built at open: one light Entry per item, counters kept up to date on every
// change (so counts never scan), items by tag, and a date order rebuilt only when items go.
import type { Item } from '../core/model';
import type { ItemRef, Tally } from './types';

/** Entry: the light record of one item; `item` is set once its shard's text has been read. */
export class Entry implements ItemRef {
  item: Item | undefined = undefined;
  /** Where this item's text sits in its shard's body bytes (-1: nowhere yet). */
  at = -1;
  len = 0;
  /** The text changed since the body bytes were made: it must be encoded again. */
  dirty = false;
  constructor(
    readonly id: string,
    readonly feedId: string,
    public pub: number,
    public read: boolean,
    public starred: boolean,
    public tags: readonly string[],
  ) {}
}

/** StateSnapshot: the counted state of an entry before a change. */
export interface StateSnapshot {
  read: boolean;
  starred: boolean;
  tags: readonly string[];
  pub: number;
}

const zero = (): Tally => ({ unread: 0, total: 0, starred: 0 });

function bump(t: Tally, e: StateSnapshot, sign: 1 | -1): void {
  t.total += sign;
  if (!e.read) t.unread += sign;
  if (e.starred) t.starred += sign;
}

/** ShardCounts: a shard's tallies, in all and per distinct tag list of its entries. */
export interface ShardCounts {
  feed: Tally;
  byTags: [readonly string[], Tally][];
}

function addTally(to: Tally, t: Tally): void {
  to.total += t.total;
  to.unread += t.unread;
  to.starred += t.starred;
}

/** byDate: newest first, ties by id so the order is stable. */
export function byDate(a: ItemRef, b: ItemRef): number {
  return b.pub - a.pub || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** MemoryIndex: entries by id and by tag, with their tallies. */
export class MemoryIndex {
  // The id map is the largest structure: at open, shards' entry lists are only queued, counted in
  // bulk, and put in the map on first use (warm-up, or the first lookup by id).
  private readonly ids = new Map<string, Entry>();
  private queued: (readonly Entry[])[] = [];
  readonly all: Tally = zero();
  readonly feedTally = new Map<string, Tally>();
  readonly tagTally = new Map<string, Tally>();
  private dateOrder: Entry[] | undefined;
  // Entries added since the date order was built: merged in when it is next read, because
  // inserting one by one moves the whole array each time (a refresh adds thousands, all newest).
  private dateAdded: Entry[] = [];
  // Items by tag are built on first use (building them at open would cost most of the open time);
  // removals only mark a tag stale, and its list is compacted when next asked for.
  private tagIndex: Map<string, Entry[]> | undefined;
  private readonly staleTags = new Set<string>();

  /** add: index a new entry (an id already indexed is left as it is). */
  add(e: Entry): boolean {
    if (this.byId.has(e.id)) return false;
    this.byId.set(e.id, e);
    this.count(e, e, 1);
    if (this.tagIndex) for (const t of e.tags) this.tagList(t).push(e);
    if (this.dateOrder) this.dateAdded.push(e);
    return true;
  }

  /** addShard: index a feed's entries at open, counting them in bulk (entries with equal tags share one tag list); `counts`, when the caller already has them, saves a pass. */
  addShard(feedId: string, entries: readonly Entry[], counts?: ShardCounts): void {
    if (!this.queued.length && this.ids.size) {
      for (const e of entries) this.add(e);
      return;
    }
    this.queued.push(entries);
    const ft = this.feedTally.get(feedId) ?? zero();
    this.feedTally.set(feedId, ft);
    let byTags: Iterable<[readonly string[], Tally]>;
    if (counts) {
      addTally(ft, counts.feed);
      addTally(this.all, counts.feed);
      byTags = counts.byTags;
    } else {
      const m = new Map<readonly string[], Tally>();
      for (const e of entries) {
        bump(this.all, e, 1);
        bump(ft, e, 1);
        if (!e.tags.length) continue;
        let t = m.get(e.tags);
        if (!t) m.set(e.tags, (t = zero()));
        bump(t, e, 1);
      }
      byTags = m;
    }
    for (const [tags, t] of byTags) {
      for (const tag of tags) {
        const tt = this.tagTally.get(tag);
        if (!tt) this.tagTally.set(tag, { ...t });
        else {
          tt.total += t.total;
          tt.unread += t.unread;
          tt.starred += t.starred;
        }
      }
    }
    this.dropDateOrder();
    this.tagIndex = undefined;
  }

  /** byId: entries by id. */
  get byId(): Map<string, Entry> {
    if (this.queued.length) {
      const lists = this.queued;
      this.queued = [];
      for (const l of lists) for (const e of l) if (!this.ids.has(e.id)) this.ids.set(e.id, e);
    }
    return this.ids;
  }

  /** size: how many items. */
  get size(): number {
    let n = this.ids.size;
    for (const l of this.queued) n += l.length;
    return n;
  }

  /** entries: every entry, in no order, without building the id map (a fresh array: walking one is much quicker than a generator). */
  entries(): Entry[] {
    const out: Entry[] = new Array<Entry>(this.size);
    let k = 0;
    // Each feed's list backwards: feeds append, so its newest come first, and a search for the
    // newest few (the first page) keeps most of what it meets first instead of replacing it.
    for (const l of this.queued) for (let i = l.length - 1; i >= 0; i--) out[k++] = l[i]!;
    for (const e of this.ids.values()) out[k++] = e;
    return out;
  }

  /** remove: drop an entry from every index. */
  remove(e: Entry): void {
    if (this.byId.get(e.id) !== e) return;
    this.byId.delete(e.id);
    this.count(e, e, -1);
    for (const t of e.tags) this.staleTags.add(t);
    this.dropDateOrder();
  }

  /** snapshot: the counted state of an entry, taken before changing it. */
  snapshot(e: Entry): StateSnapshot {
    return { read: e.read, starred: e.starred, tags: e.tags, pub: e.pub };
  }

  /** changed: re-count an entry whose state went from `before` to its current one. */
  changed(e: Entry, before: StateSnapshot): void {
    if (before.read !== e.read || before.starred !== e.starred || before.tags !== e.tags) {
      this.count(e, before, -1);
      this.count(e, e, 1);
    }
    if (before.tags !== e.tags && this.tagIndex) {
      for (const t of before.tags) this.staleTags.add(t);
      for (const t of e.tags) {
        this.tagList(t).push(e);
        this.staleTags.add(t);
      }
    }
    if (before.pub !== e.pub) this.dropDateOrder();
  }

  /** sorted: every entry, newest first (cached). */
  sorted(): readonly Entry[] {
    if (!this.dateOrder) this.dateOrder = this.entries().sort(byDate);
    else if (this.dateAdded.length) this.dateOrder = mergeSorted(this.dateOrder, this.dateAdded.splice(0).sort(byDate));
    return this.dateOrder;
  }

  /** cachedSorted: the date order if built. */
  cachedSorted(): readonly Entry[] | undefined {
    return this.dateOrder && this.sorted();
  }

  private dropDateOrder(): void {
    this.dateOrder = undefined;
    this.dateAdded = [];
  }

  /** withTag: the entries carrying a tag. */
  withTag(tag: string): readonly Entry[] {
    if (!this.tagIndex) {
      this.tagIndex = new Map();
      this.staleTags.clear();
      for (const e of this.entries()) for (const t of e.tags) this.tagList(t).push(e);
    }
    const list = this.tagIndex.get(tag);
    if (!list) return [];
    if (this.staleTags.delete(tag)) {
      const seen = new Set<Entry>();
      const kept = list.filter((e) => !seen.has(e) && (seen.add(e), this.byId.get(e.id) === e && e.tags.includes(tag)));
      if (kept.length) this.tagIndex.set(tag, kept);
      else this.tagIndex.delete(tag);
      return kept;
    }
    return list;
  }

  private count(e: Entry, s: StateSnapshot, sign: 1 | -1): void {
    bump(this.all, s, sign);
    let ft = this.feedTally.get(e.feedId);
    if (!ft) this.feedTally.set(e.feedId, (ft = zero()));
    bump(ft, s, sign);
    for (const t of s.tags) {
      let tt = this.tagTally.get(t);
      if (!tt) this.tagTally.set(t, (tt = zero()));
      bump(tt, s, sign);
      if (tt.total === 0) this.tagTally.delete(t);
    }
  }

  private tagList(t: string): Entry[] {
    let l = this.tagIndex!.get(t);
    if (!l) this.tagIndex!.set(t, (l = []));
    return l;
  }
}

/** mergeSorted: two lists in date order → one, in one pass (a few additions go in place). */
function mergeSorted(order: Entry[], added: Entry[]): Entry[] {
  if (added.length <= 4) {
    for (const e of added) insertSorted(order, e);
    return order;
  }
  const out = new Array<Entry>(order.length + added.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < order.length && j < added.length) out[k++] = byDate(order[i]!, added[j]!) <= 0 ? order[i++]! : added[j++]!;
  while (i < order.length) out[k++] = order[i++]!;
  while (j < added.length) out[k++] = added[j++]!;
  return out;
}

function insertSorted(arr: Entry[], e: Entry): void {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (byDate(arr[mid]!, e) < 0) lo = mid + 1;
    else hi = mid;
  }
  arr.splice(lo, 0, e);
}
