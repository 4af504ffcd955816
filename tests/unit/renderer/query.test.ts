import { describe, expect, it } from 'vitest';
import { queryFor, viewKey, type Filters } from '../../../src-renderer/src/lib/query';

const base: Filters = { status: 'all', sort: 'newest', search: '', tags: [], tagMode: 'any' };

describe('queryFor', () => {
  it('turns smart views into status and date filters', () => {
    expect(queryFor({ kind: 'unread' }, base)).toEqual({ status: 'unread', sort: 'newest' });
    expect(queryFor({ kind: 'starred' }, { ...base, status: 'unread' })).toEqual({ status: 'starred', sort: 'newest' });
    expect(queryFor({ kind: 'today' }, base)).toEqual({ status: 'all', sort: 'newest', today: true });
  });

  it('carries feed, folder, search and tags', () => {
    expect(queryFor({ kind: 'feed', id: 'f1' }, { ...base, search: ' rust ', sort: 'oldest' })).toEqual({ status: 'all', sort: 'oldest', feedId: 'f1', search: 'rust' });
    expect(queryFor({ kind: 'folder', path: 'Tech/Linux' }, { ...base, tags: ['a', 'b'], tagMode: 'all' })).toEqual({
      status: 'all', sort: 'newest', folder: 'Tech/Linux', tags: ['a', 'b'], tagMode: 'all',
    });
  });

  it('requires all of a saved search\'s tags on top of its query', () => {
    const saved = [{ id: 's1', name: 'Rust', query: 'borrow checker', tags: ['rust', 'lang'] }];
    expect(queryFor({ kind: 'saved', id: 's1' }, { ...base, search: 'async', tags: ['lang', 'web'] }, saved)).toEqual({
      status: 'all', sort: 'newest', search: 'borrow checker async', tags: ['lang', 'web', 'rust'], tagMode: 'all',
    });
  });

  it('gives each view a distinct key', () => {
    const keys = [{ kind: 'all' }, { kind: 'feed', id: 'x' }, { kind: 'folder', path: 'x' }, { kind: 'saved', id: 'x' }].map((v) => viewKey(v as never));
    expect(new Set(keys).size).toBe(4);
  });
});
