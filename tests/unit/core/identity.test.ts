import { describe, expect, it } from 'vitest';
import type { ParsedItem } from '../../../src-main/core/model';
import { assignItemIds, feedIdFor, itemIdFor } from '../../../src-main/core/identity';
import { sourceHashOf, toStoredItem } from '../../../src-main/core/merge';

const item = (p: Partial<ParsedItem>): ParsedItem => ({ title: 't', categories: [], enclosures: [], ...p });

describe('identity', () => {
  it('gives feeds short stable ids that differ by address', () => {
    expect(feedIdFor('https://a.example/feed')).toBe(feedIdFor(' https://a.example/feed '));
    expect(feedIdFor('https://a.example/feed')).toMatch(/^[0-9a-f]{12}$/);
    expect(feedIdFor('https://a.example/feed')).not.toBe(feedIdFor('https://b.example/feed'));
  });

  it('keys items by guid within a feed, then link + date, then title + content', () => {
    const a = itemIdFor('f1', item({ guid: 'g', link: 'https://x/1', title: 'one' }));
    expect(itemIdFor('f1', item({ guid: 'g', link: 'https://x/1', title: 'renamed' }))).toBe(a);
    expect(itemIdFor('f2', item({ guid: 'g', link: 'https://x/1' }))).not.toBe(a);
    const byLink = itemIdFor('f1', item({ link: 'https://x/2', published: '2024-01-01T00:00:00.000Z' }));
    expect(itemIdFor('f1', item({ link: 'https://x/2', published: '2024-01-02T00:00:00.000Z' }))).not.toBe(byLink);
    expect(itemIdFor('f1', item({ title: 'a', content: 'b' }))).toBe(itemIdFor('f1', item({ title: 'a', content: 'b' })));
    expect(itemIdFor('f1', item({ title: 'a', content: 'b' }))).not.toBe(itemIdFor('f1', item({ title: 'a', content: 'c' })));
  });

  it('splits repeated guids with different links, drops exact repeats, keeps the stored one its id', () => {
    const items = [item({ guid: 'g', link: 'https://x/1' }), item({ guid: 'g', link: 'https://x/2' }), item({ guid: 'g', link: 'https://x/1' })];
    const ids = assignItemIds('f', items);
    expect(ids).toHaveLength(2);
    expect(new Set(ids.map((i) => i.id)).size).toBe(2);
    const plain = itemIdFor('f', items[0]!);
    const kept = assignItemIds('f', items, (id) => (id === plain ? 'https://x/2' : undefined));
    expect(kept.find((k) => k.item.link === 'https://x/2')!.id).toBe(plain);
    expect(kept.find((k) => k.item.link === 'https://x/1')!.id).not.toBe(plain);
  });
});

describe('toStoredItem', () => {
  const now1 = '2026-01-01T00:00:00.000Z';
  const now2 = '2026-01-02T00:00:00.000Z';

  it('keeps read, starred and user tags across refreshes', () => {
    const p = item({ guid: 'g', title: 'Hello', content: '<p>Body <b>text</b> &amp; more</p>' });
    const first = toStoredItem({ feedId: 'f', id: 'i', parsed: p, now: now1, sourceHash: sourceHashOf(p), tags: [] });
    expect(first).toMatchObject({ read: false, starred: false, summary: 'Body text & more', fetched: now1 });
    const changed = item({ ...p, title: 'Hello again' });
    const second = toStoredItem({ feedId: 'f', id: 'i', parsed: changed, previous: { ...first, read: true, starred: true, userTags: { added: ['x'], removed: [] } }, now: now2, sourceHash: sourceHashOf(changed), tags: ['x'] });
    expect(second).toMatchObject({ title: 'Hello again', read: true, starred: true, userTags: { added: ['x'], removed: [] }, fetched: now1 });
    expect(second.sourceHash).not.toBe(first.sourceHash);
  });

  it('gives an undated item its first-seen time and keeps it later', () => {
    const p = item({ guid: 'g' });
    const first = toStoredItem({ feedId: 'f', id: 'i', parsed: p, now: now1, sourceHash: 'h', tags: [] });
    expect(first).toMatchObject({ published: now1, dateGuessed: true });
    const again = toStoredItem({ feedId: 'f', id: 'i', parsed: p, previous: first, now: now2, sourceHash: 'h', tags: [] });
    expect(again).toMatchObject({ published: now1, dateGuessed: true });
  });

  it('restores the remembered state of a pruned item', () => {
    const p = item({ guid: 'g', published: now1 });
    expect(toStoredItem({ feedId: 'f', id: 'i', parsed: p, pruned: { read: true, starred: false }, now: now2, sourceHash: 'h', tags: [] }).read).toBe(true);
  });
});
