// Retention (settings.retentionDays, minItemsPerFeed): old read items go, so the library stays small.
import type { Settings } from './model';
import type { ItemRef, Store } from '../storage/types';
import { byDate } from '../storage/memory-index';

const DAY_MS = 86_400_000;

/** pruneLibrary: remove read, unstarred items published more than retentionDays ago, keeping each feed's newest minItemsPerFeed; returns how many went. */
export async function pruneLibrary(store: Store, settings: Settings, now: Date): Promise<number> {
  if (!(settings.retentionDays > 0)) return 0;
  const cutoff = now.getTime() - settings.retentionDays * DAY_MS;
  const keepNewest = Math.max(0, Math.floor(settings.minItemsPerFeed));
  let pruned = 0;
  for (const feed of store.library().feeds) {
    const ids = prunable([...store.refsOfFeed(feed.id)], cutoff, keepNewest);
    if (!ids.length) continue;
    // The store remembers the pruned items' state, so a feed that still carries them does not bring them back unread.
    await store.pruneItems(feed.id, ids);
    pruned += ids.length;
  }
  return pruned;
}

/** prunable: the ids to remove from one feed's items. */
export function prunable(refs: ItemRef[], cutoff: number, keepNewest: number): string[] {
  refs.sort(byDate);
  const out: string[] = [];
  for (let i = keepNewest; i < refs.length; i++) {
    const r = refs[i]!;
    if (r.read && !r.starred && r.pub < cutoff) out.push(r.id);
  }
  return out;
}
