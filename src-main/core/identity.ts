// Stable ids (DESIGN §2, issue 3 §4): a feed by its address, an item by feed + guid, else link
// (+ date), else title + content. Re-fetching must land on the same id or state is lost.
import { createHash } from 'node:crypto';
import type { ParsedItem } from './model';

/** feedIdFor: a short stable id for a feed address (scheme and trailing slash variations kept apart only by content). */
export function feedIdFor(url: string): string {
  return hash(`feed\n${url.trim()}`).slice(0, 12);
}

/** itemIdFor: the stable id of a parsed item within its feed. */
export function itemIdFor(feedId: string, item: ParsedItem): string {
  return hash(identityKey(feedId, item));
}

/** assignItemIds: ids for one document's items; repeated guids with different links become distinct items, exact repeats are dropped. */
export function assignItemIds(feedId: string, items: readonly ParsedItem[], knownLink?: (id: string) => string | undefined): { id: string; item: ParsedItem }[] {
  const linksByGuid = new Map<string, Set<string>>();
  for (const it of items) {
    if (!it.guid) continue;
    const set = linksByGuid.get(it.guid) ?? new Set<string>();
    set.add(it.link ?? '');
    linksByGuid.set(it.guid, set);
  }
  const out: { id: string; item: ParsedItem }[] = [];
  const seen = new Set<string>();
  for (const it of items) {
    let id = itemIdFor(feedId, it);
    if (it.guid && (linksByGuid.get(it.guid)?.size ?? 0) > 1) {
      // The item already stored under the plain guid keeps it, so its read state stays.
      const keep = knownLink?.(id);
      if (keep === undefined || keep !== (it.link ?? '')) id = hash(`${identityKey(feedId, it)}\nlink:${it.link ?? ''}`);
    }
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ id, item: it });
  }
  return out;
}

function identityKey(feedId: string, item: ParsedItem): string {
  if (item.guid) return `${feedId}\nguid:${item.guid}`;
  if (item.link) return `${feedId}\nlink:${item.link}\n${item.published ?? ''}`;
  return `${feedId}\ntext:${item.title}\n${item.content ?? item.summary ?? ''}`;
}

/** hash: hex SHA-1 of a string or bytes (identity and change detection, not security). */
export function hash(data: string | Uint8Array): string {
  return createHash('sha1').update(data).digest('hex');
}
