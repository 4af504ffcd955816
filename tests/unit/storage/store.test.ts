import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src-main/storage/store';
import { DEFAULT_SETTINGS } from '../../../src-main/core/model';
import type { Store } from '../../../src-main/storage/types';
import { makeFeed, makeItem, tempDir } from './fixtures';

let dir: string;
let cleanup: () => Promise<void>;
let store: Store | undefined;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await store?.close();
  store = undefined;
  await cleanup();
});

describe('openStore', () => {
  it('creates an empty library with default settings on disk', async () => {
    store = await openStore(dir);
    expect(store.library().feeds).toEqual([]);
    expect(store.library().settings).toEqual(DEFAULT_SETTINGS);
    const onDisk = JSON.parse(await readFile(join(dir, 'library.json'), 'utf8'));
    expect(onDisk.schemaVersion).toBe(3);
    expect(store.notices).toEqual([]);
  });

  it('keeps feeds, items, state and content across a reopen', async () => {
    store = await openStore(dir);
    await store.updateLibrary((lib) => lib.feeds.push(makeFeed('f1', { folder: 'News' })));
    const items = [1, 2, 3].map((n) => makeItem('f1', n, { tags: ['energy', `year-2026`], categories: ['Energy'] }));
    await store.putItems({ feedId: 'f1', items, content: new Map([['f1-i2', '<p>Body <b>two</b></p>']]) });
    await store.patchItems(['f1-i1'], (it) => ((it.read = true), true));
    await store.patchItems(['f1-i3'], (it) => ((it.starred = true), true));
    await store.close();

    store = await openStore(dir);
    expect(store.library().feeds.map((f) => f.folder)).toEqual(['News']);
    expect(store.itemCount()).toBe(3);
    const two = store.getItem('f1-i2')!;
    expect(two.title).toBe('Item 2 of f1');
    expect(two.summary).toContain('ünïcödé');
    expect(two.categories).toEqual(['Energy']);
    expect(store.getItem('f1-i1')!.read).toBe(true);
    expect(store.getItem('f1-i3')!.starred).toBe(true);
    expect(store.tallyAll()).toEqual({ unread: 2, total: 3, starred: 1 });
    expect(store.tallyFeed('f1')).toEqual({ unread: 2, total: 3, starred: 1 });
    expect(store.tallyTag('energy')).toEqual({ unread: 2, total: 3, starred: 1 });
    expect(store.tags()).toEqual(['energy', 'year-2026']);
    expect(await store.getContent('f1-i2')).toBe('<p>Body <b>two</b></p>');
    expect(await store.getContent('f1-i1')).toBeUndefined();
  });

  it('does not read item text until an item is asked for, yet counts at once', async () => {
    store = await openStore(dir);
    await store.putItems({ feedId: 'f1', items: [makeItem('f1', 1), makeItem('f1', 2, { read: true })], content: new Map() });
    await store.close();
    store = await openStore(dir);
    expect(store.tallyFeed('f1')).toEqual({ unread: 1, total: 2, starred: 0 });
    expect(store.ref('f1-i2')).toMatchObject({ read: true, feedId: 'f1' });
    expect([...store.allItems()].map((i) => i.id).sort()).toEqual(['f1-i1', 'f1-i2']);
  });

  it('lets go of item texts once they are written, and reads them back from disk when asked', async () => {
    store = await openStore(dir);
    const first = [1, 2, 3].map((n) => makeItem('f1', n));
    await store.putItems({ feedId: 'f1', items: first, content: new Map() });
    await store.flush();
    // What a refresh leaves in memory: the light entries, not a second copy of every text.
    const shard = (store as unknown as { shards: Map<string, { body?: Buffer; entries: { item?: unknown }[] }> }).shards.get('f1')!;
    expect(shard.body).toBeUndefined();
    expect(shard.entries.every((e) => e.item === undefined)).toBe(true);
    expect(store.getItem('f1-i2')).toEqual(first[1]);
    await store.patchItems(['f1-i1'], (it) => ((it.read = true), true));
    await store.putItems({ feedId: 'f1', items: [makeItem('f1', 4), { ...makeItem('f1', 3), title: 'Changed' }], content: new Map() });
    await store.flush();
    const expected = [{ ...first[0]!, read: true }, first[1], { ...first[2]!, title: 'Changed' }, makeItem('f1', 4)];
    expect([...store.allItems()].sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(expected);
    await store.close();
    store = await openStore(dir);
    expect([...store.allItems()].sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(expected);
  });

  it('replaces an item on a second put without duplicating it, and updates counters', async () => {
    store = await openStore(dir);
    await store.putItems({ feedId: 'f1', items: [makeItem('f1', 1, { tags: ['a'] })], content: new Map() });
    await store.putItems({ feedId: 'f1', items: [makeItem('f1', 1, { title: 'New title', tags: ['b'], read: true })], content: new Map() });
    expect(store.itemCount()).toBe(1);
    expect(store.getItem('f1-i1')!.title).toBe('New title');
    expect(store.tags()).toEqual(['b']);
    expect(store.tallyTag('a').total).toBe(0);
    expect(store.tallyAll()).toEqual({ unread: 0, total: 1, starred: 0 });
  });

  it('patches tags and user tags and counts them (body changes reach the disk)', async () => {
    store = await openStore(dir);
    await store.putItems({ feedId: 'f1', items: [makeItem('f1', 1, { tags: ['a'] })], content: new Map() });
    const changed = await store.patchItems(['f1-i1', 'missing'], (it) => {
      it.tags.push('mine');
      it.userTags = { added: ['mine'], removed: [] };
      return true;
    });
    expect(changed).toEqual(['f1-i1']);
    expect(store.tallyTag('mine')).toEqual({ unread: 1, total: 1, starred: 0 });
    expect([...store.refsByTag('mine')].map((r) => r.id)).toEqual(['f1-i1']);
    await store.close();
    store = await openStore(dir);
    expect(store.getItem('f1-i1')!.userTags).toEqual({ added: ['mine'], removed: [] });
    expect(store.getItem('f1-i1')!.tags).toEqual(['a', 'mine']);
  });

  it('prunes items, remembers their state, and drops their content', async () => {
    store = await openStore(dir);
    const items = [makeItem('f1', 1, { read: true, starred: false }), makeItem('f1', 2)];
    await store.putItems({ feedId: 'f1', items, content: new Map([['f1-i1', '<p>x</p>']]) });
    await store.pruneItems('f1', ['f1-i1']);
    expect(store.getItem('f1-i1')).toBeUndefined();
    expect(store.prunedState('f1', 'f1-i1')).toEqual({ read: true, starred: false });
    expect(store.prunedState('f1', 'f1-i2')).toBeUndefined();
    await store.close();
    store = await openStore(dir);
    expect(store.itemCount()).toBe(1);
    expect(store.prunedState('f1', 'f1-i1')).toEqual({ read: true, starred: false });
    const content = JSON.parse(await readFile(join(dir, 'content', 'f1.json'), 'utf8'));
    expect(content.items).toEqual({});
  });

  it('drops a feed: its files and its counts go', async () => {
    store = await openStore(dir);
    await store.putItems({ feedId: 'f1', items: [makeItem('f1', 1)], content: new Map([['f1-i1', 'x']]) });
    await store.putItems({ feedId: 'f2', items: [makeItem('f2', 1)], content: new Map() });
    await store.dropFeed('f1');
    expect(store.itemCount()).toBe(1);
    expect(store.tallyFeed('f1').total).toBe(0);
    expect(await readdir(join(dir, 'items'))).toEqual(['f2.json']);
    expect(await readdir(join(dir, 'content'))).toEqual([]);
  });

  it('patches items whose text was never read (state only, and text too) and keeps every other item intact', async () => {
    store = await openStore(dir);
    const items = [1, 2, 3, 4].map((n) => makeItem('f1', n, { tags: ['t'] }));
    await store.putItems({ feedId: 'f1', items, content: new Map() });
    await store.close();
    store = await openStore(dir);
    await store.patchItems(['f1-i1', 'f1-i2'], (it) => ((it.read = true), true));
    await store.patchItems(['f1-i3'], (it) => {
      it.title = `${it.title} (edited)`;
      it.tags = [...it.tags, 'edited'];
      return true;
    });
    expect(store.tallyAll()).toEqual({ unread: 2, total: 4, starred: 0 });
    await store.close();
    store = await openStore(dir);
    expect([1, 2, 3, 4].map((n) => store!.getItem(`f1-i${n}`)!.read)).toEqual([true, true, false, false]);
    expect(store.getItem('f1-i3')).toMatchObject({ title: 'Item 3 of f1 (edited)', tags: ['t', 'edited'] });
    expect(store.getItem('f1-i4')).toEqual(items[3]);
    expect(store.getItem('f1-i1')).toEqual({ ...items[0], read: true });
  });

  it('reads shards of the first format version (nested tag lists)', async () => {
    const { writeFile: wf, mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'items'), { recursive: true });
    const it = makeItem('old', 1, { tags: ['a', 'b'], read: true });
    const { id: _i, feedId: _f, read: _r, starred: _s, tags: _t, ...body } = it;
    const v1 = { format: 'tidings-items', version: 1, feedId: 'old', head: { ids: [it.id], pub: [Date.parse(it.published)], flags: [1], tagTable: ['a', 'b'], tags: [[0, 1]], pruned: {} }, body: [body] };
    await wf(join(dir, 'items', 'old.json'), JSON.stringify(v1));
    store = await openStore(dir);
    expect(store.notices).toEqual([]);
    expect(store.getItem(it.id)).toEqual(it);
    expect(store.tallyTag('b')).toEqual({ unread: 0, total: 1, starred: 0 });
  });

  it('counts at open exactly what a recount of the items gives (feeds, tags, read, starred)', async () => {
    const tagsOf = [['a'], ['a', 'b'], [], ['b', 'c'], ['a', 'b'], ['c']];
    const all = ['f1', 'f2', 'f3'].flatMap((f, k) =>
      Array.from({ length: 12 }, (_, n) => makeItem(f, n, { tags: tagsOf[(n + k) % tagsOf.length]!, read: (n + k) % 3 === 0, starred: (n * k) % 5 === 1 })),
    );
    const s = await openStore(dir);
    for (const f of ['f1', 'f2', 'f3']) await s.putItems({ feedId: f, items: all.filter((it) => it.feedId === f), content: new Map() });
    await s.close();
    store = await openStore(dir);
    const recount = (keep: (it: (typeof all)[number]) => boolean) => {
      const list = all.filter(keep);
      return { unread: list.filter((it) => !it.read).length, total: list.length, starred: list.filter((it) => it.starred).length };
    };
    expect(store.tallyAll()).toEqual(recount(() => true));
    for (const f of ['f1', 'f2', 'f3']) expect(store.tallyFeed(f)).toEqual(recount((it) => it.feedId === f));
    for (const t of ['a', 'b', 'c']) expect(store.tallyTag(t)).toEqual(recount((it) => it.tags.includes(t)));
    expect(store.tags()).toEqual(['a', 'b', 'c']);
    expect([...store.refsByTag('b')].map((r) => r.id).sort()).toEqual(all.filter((it) => it.tags.includes('b')).map((it) => it.id).sort());
  });

  it('merges settings missing from an older library.json with the defaults', async () => {
    await writeFile(join(dir, 'library.json'), JSON.stringify({ schemaVersion: 1, feeds: [], folders: [], savedSearches: [], settings: { retentionDays: 7, theme: 42 } }));
    store = await openStore(dir);
    expect(store.library().settings.retentionDays).toBe(7);
    expect(store.library().settings.theme).toBe('system');
    expect(store.library().settings.concurrency).toBe(DEFAULT_SETTINGS.concurrency);
  });

  it('reads the default tag rules when rules.json is absent, and keeps the ones set', async () => {
    store = await openStore(dir);
    const defaults = store.getTagRules();
    expect(defaults.length).toBeGreaterThan(5);
    expect(defaults[0]!.tag).toBeTypeOf('string');
    await store.setTagRules([{ tag: 'mine', any: ['x'] }]);
    await store.close();
    store = await openStore(dir);
    expect(store.getTagRules()).toEqual([{ tag: 'mine', any: ['x'] }]);
  });

  it('refuses writes after close', async () => {
    store = await openStore(dir);
    await store.close();
    await expect(store.updateLibrary(() => undefined)).rejects.toThrow(/closed/);
    store = undefined;
  });
});
