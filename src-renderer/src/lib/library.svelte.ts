// The sidebar's data: feeds, unread counts, tags, saved searches and settings, with optimistic
// count changes that a later counts() call reconciles.
import type { Counts, FeedView, TagCount } from '../../../src-main/ipc/contract';
import { DEFAULT_SETTINGS, type SavedSearch, type Settings } from '../../../src-main/core/model';
import { api } from './api';
import { folderAncestors } from './folders';

const EMPTY_COUNTS: Counts = { all: 0, unread: 0, starred: 0, today: 0, feeds: {}, folders: {}, tags: {}, savedSearches: {} };

/** Library: what the sidebar shows, loaded from the API. */
export class Library {
  feeds = $state<FeedView[]>([]);
  counts = $state<Counts>(structuredClone(EMPTY_COUNTS));
  tags = $state<TagCount[]>([]);
  saved = $state<SavedSearch[]>([]);
  settings = $state<Settings>({ ...DEFAULT_SETTINGS });
  loaded = $state(false);
  feedById = $derived(new Map(this.feeds.map((f) => [f.id, f])));
  private reconcileTimer: ReturnType<typeof setTimeout> | undefined;

  /** load: everything at once (start-up). */
  async load(): Promise<void> {
    const [feeds, counts, tags, saved, settings] = await Promise.all([
      api.listFeeds(), api.counts(), api.listTags(), api.listSavedSearches(), api.getSettings(),
    ]);
    Object.assign(this, { feeds, counts, tags, saved, settings });
    this.loaded = true;
  }

  /** reloadFeeds: feeds, counts and tags after subscriptions changed. */
  async reloadFeeds(): Promise<void> {
    const [feeds, counts, tags] = await Promise.all([api.listFeeds(), api.counts(), api.listTags()]);
    Object.assign(this, { feeds, counts, tags });
  }

  /** reconcile: fetch the true counts soon (after a burst of optimistic changes). */
  reconcile(delayMs = 250): void {
    clearTimeout(this.reconcileTimer);
    this.reconcileTimer = setTimeout(() => {
      Promise.all([api.counts(), api.listTags()])
        .then(([counts, tags]) => Object.assign(this, { counts, tags }))
        .catch(() => {
          // The optimistic numbers stay; the next event reconciles again.
        });
    }, delayMs);
  }

  /** adjustUnread: move the unread counts an item touches by delta, at once. */
  adjustUnread(item: { feedId: string; tags: string[]; published: string }, delta: number): void {
    const c = this.counts;
    const bump = (rec: { unread: number } | undefined) => {
      if (rec) rec.unread = Math.max(0, rec.unread + delta);
    };
    c.unread = Math.max(0, c.unread + delta);
    bump(c.feeds[item.feedId]);
    const feed = this.feedById.get(item.feedId);
    if (feed) {
      feed.unread = Math.max(0, feed.unread + delta);
      for (const path of folderAncestors(feed.folder)) bump(c.folders[path]);
    }
    for (const t of item.tags) bump(c.tags[t]);
    for (const t of this.tags) if (item.tags.includes(t.tag)) t.unread = Math.max(0, t.unread + delta);
    this.reconcile();
  }

  /** feedUnread: a feed's unread count, preferring counts() over the feed list. */
  feedUnread(id: string): number {
    return this.counts.feeds[id]?.unread ?? this.feedById.get(id)?.unread ?? 0;
  }

  /** saveSettings: apply a settings change now and persist it. */
  async saveSettings(patch: Partial<Settings>): Promise<void> {
    this.settings = { ...this.settings, ...patch };
    this.settings = await api.updateSettings(patch);
  }
}
