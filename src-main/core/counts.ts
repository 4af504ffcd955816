// Sidebar counts from the store's counters: no item is scanned except the last day's, for Today.
import type { Counts, TagCount } from '../ipc/contract';
import type { Store } from '../storage/types';

const DAY_MS = 86_400_000;

/** computeCounts: totals (all, unread, starred), unread items of the last 24 h (today), and unread/total per feed, folder (with its subfolders) and tag. */
export function computeCounts(store: Store, opts: { now?: Date } = {}): Counts {
  const all = store.tallyAll();
  const counts: Counts = {
    all: all.total,
    unread: all.unread,
    starred: all.starred,
    today: unreadToday(store, (opts.now ?? new Date()).getTime()),
    feeds: {},
    folders: {},
    tags: {},
    savedSearches: {},
  };
  const lib = store.library();
  for (const folder of lib.folders) addTo(counts.folders, folder, 0, 0);
  for (const f of lib.feeds) {
    const t = store.tallyFeed(f.id);
    counts.feeds[f.id] = { unread: t.unread, total: t.total };
    if (f.folder) addTo(counts.folders, f.folder, t.unread, t.total);
  }
  for (const tag of store.tags()) {
    const t = store.tallyTag(tag);
    counts.tags[tag] = { unread: t.unread, total: t.total };
  }
  return counts;
}

/** listTagCounts: every tag with its total and unread counts, most used first. */
export function listTagCounts(store: Store): TagCount[] {
  return store
    .tags()
    .map((tag) => {
      const t = store.tallyTag(tag);
      return { tag, total: t.total, unread: t.unread };
    })
    .sort((a, b) => b.total - a.total || (a.tag < b.tag ? -1 : 1));
}

function unreadToday(store: Store, now: number): number {
  let n = 0;
  const sorted = store.cachedRefsByDate ? store.cachedRefsByDate() : store.refsByDate();
  if (!sorted && store.allRefs) {
    for (const r of store.allRefs()) if (!r.read && r.pub >= now - DAY_MS && r.pub <= now + DAY_MS) n++;
    return n;
  }
  for (const r of sorted ?? store.refsByDate()) {
    if (r.pub > now + DAY_MS) continue;
    if (r.pub < now - DAY_MS) break;
    if (!r.read) n++;
  }
  return n;
}

/** Adds to a folder and each of its ancestors (`A/B/C` counts in `A/B` and `A`). */
function addTo(folders: Counts['folders'], path: string, unread: number, total: number): void {
  const parts = path.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const key = parts.slice(0, i).join('/');
    const c = (folders[key] ??= { unread: 0, total: 0 });
    c.unread += unread;
    c.total += total;
  }
}
