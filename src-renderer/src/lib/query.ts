// What the timeline asks for: the selected view plus the toolbar's filters, as one ItemQuery.
import type { ItemQuery, Status } from '../../../src-main/ipc/contract';
import type { SavedSearch } from '../../../src-main/core/model';

export type View =
  | { kind: 'all' | 'unread' | 'starred' | 'today' }
  | { kind: 'feed'; id: string }
  | { kind: 'folder'; path: string }
  | { kind: 'saved'; id: string };

export interface Filters {
  status: Status;
  sort: 'newest' | 'oldest';
  search: string;
  tags: string[];
  tagMode: 'any' | 'all';
}

/** queryFor: the ItemQuery (without paging) for a view and the filters on top of it. */
export function queryFor(view: View, f: Filters, saved: SavedSearch[] = []): ItemQuery {
  const q: ItemQuery = { status: f.status, sort: f.sort };
  if (view.kind === 'unread') q.status = 'unread';
  else if (view.kind === 'starred') q.status = 'starred';
  else if (view.kind === 'today') q.today = true;
  else if (view.kind === 'feed') q.feedId = view.id;
  else if (view.kind === 'folder') q.folder = view.path;
  const searches: string[] = [];
  const tags = [...f.tags];
  let tagMode = f.tagMode;
  if (view.kind === 'saved') {
    const s = saved.find((x) => x.id === view.id);
    if (s?.query) searches.push(s.query);
    if (s?.tags.length) {
      // A saved search's own tags are all required; the sidebar's picks then narrow it further.
      for (const t of s.tags) if (!tags.includes(t)) tags.push(t);
      tagMode = 'all';
    }
  }
  if (f.search.trim()) searches.push(f.search.trim());
  if (searches.length) q.search = searches.join(' ');
  if (tags.length) {
    q.tags = tags;
    q.tagMode = tagMode;
  }
  return q;
}

/** sameView: whether two views select the same thing. */
export function sameView(a: View, b: View): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** viewKey: a stable string for a view (tree item ids, persistence). */
export function viewKey(v: View): string {
  if (v.kind === 'feed') return `feed:${v.id}`;
  if (v.kind === 'folder') return `folder:${v.path}`;
  if (v.kind === 'saved') return `saved:${v.id}`;
  return v.kind;
}
