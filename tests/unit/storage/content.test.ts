// The content files keep two texts per item — the feed's and the full article fetched from its
// page — plus why the last full-article fetch failed; all survive a restart and go with the item.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openStore } from '../../../src-main/storage/store';
import { ContentShards } from '../../../src-main/storage/content';
import type { Store } from '../../../src-main/storage/types';
import { makeItem, tempDir } from './fixtures';

let dir: string;
let cleanup: () => Promise<void>;
let store: Store | undefined;

beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => {
  await store?.close();
  store = undefined;
  await cleanup();
});

describe('full article text', () => {
  it('is kept beside the feed text across restarts; a failed fetch keeps the old article and records why', async () => {
    store = await openStore(dir);
    const [a, b] = [makeItem('f1', 1), makeItem('f1', 2)];
    await store.putItems({
      feedId: 'f1', items: [a, b],
      content: new Map([[a.id, '<p>teaser a</p>'], [b.id, '<p>teaser b</p>']]),
      fullText: new Map([[a.id, { html: '<p>the whole of a</p>' }], [b.id, { error: 'fulltext: no article found on https://example.org/f1/2' }]]),
    });
    await store.close();
    store = await openStore(dir);
    expect(await store.getContent(a.id)).toBe('<p>teaser a</p>');
    expect(await store.getFullText(a.id)).toEqual({ html: '<p>the whole of a</p>' });
    expect(await store.getFullText(b.id)).toEqual({ error: 'fulltext: no article found on https://example.org/f1/2' });

    await store.putItems({ feedId: 'f1', items: [a], content: new Map(), fullText: new Map([[a.id, { error: 'fetcher: status 503' }]]) });
    expect(await store.getFullText(a.id)).toEqual({ html: '<p>the whole of a</p>', error: 'fetcher: status 503' });
    await store.putItems({ feedId: 'f1', items: [b], content: new Map(), fullText: new Map([[b.id, { html: '<p>b at last</p>' }]]) });
    expect(await store.getFullText(b.id)).toEqual({ html: '<p>b at last</p>' });

    await store.pruneItems('f1', [a.id]);
    await store.flush();
    // Read back by a fresh reader of the files alone: a's texts are gone, b's all there.
    const fresh = new ContentShards(dir, () => undefined, () => new Date());
    expect(await fresh.get('f1', a.id)).toBeUndefined();
    expect(await fresh.getFull('f1', a.id)).toBeUndefined();
    expect(await fresh.get('f1', b.id)).toBe('<p>teaser b</p>');
    expect(await fresh.getFull('f1', b.id)).toEqual({ html: '<p>b at last</p>' });
  });

  it('a content file whose full texts have the wrong shape is moved aside, not trusted', async () => {
    store = await openStore(dir);
    const a = makeItem('f1', 1);
    await store.putItems({ feedId: 'f1', items: [a], content: new Map([[a.id, '<p>a</p>']]) });
    await store.close();
    await writeFile(join(dir, 'content', 'f1.json'), JSON.stringify({ format: 'tidings-content', version: 1, items: { [a.id]: '<p>a</p>' }, full: ['not', 'a', 'map'] }));
    store = await openStore(dir);
    expect(await store.getFullText(a.id)).toBeUndefined();
    expect(store.notices.map((n) => n.file)).toEqual(['content/f1.json']);
    expect((await readdir(join(dir, 'content'))).some((f) => f.startsWith('f1.json.corrupt-'))).toBe(true);
  });
});
