// What a refresh keeps for reading without a connection (issue 8): the full article for feeds set
// to fetch it, then the images of every new or changed article.
import type { Feed, Item, OfflineRecord } from './model';
import type { Store } from '../storage/types';
import { fetchFullTexts } from './fulltext';
import { cacheContentImages, cachedSources, rememberCached, type MediaSession } from './media';

const KEPT_ERRORS = 5;

/** keepOffline: full text (when the feed asks for it) and cached images for the items of one refresh, content rewritten in place; never throws. */
export async function keepOffline(store: Store, feed: Feed, items: readonly Item[], content: Map<string, string>, session: MediaSession): Promise<OfflineRecord> {
  // This feed's own list: feeds refreshed side by side share the session, not their failures.
  const errors: string[] = [];
  const mediaDir = `${store.dir}/media`;
  // A changed article usually keeps its pictures: the copies made last time stand in for a request.
  for (const item of items) {
    if (!store.getItem(item.id)) continue;
    try {
      const before = await store.getContent(item.id);
      if (before) await rememberCached(session, mediaDir, cachedSources(before));
    } catch {
      // Without the old copy the image is simply fetched again.
    }
  }
  const fullText = feed.fullText && items.length
    ? await fetchFullTexts(items, content, { feedUrl: feed.url, errors }).catch(() => ({ stored: 0, failed: items.length }))
    : { stored: 0, failed: 0 };
  const images = content.size
    ? await cacheContentImages(content, { dir: mediaDir, baseUrl: feed.url, session, errors }).catch(() => ({ stored: 0, failed: 0 }))
    : { stored: 0, failed: 0 };
  return {
    imagesStored: images.stored,
    imagesFailed: images.failed,
    fullTextStored: fullText.stored,
    fullTextFailed: fullText.failed,
    errors: errors.slice(0, KEPT_ERRORS),
  };
}
