// What a refresh keeps for reading without a connection (issue 8): the full article for feeds set
// to fetch it, then the images of every new or changed article.
import type { Feed, Item } from './model';
import type { Store } from '../storage/types';
import { fetchFullTexts } from './fulltext';
import { cacheContentImages, cachedSources, rememberCached, type MediaSession } from './media';

export interface OfflineResult {
  fullText: { stored: number; failed: number };
  images: { stored: number; failed: number };
}

/** keepOffline: full text (when the feed asks for it) and cached images for the items of one refresh, content rewritten in place; never throws. */
export async function keepOffline(store: Store, feed: Feed, items: readonly Item[], content: Map<string, string>, session: MediaSession): Promise<OfflineResult> {
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
    ? await fetchFullTexts(items, content, { feedUrl: feed.url, errors: session.errors }).catch(() => ({ stored: 0, failed: items.length }))
    : { stored: 0, failed: 0 };
  const images = content.size
    ? await cacheContentImages(content, { dir: mediaDir, baseUrl: feed.url, session }).catch(() => ({ stored: 0, failed: 0 }))
    : { stored: 0, failed: 0 };
  return { fullText, images };
}
