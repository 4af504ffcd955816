// The sidebar's folder tree, built from feeds' `/`-joined folder paths.
import type { FeedView } from '../../../src-main/ipc/contract';

export interface FolderNode {
  name: string;
  /** Full path, `''` for the root. */
  path: string;
  folders: FolderNode[];
  feeds: FeedView[];
}

/** buildFolderTree: nest feeds under their folders, folders and feeds sorted by name. */
export function buildFolderTree(feeds: FeedView[]): FolderNode {
  const root: FolderNode = { name: '', path: '', folders: [], feeds: [] };
  const byPath = new Map<string, FolderNode>([['', root]]);
  const folderFor = (path: string): FolderNode => {
    const known = byPath.get(path);
    if (known) return known;
    const cut = path.lastIndexOf('/');
    const parent = folderFor(cut === -1 ? '' : path.slice(0, cut));
    const node: FolderNode = { name: path.slice(cut + 1), path, folders: [], feeds: [] };
    parent.folders.push(node);
    byPath.set(path, node);
    return node;
  };
  for (const feed of feeds) folderFor(cleanPath(feed.folder)).feeds.push(feed);
  sortTree(root);
  return root;
}

function cleanPath(folder: string): string {
  return folder.split('/').map((p) => p.trim()).filter(Boolean).join('/');
}

function sortTree(node: FolderNode): void {
  const byName = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'base' });
  node.folders.sort((a, b) => byName(a.name, b.name));
  node.feeds.sort((a, b) => byName(a.title, b.title));
  node.folders.forEach(sortTree);
}

/** folderAncestors: a folder path and every parent path (`a/b` → `a/b`, `a`). */
export function folderAncestors(folder: string): string[] {
  const parts = cleanPath(folder).split('/').filter(Boolean);
  return parts.map((_, i) => parts.slice(0, i + 1).join('/')).reverse();
}

/** allFolders: every folder path used by the feeds, parents included, sorted. */
export function allFolders(feeds: FeedView[]): string[] {
  const set = new Set<string>();
  for (const f of feeds) for (const p of folderAncestors(f.folder)) set.add(p);
  return [...set].sort();
}
