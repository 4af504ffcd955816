import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src-main/storage/store';
import { queryItems } from '../../../src-main/core/query';
import { SearchIndex, parseSearchQuery } from '../../../src-main/core/search';
import type { Store } from '../../../src-main/storage/types';
import { makeFeed, makeItem, tempDir } from '../storage/fixtures';

let store: Store;
let index: SearchIndex;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  store = await openStore(t.dir);
  await store.updateLibrary((lib) => lib.feeds.push(makeFeed('en', { title: 'Energy Weekly' }), makeFeed('po', { title: 'Politics Daily' })));
  await store.putItems({
    feedId: 'en',
    items: [
      makeItem('en', 1, { title: 'Offshore wind farm opens', summary: 'A new wind farm in the North Sea.', tags: ['wind-power'] }),
      makeItem('en', 2, { title: 'Solar panels get cheaper', summary: 'Prices fall again; farm owners buy wind insurance.', read: true }),
      makeItem('en', 3, { title: 'Grid news', summary: 'Nothing about it here.', author: 'Greta Gridley' }),
      makeItem('en', 4, { title: 'Quiet week', summary: 'Short.' }),
    ],
    content: new Map([
      ['en-i3', '<p>The <b>interconnector</b> between Norway &amp; Britain.</p>'],
      ['en-i4', '<p>Engineers discussed the wind farm proposal at length.</p>'],
    ]),
  });
  await store.putItems({
    feedId: 'po',
    items: [
      makeItem('po', 5, { title: 'Election results', summary: 'Turnout was high.', starred: true }),
      makeItem('po', 6, { title: 'Election results', summary: 'Turnout was high.' }),
    ],
    content: new Map(),
  });
  index = new SearchIndex(store);
  await index.ready;
});
afterAll(async () => {
  index.close();
  await store.close();
  await cleanup();
});

const ids = (search: string, extra = {}) => queryItems(store, { search, limit: 50, ...extra }, { search: index }).items.map((i) => i.id);

describe('parseSearchQuery', () => {
  it('splits words, phrases and filters', () => {
    expect(parseSearchQuery('Solar  "Wind Farm" tag:Energy feed:bbc is:unread is:starred x:y')).toEqual({
      terms: ['solar', 'x', 'y'],
      phrases: ['wind farm'],
      tags: ['energy'],
      feeds: ['bbc'],
      unread: true,
      starred: true,
    });
    expect(parseSearchQuery('feed:"Energy Weekly" "single"')).toMatchObject({ feeds: ['Energy Weekly'], terms: ['single'], phrases: [] });
    expect(parseSearchQuery('')).toMatchObject({ terms: [], phrases: [] });
  });
});

describe('SearchIndex', () => {
  it('indexes every item in the background at open', () => {
    expect(index.isReady()).toBe(true);
    expect(index.size()).toBe(6);
  });

  it('finds words in title, summary, article text, author and feed title', () => {
    expect(ids('interconnector')).toEqual(['en-i3']);
    expect(ids('norway')).toEqual(['en-i3']);
    expect(ids('gridley')).toEqual(['en-i3']);
    expect(ids('turnout')).toEqual(['po-i6', 'po-i5']);
    expect(ids('politics daily')).toEqual(['po-i6', 'po-i5']);
    expect(ids('nonexistentword')).toEqual([]);
  });

  it('matches prefixes and requires every word', () => {
    expect(ids('interconn')).toEqual(['en-i3']);
    expect(ids('solar cheaper')).toEqual(['en-i2']);
    expect(ids('solar turnout')).toEqual([]);
  });

  it('ranks a title match above a passing mention, and newest first on ties', () => {
    const wind = ids('wind');
    expect(wind[0]).toBe('en-i1');
    expect(new Set(wind)).toEqual(new Set(['en-i1', 'en-i2', 'en-i4']));
    // Same text in two items: the newer one first.
    expect(ids('election')).toEqual(['po-i6', 'po-i5']);
  });

  it('matches phrases, not just the words in any order', () => {
    expect(ids('"wind farm"')).toEqual(expect.arrayContaining(['en-i1', 'en-i4']));
    expect(ids('"wind farm"')).not.toContain('en-i2');
    // Title and summary are checked word by word; the article text, not held in memory, only for its words.
    expect(ids('"farm wind"')).not.toContain('en-i1');
    expect(ids('"farm wind"')).not.toContain('en-i2');
  });

  it('applies tag:, feed:, is:unread and is:starred with words', () => {
    expect(ids('wind tag:wind-power')).toEqual(['en-i1']);
    expect(ids('wind is:unread')).not.toContain('en-i2');
    expect(ids('election is:starred')).toEqual(['po-i5']);
    expect(ids('results feed:politics')).toEqual(['po-i6', 'po-i5']);
    expect(ids('results feed:energy')).toEqual([]);
    expect(ids('turnout', { sort: 'oldest' })).toEqual(['po-i5', 'po-i6']);
  });

  it('follows new, changed and pruned items', async () => {
    await store.putItems({ feedId: 'po', items: [makeItem('po', 7, { title: 'Referendum called' })], content: new Map([['po-i7', '<p>A plebiscite on tidal power.</p>']]) });
    await new Promise((r) => setTimeout(r, 20));
    expect(ids('referendum')).toEqual(['po-i7']);
    expect(ids('plebiscite')).toEqual(['po-i7']);
    await store.putItems({ feedId: 'po', items: [makeItem('po', 7, { title: 'Vote called off' })], content: new Map() });
    await new Promise((r) => setTimeout(r, 20));
    expect(ids('referendum')).toEqual([]);
    expect(ids('vote')).toEqual(['po-i7']);
    await store.pruneItems('po', ['po-i7']);
    expect(ids('vote')).toEqual([]);
  });
});
