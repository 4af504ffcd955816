// What a refresh keeps for reading without a connection (issue 8): the full article for feeds set
// to fetch it, then the images of every new or changed article.
import { join } from 'node:path';
import type { Feed, Item, OfflineRecord } from './model';
import type { FeedUpdate, FullText, Store } from '../storage/types';
import { fetchFullTexts, suggestFullText } from './fulltext';
import { htmlToText } from './text';
import { cacheContentImages, cachedSources, rememberCached, type MediaSession } from './media';

const KEPT_ERRORS = 5;
/** Stored items given their full article per refresh once a feed asks for it (newest first). */
const BACKFILL = 30;

/** keepOffline: full text (when the feed asks for it, into update.fullText) and cached images for the items of one refresh, texts rewritten in place; never throws. */
export async function keepOffline(store: Store, feed: Feed, update: FeedUpdate, session: MediaSession): Promise<OfflineRecord> {
  const { items, content } = update;
  // This feed's own list: feeds refreshed side by side share the session, not their failures.
  const errors: string[] = [];
  // The same key as the service's (join), so that clearing the cache forgets the same media index.
  const mediaDir = join(store.dir, 'media');
  // A changed article usually keeps its pictures: the copies made last time stand in for a request.
  for (const item of items) {
    if (!store.getItem(item.id)) continue;
    try {
      const before = [await store.getContent(item.id), (await store.getFullText(item.id))?.html];
      for (const html of before) if (html) await rememberCached(session, mediaDir, cachedSources(html));
    } catch {
      // Without the old copy the image is simply fetched again.
    }
  }
  const full = new Map<string, FullText>();
  const wanted = feed.fullText ? [...items, ...(await withoutFullText(store, feed.id, new Set(items.map((i) => i.id))))] : [];
  const fullText = wanted.length
    ? await fetchFullTexts(wanted, full, { feedUrl: feed.url, errors }).catch(() => ({ stored: 0, failed: wanted.length }))
    : { stored: 0, failed: 0 };
  if (full.size) update.fullText = full;
  // The images of both texts: the reader can switch between them offline.
  const texts = new Map(content);
  for (const [id, f] of full) if ('html' in f) texts.set(`full:${id}`, f.html);
  const images = texts.size
    ? await cacheContentImages(texts, { dir: mediaDir, baseUrl: feed.url, session, errors }).catch(() => ({ stored: 0, failed: 0 }))
    : { stored: 0, failed: 0 };
  for (const [key, html] of texts) {
    if (key.startsWith('full:')) full.set(key.slice(5), { html });
    else content.set(key, html);
  }
  // Judged on the feed's own texts (before any full article), on the items of this refresh.
  const summaryOnly = !feed.fullText && suggestFullText(items.map((i) => (content.has(i.id) ? htmlToText(content.get(i.id)!) : i.summary)));
  return {
    ...(summaryOnly && { summaryOnly }),
    imagesStored: images.stored,
    imagesFailed: images.failed,
    fullTextStored: fullText.stored,
    fullTextFailed: fullText.failed,
    errors: errors.slice(0, KEPT_ERRORS),
  };
}

/** The newest stored items of a feed never tried for their full article (not among this refresh's own). */
async function withoutFullText(store: Store, feedId: string, skip: ReadonlySet<string>): Promise<Item[]> {
  const out: Item[] = [];
  // By the light refs: feedItems() would read every stored item's text of the feed on each refresh.
  const refs = [...store.refsOfFeed(feedId)].filter((r) => !skip.has(r.id)).sort((a, b) => b.pub - a.pub);
  for (const ref of refs) {
    if (out.length >= BACKFILL) break;
    if (await store.getFullText(ref.id).catch(() => undefined)) continue;
    const item = store.getItem(ref.id);
    if (item?.link) out.push(item);
  }
  return out;
}
