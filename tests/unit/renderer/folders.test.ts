import { describe, expect, it } from 'vitest';
import type { FeedView } from '../../../src-main/ipc/contract';
import { allFolders, buildFolderTree, folderAncestors } from '../../../src-renderer/src/lib/folders';

const feed = (id: string, title: string, folder: string): FeedView => ({
  id, url: `https://example.com/${id}`, title, folder, unread: 0, total: 0, fullText: false, health: { itemCount: 0, consecutiveFailures: 0 },
});

describe('buildFolderTree', () => {
  it('nests folders by path and sorts folders and feeds by name', () => {
    const root = buildFolderTree([
      feed('1', 'Zeta', 'Tech/Linux'), feed('2', 'alpha', 'Tech/Linux'), feed('3', 'Top', ''), feed('4', 'News one', 'News'), feed('5', 'Mid', 'Tech'),
    ]);
    expect(root.feeds.map((f) => f.title)).toEqual(['Top']);
    expect(root.folders.map((f) => f.path)).toEqual(['News', 'Tech']);
    const tech = root.folders[1]!;
    expect(tech.feeds.map((f) => f.title)).toEqual(['Mid']);
    expect(tech.folders[0]!.name).toBe('Linux');
    expect(tech.folders[0]!.path).toBe('Tech/Linux');
    expect(tech.folders[0]!.feeds.map((f) => f.title)).toEqual(['alpha', 'Zeta']);
  });

  it('tolerates stray slashes and spaces in folder paths', () => {
    const root = buildFolderTree([feed('1', 'A', ' /Tech// Linux/ ')]);
    expect(root.folders[0]!.folders[0]!.path).toBe('Tech/Linux');
  });
});

describe('folderAncestors / allFolders', () => {
  it('lists a path and its parents', () => {
    expect(folderAncestors('a/b/c')).toEqual(['a/b/c', 'a/b', 'a']);
    expect(folderAncestors('')).toEqual([]);
    expect(allFolders([feed('1', 'x', 'a/b'), feed('2', 'y', 'c')])).toEqual(['a', 'a/b', 'c']);
  });
});
