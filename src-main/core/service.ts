// The one implementation of ReaderApi. Hosts (Electron IPC, HTTP, CLI) only carry calls here.
import { rm } from 'node:fs/promises';
import type { Feed, Item, Settings, TagRule } from './model';
import type {
  AddFeedResult, Counts, ExportReport, ExportRequest, FeedView, ItemDetail, ItemPage, ItemQuery,
  ItemSummary, MarkAllRequest, OpmlReport, ReaderApi, ReaderEvent, RefreshSummary, StorageReport,
  ConnectionStatus,
} from '../ipc/contract';
import { classifyRefresh, probeHost } from './connectivity';
import { hostOf } from './scheduler';
import type { OpenOptions, Reader } from './reader';
import type { FullText, Store } from '../storage/types';
import { openStore } from '../storage/store';
import { ApiFailure } from '../ipc/dispatch';
import { feedIdFor } from './identity';
import { queryItems } from './query';
import { computeCounts, listTagCounts } from './counts';
import { SearchIndex } from './search';
import { buildOpml, parseOpml, planImport } from './opml';
import { computeTags, matchRule } from './tags';
import { htmlToText } from './text';
import { sameFeedKey } from './opml-url';
import { pruneLibrary } from './retention';
import { dirSize } from './disk';
import { join } from 'node:path';

/** openReader: open (and lock) the library in opts.dataDir and serve ReaderApi over it. */
export async function openReader(opts: OpenOptions): Promise<Reader> {
  const store = await openStore(opts.dataDir, { now: opts.now });
  const listeners = new Set<(e: ReaderEvent) => void>();
  const emit = (e: ReaderEvent) => {
    for (const l of listeners) {
      try {
        l(e);
      } catch {
        // A broken listener (a closed window) must not stop the others or the core.
      }
    }
  };
  const service = new ReaderService(store, emit, opts.now ?? (() => new Date()), opts.background ?? false);
  const stopJobs = opts.background ? startBackgroundJobs(service, store) : () => undefined;
  return {
    dataDir: opts.dataDir,
    api: service,
    notices: store.notices,
    onEvent(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    async close() {
      stopJobs();
      service.stopCatchUp();
      await service.idle();
      service.close();
      await store.close();
    },
  };
}

const MINUTE = 60_000;

/** startBackgroundJobs: refresh on start and every N minutes (read from settings at each tick, so a
 * change applies without a restart) and prune by the retention settings once a day. */
function startBackgroundJobs(service: ReaderService, store: Store): () => void {
  let lastRefresh = Date.now();
  let lastPrune = 0;
  const quietly = (p: Promise<unknown>) => void p.catch(() => undefined);
  const startup = setTimeout(() => {
    if (store.library().settings.refreshOnStart) quietly(service.refresh());
  }, 1500);
  const tick = () => {
    const { refreshIntervalMinutes } = store.library().settings;
    const now = Date.now();
    // Offline, a full refresh would only fail feed by feed: one cheap probe a minute instead.
    if (!service.isOnline()) {
      lastRefresh = now;
      quietly(service.probe());
    } else if (refreshIntervalMinutes > 0 && now - lastRefresh >= refreshIntervalMinutes * MINUTE) {
      lastRefresh = now;
      quietly(service.refresh());
    }
    if (now - lastPrune >= 24 * 60 * MINUTE) {
      lastPrune = now;
      quietly(service.prune());
    }
  };
  const timer = setInterval(tick, MINUTE);
  // Warm the lazily loaded fetch/sanitize/media stack, so the first refresh or article is not slow.
  const warm = setTimeout(() => void Promise.all([import('./processor'), import('./media')]).catch(() => undefined), 300);
  const first = setTimeout(tick, 10_000);
  for (const t of [startup, timer, first, warm]) t.unref?.();
  return () => {
    clearTimeout(startup);
    clearTimeout(first);
    clearTimeout(warm);
    clearInterval(timer);
  };
}

class ReaderService implements ReaderApi {
  private refreshing: Promise<RefreshSummary> | undefined;
  private refreshed = false;
  private online = true;
  private lastRefresh: string | undefined;
  private previewGen = 0;
  private closed = false;
  private catchingUp: Promise<void> | undefined;
  /** Where the image catch-up goes on: the index of the next feed in the library's list. */
  private catchUpCursor = 0;
  private readonly removed = new Map<string, { feed: Feed; items: Item[]; content: Map<string, string>; fullText: Map<string, FullText> }>();
  private readonly search: SearchIndex;

  constructor(
    private readonly store: Store,
    private readonly emit: (e: ReaderEvent) => void,
    private readonly now: () => Date,
    /** Whether pictures a refresh left on the web are fetched after it (the app and `serve`, not the one-shot CLI). */
    private readonly catchUp = false,
  ) {
    this.search = new SearchIndex(store);
  }

  /** close: stop background work (the search index build). */
  close(): void {
    this.closed = true;
    this.search.close();
  }

  /** stopCatchUp: the image catch-up stops after the feed it is on. */
  stopCatchUp(): void {
    this.closed = true;
  }

  /** idle: resolves when no refresh (nor the image catch-up after it) is running. */
  async idle(): Promise<void> {
    await this.refreshing?.catch(() => undefined);
    await this.catchingUp;
    if (this.refreshed) {
      // Icons are fetched beside the refresh; a closing CLI must not cut them off half-way.
      const { iconsSettled } = await import('./favicon');
      await iconsSettled(this.store);
    }
  }

  private settings(): Settings {
    return this.store.library().settings;
  }

  private feed(id: string): Feed {
    const f = this.store.library().feeds.find((x) => x.id === id);
    if (!f) throw new ApiFailure('not_found', `service: no feed ${id}`);
    return f;
  }

  private view(f: Feed): FeedView {
    const t = this.store.tallyFeed(f.id);
    return {
      id: f.id, url: f.url, title: f.title, siteUrl: f.siteUrl, folder: f.folder,
      unread: t.unread, total: t.total, fullText: f.fullText ?? false, health: f.health,
      ...(f.icon && { icon: f.icon }),
    };
  }

  private summary(item: Item, titles: Map<string, string>): ItemSummary {
    return {
      id: item.id, feedId: item.feedId, feedTitle: titles.get(item.feedId) ?? '', title: item.title,
      link: item.link, author: item.author, published: item.published, summary: item.summary,
      tags: item.tags, read: item.read, starred: item.starred,
    };
  }

  private titles(): Map<string, string> {
    return new Map(this.store.library().feeds.map((f) => [f.id, f.title]));
  }

  async listFeeds(): Promise<FeedView[]> {
    return this.store.library().feeds.map((f) => this.view(f));
  }

  async addFeed(url: string, folder = ''): Promise<AddFeedResult> {
    const input = url.trim();
    const existing = this.findFeedByUrl(input);
    if (existing) return { kind: 'exists', feed: this.view(existing) };
    // Loaded on first use: the fetch/sanitize stack (jsdom) costs a second at start-up.
    const { resolveSubscription } = await import('./subscription');
    const found = await resolveSubscription(input, this.settings()).catch((err: unknown) => {
      throw new ApiFailure('invalid_argument', err instanceof Error ? err.message : String(err));
    });
    if (found.kind === 'choose') return { kind: 'choose', candidates: found.candidates };
    const again = this.findFeedByUrl(found.url);
    if (again) return { kind: 'exists', feed: this.view(again) };
    const id = feedIdFor(found.url);
    const feed: Feed = {
      id, url: found.url, title: found.parsed.title || new URL(found.url).hostname, siteUrl: found.parsed.link,
      folder: cleanFolder(folder), addedAt: this.now().toISOString(), health: { itemCount: 0, consecutiveFailures: 0 }, http: {},
    };
    await this.store.updateLibrary((lib) => {
      lib.feeds.push(feed);
      if (feed.folder && !lib.folders.includes(feed.folder)) lib.folders.push(feed.folder);
    });
    this.emit({ type: 'feeds-changed' });
    await this.refresh([id]);
    return { kind: 'added', feed: this.view(this.feed(id)) };
  }

  private findFeedByUrl(url: string): Feed | undefined {
    // The same key OPML import merges duplicates on, so both paths agree on "already subscribed".
    const key = sameFeedKey(url);
    return this.store.library().feeds.find((f) => sameFeedKey(f.url) === key);
  }

  async removeFeed(id: string): Promise<void> {
    const feed = this.feed(id);
    const items = [...this.store.feedItems(id)];
    const content = new Map<string, string>();
    const fullText = new Map<string, FullText>();
    for (const it of items) {
      const html = await this.store.getContent(it.id);
      if (html !== undefined) content.set(it.id, html);
      const full = await this.store.getFullText(it.id);
      if (full?.html !== undefined) fullText.set(it.id, { html: full.html });
      else if (full?.error !== undefined) fullText.set(it.id, { error: full.error });
    }
    // Kept in memory for the session's undo; the shards themselves go now.
    this.removed.set(id, { feed: structuredClone(feed), items, content, fullText });
    await this.store.updateLibrary((lib) => {
      lib.feeds = lib.feeds.filter((f) => f.id !== id);
    });
    await this.store.dropFeed(id);
    this.emit({ type: 'feeds-changed' });
    this.emit({ type: 'items-changed', feedIds: [id] });
  }

  async restoreFeed(id: string): Promise<void> {
    const kept = this.removed.get(id);
    if (!kept) throw new ApiFailure('not_found', `service: feed ${id} cannot be restored (not removed in this session)`);
    if (this.store.library().feeds.some((f) => f.id === id)) return;
    await this.store.updateLibrary((lib) => {
      lib.feeds.push(kept.feed);
    });
    await this.store.putItems({ feedId: id, items: kept.items, content: kept.content, fullText: kept.fullText });
    this.removed.delete(id);
    this.emit({ type: 'feeds-changed' });
    this.emit({ type: 'items-changed', feedIds: [id] });
  }

  async updateFeed(id: string, patch: { title?: string; folder?: string; fullText?: boolean }): Promise<FeedView> {
    this.feed(id);
    await this.store.updateLibrary((lib) => {
      const f = lib.feeds.find((x) => x.id === id)!;
      if (patch.title !== undefined && patch.title.trim()) {
        f.title = patch.title.trim();
        f.titleLocked = true;
      }
      if (patch.folder !== undefined) {
        f.folder = cleanFolder(patch.folder);
        if (f.folder && !lib.folders.includes(f.folder)) lib.folders.push(f.folder);
      }
      if (patch.fullText !== undefined) {
        // Turning full text on must re-read an unchanged feed, or its items would never get it.
        if (patch.fullText && !f.fullText) f.http.bodyHash = undefined;
        f.fullText = patch.fullText;
      }
    });
    this.emit({ type: 'feeds-changed' });
    return this.view(this.feed(id));
  }

  async refresh(feedIds?: string[]): Promise<RefreshSummary> {
    // Offline, every feed is waiting out its retry: a refresh asked for then must try them all.
    return this.runRefresh(feedIds, feedIds !== undefined || !this.online);
  }

  async status(): Promise<ConnectionStatus> {
    return { online: this.online, refreshing: this.refreshing !== undefined, ...(this.lastRefresh && { lastRefresh: this.lastRefresh }) };
  }

  /** isOnline: whether the last refresh that fetched anything reached the network. */
  isOnline(): boolean {
    return this.online;
  }

  /** probe: while offline, try one TCP connect to a feed's host; on success go online and refresh every feed. */
  async probe(): Promise<boolean> {
    if (this.online || this.refreshing) return this.online;
    const feeds = [...this.store.library().feeds].sort((a, b) => (b.health.lastSuccess ?? '').localeCompare(a.health.lastSuccess ?? ''));
    const target = feeds[0];
    if (!target || !(await probeHost(target.url))) return false;
    this.setOnline(true);
    await this.runRefresh(undefined, true);
    return this.online;
  }

  private async otherHostAnswers(summary: RefreshSummary): Promise<boolean> {
    const feeds = this.store.library().feeds;
    const failed = new Set(summary.failed.map((f) => f.feedId));
    const failedHosts = new Set(feeds.filter((f) => failed.has(f.id)).map((f) => hostOf(f.url)));
    const other = feeds
      .filter((f) => f.health.lastSuccess && !failedHosts.has(hostOf(f.url)))
      .sort((a, b) => (b.health.lastSuccess ?? '').localeCompare(a.health.lastSuccess ?? ''))[0];
    return other ? probeHost(other.url, 3000) : false;
  }

  private setOnline(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    this.emit({ type: 'online', online });
  }

  private async runRefresh(feedIds: string[] | undefined, force: boolean): Promise<RefreshSummary> {
    // One refresh at a time: a second request waits for the running one, then runs its own.
    while (this.refreshing) await this.refreshing.catch(() => undefined);
    const { refreshFeeds } = await import('./processor');
    this.refreshed = true;
    const run = refreshFeeds(
      { store: this.store, rules: this.store.getTagRules(), emit: this.emit, now: this.now, force },
      feedIds,
    );
    this.refreshing = run;
    try {
      const summary = await run;
      this.lastRefresh = this.now().toISOString();
      let state = classifyRefresh(summary);
      // Some feeds failing may just be dead hosts: going offline needs a host not tried to be silent too.
      if (state === 'offline' && this.online && (await this.otherHostAnswers(summary))) state = 'online';
      if (state !== 'unknown') this.setOnline(state === 'online');
      // In the background: the refresh is done for the reader; the cache is trimmed after it.
      if (this.catchUp && this.online && !this.closed) {
        this.catchingUp ??= this.catchUpImages()
          .then(() => this.trimMedia())
          .catch(() => undefined)
          .finally(() => (this.catchingUp = undefined));
      }
      return summary;
    } finally {
      this.refreshing = undefined;
      if (!this.catchingUp) await this.trimMedia().catch(() => undefined);
      this.emit({ type: 'feeds-changed' });
    }
  }

  /**
   * catchUpImages: the pictures of stored articles that no refresh took (its limit of pictures was
   * reached, or the network failed then), fetched under a refresh's limits, a few feeds per run in
   * turn, newest articles first, so that a large first import becomes readable offline over time.
   */
  private async catchUpImages(feedsPerRun = 40, itemsPerFeed = 50): Promise<void> {
    const { cacheImages, hasRemoteImages, mediaSession } = await import('./media');
    const session = mediaSession();
    const dir = join(this.store.dir, 'media');
    const feeds = this.store.library().feeds;
    for (let n = 0; n < Math.min(feedsPerRun, feeds.length); n++) {
      // A refresh started meanwhile has the network first; the next catch-up goes on from here.
      if (this.closed || this.refreshing || session.images >= session.maxImages || session.bytes >= session.maxTotalBytes) return;
      const feed = feeds[this.catchUpCursor++ % feeds.length]!;
      const items = [...this.store.refsOfFeed(feed.id)].sort((a, b) => b.pub - a.pub).slice(0, itemsPerFeed);
      const before = new Map<string, string>();
      const content = new Map<string, string>();
      for (const ref of items) {
        const html = await this.store.getContent(ref.id).catch(() => undefined);
        if (!html || !hasRemoteImages(html)) continue;
        const r = await cacheImages(html, { dir, baseUrl: feed.url, session });
        if (r.html !== html) {
          before.set(ref.id, html);
          content.set(ref.id, r.html);
        }
      }
      // An article a refresh changed in the meantime keeps its new text (its pictures come with it).
      for (const [id, html] of before) if ((await this.store.getContent(id).catch(() => undefined)) !== html) content.delete(id);
      if (content.size && this.store.library().feeds.some((f) => f.id === feed.id)) {
        await this.store.putItems({ feedId: feed.id, items: [], content });
      }
    }
  }

  /** trimMedia: keep the image cache under the settings' limit, never evicting what starred items show. */
  private async trimMedia(): Promise<void> {
    const limitMb = this.settings().mediaLimitMb;
    if (!(limitMb > 0)) return;
    const { cachedSources } = await import('./media');
    const { evictMedia } = await import('./media-budget');
    const keep = new Set<string>();
    for (const it of this.store.allItems()) {
      if (!it.starred) continue;
      for (const local of cachedSources(await this.articleHtml(it.id)).values()) keep.add(local);
    }
    await evictMedia(join(this.store.dir, 'media'), limitMb * 2 ** 20, keep);
  }

  async listItems(query: ItemQuery): Promise<ItemPage> {
    const { items, total } = queryItems(this.store, query, { search: this.search, now: this.now() });
    const titles = this.titles();
    return { items: items.map((i) => this.summary(i, titles)), total, offset: query.offset ?? 0 };
  }

  async getItem(id: string): Promise<ItemDetail | null> {
    const item = this.store.getItem(id);
    if (!item) return null;
    const [html, full] = await Promise.all([this.store.getContent(id), this.store.getFullText(id)]);
    return {
      ...this.summary(item, this.titles()),
      html: await this.repairImages(html ?? ''),
      ...(full?.html !== undefined && { fullHtml: await this.repairImages(full.html) }),
      ...(full?.error !== undefined && { fullTextError: full.error }),
      enclosures: item.enclosures ?? [],
      categories: item.categories,
    };
  }

  /** A cleared or evicted image cache must not leave holes: those images point at the web again. */
  private async repairImages(html: string): Promise<string> {
    if (!html.includes('data-original-src')) return html;
    const { repairMissingImages } = await import('./media');
    return repairMissingImages(html, join(this.store.dir, 'media'));
  }

  /** The article as the reader shows it by default: the full text when there is one, else the feed's. */
  private async articleHtml(id: string): Promise<string> {
    return (await this.store.getFullText(id))?.html ?? (await this.store.getContent(id)) ?? '';
  }

  async setRead(ids: string[], read: boolean): Promise<number> {
    const changed = await this.store.patchItems(ids, (it) => {
      if (it.read === read) return false;
      it.read = read;
      return true;
    });
    this.changed(changed);
    return changed.length;
  }

  async markAllRead(req: MarkAllRequest): Promise<string[]> {
    const { items } = queryItems(this.store, { ...req.query, offset: 0, limit: Number.MAX_SAFE_INTEGER }, { search: this.search, now: this.now() });
    const cutoff = req.olderThanDays === undefined ? Infinity : this.now().getTime() - req.olderThanDays * 86_400_000;
    const ids = items.filter((i) => !i.read && Date.parse(i.published) <= cutoff).map((i) => i.id);
    const changed = await this.store.patchItems(ids, (it) => {
      if (it.read) return false;
      it.read = true;
      return true;
    });
    this.changed(changed);
    return changed;
  }

  async setStarred(id: string, starred: boolean): Promise<void> {
    if (!this.store.getItem(id)) throw new ApiFailure('not_found', `service: no item ${id}`);
    const changed = await this.store.patchItems([id], (it) => {
      if (it.starred === starred) return false;
      it.starred = starred;
      return true;
    });
    this.changed(changed);
  }

  async setItemTags(id: string, change: { add?: string[]; remove?: string[] }): Promise<ItemSummary> {
    if (!this.store.getItem(id)) throw new ApiFailure('not_found', `service: no item ${id}`);
    const add = (change.add ?? []).map(normTag).filter(Boolean);
    const remove = (change.remove ?? []).map(normTag).filter(Boolean);
    const changed = await this.store.patchItems([id], (it) => {
      const user = { added: [...(it.userTags?.added ?? [])], removed: [...(it.userTags?.removed ?? [])] };
      for (const t of add) {
        user.removed = user.removed.filter((x) => x !== t);
        if (!user.added.includes(t)) user.added.push(t);
      }
      for (const t of remove) {
        user.added = user.added.filter((x) => x !== t);
        if (!user.removed.includes(t)) user.removed.push(t);
      }
      it.userTags = user;
      const tags = new Set(it.tags);
      for (const t of remove) tags.delete(t);
      for (const t of add) tags.add(t);
      it.tags = [...tags];
      return true;
    });
    this.changed(changed);
    return this.summary(this.store.getItem(id)!, this.titles());
  }

  async counts(): Promise<Counts> {
    const counts = computeCounts(this.store);
    for (const s of this.store.library().savedSearches) {
      counts.savedSearches[s.id] = queryItems(
        this.store,
        { search: s.query || undefined, tags: s.tags.length ? s.tags : undefined, tagMode: 'all', status: 'unread', limit: 1 },
        { search: this.search, now: this.now() },
      ).total;
    }
    return counts;
  }

  async listTags() {
    return listTagCounts(this.store);
  }

  async getTagRules(): Promise<TagRule[]> {
    return this.store.getTagRules();
  }

  async setTagRules(rules: TagRule[]): Promise<void> {
    await this.store.setTagRules(rules);
  }

  async previewTagRule(rule: TagRule): Promise<number> {
    // The same text as ingest and applyTagRules (the article's, not only its summary), so the count
    // is what applying will do. The summary is the article text's opening and rules only ask for
    // words to be present, so an item matched on its summary needs no read of its article.
    const gen = ++this.previewGen;
    const inContent = !rule.in?.length || rule.in.includes('content');
    const onlyFeeds = rule.feeds?.length ? new Set(rule.feeds.map((f) => f.trim().toLowerCase())) : undefined;
    let n = 0;
    for (const feed of this.store.library().feeds) {
      if (onlyFeeds && !onlyFeeds.has(feed.id.toLowerCase()) && !onlyFeeds.has(feed.url.trim().toLowerCase())) continue;
      for (const it of this.store.feedItems(feed.id)) {
        if (matchRule(rule, this.tagInput(it, feed, it.summary))) n++;
        else if (inContent) {
          const html = await this.store.getContent(it.id);
          if (html && matchRule(rule, this.tagInput(it, feed, htmlToText(html)))) n++;
        }
      }
      // Typing in the rule form starts a new preview; an older one stops at the next feed.
      await new Promise((r) => setImmediate(r));
      if (gen !== this.previewGen) throw new ApiFailure('conflict', 'service: preview replaced by a newer one');
    }
    return n;
  }

  private tagInput(it: Item, feed: Feed | undefined, text: string) {
    return {
      title: it.title, text, categories: it.categories,
      published: it.dateGuessed ? undefined : it.published, feedId: it.feedId, feedUrl: feed?.url ?? '',
    };
  }

  async applyTagRules(): Promise<number> {
    const rules = this.store.getTagRules();
    const feeds = new Map(this.store.library().feeds.map((f) => [f.id, f]));
    let changedCount = 0;
    for (const feed of feeds.values()) {
      const texts = new Map<string, string>();
      for (const it of this.store.feedItems(feed.id)) {
        const html = await this.store.getContent(it.id);
        texts.set(it.id, html ? htmlToText(html) : it.summary);
      }
      const changed = await this.store.patchItems(texts.keys(), (it) => {
        const tags = computeTags(this.tagInput(it, feed, texts.get(it.id) ?? it.summary), rules, it.userTags);
        if (sameSet(tags, it.tags)) return false;
        it.tags = tags;
        return true;
      });
      changedCount += changed.length;
      if (changed.length) this.emit({ type: 'items-changed', feedIds: [feed.id] });
    }
    return changedCount;
  }

  async listSavedSearches() {
    return this.store.library().savedSearches;
  }

  async saveSearch(s: { id?: string; name: string; query: string; tags: string[] }) {
    const saved = { id: s.id ?? `s${this.now().getTime().toString(36)}`, name: s.name, query: s.query, tags: s.tags };
    await this.store.updateLibrary((lib) => {
      const i = lib.savedSearches.findIndex((x) => x.id === saved.id);
      if (i === -1) lib.savedSearches.push(saved);
      else lib.savedSearches[i] = saved;
    });
    return saved;
  }

  async deleteSavedSearch(id: string): Promise<void> {
    await this.store.updateLibrary((lib) => {
      lib.savedSearches = lib.savedSearches.filter((x) => x.id !== id);
    });
  }

  async importOpml(doc: string | { base64: string }): Promise<OpmlReport> {
    const parsed = parseOpml(typeof doc === 'string' ? doc : Buffer.from(doc.base64, 'base64'));
    const plan = planImport(parsed, this.store.library().feeds);
    const addedAt = this.now().toISOString();
    await this.store.updateLibrary((lib) => {
      for (const e of plan.toAdd) {
        lib.feeds.push({
          id: feedIdFor(e.url), url: e.url, title: e.title || e.url, titleLocked: Boolean(e.title),
          siteUrl: e.siteUrl, folder: cleanFolder(e.folder), addedAt,
          health: { itemCount: 0, consecutiveFailures: 0 }, http: {},
        });
        if (e.folder && !lib.folders.includes(cleanFolder(e.folder))) lib.folders.push(cleanFolder(e.folder));
      }
    });
    this.emit({ type: 'feeds-changed' });
    return {
      added: plan.toAdd.map((e) => ({ url: e.url, title: e.title || e.url, folder: e.folder })),
      present: plan.present.map((e) => ({ url: e.url, title: e.title || e.url })),
      refused: plan.refused,
    };
  }

  async exportOpml(): Promise<string> {
    return buildOpml(this.store.library().feeds);
  }

  async exportMarkdown(req: ExportRequest): Promise<ExportReport> {
    const items = req.ids
      ? req.ids.map((id) => this.store.getItem(id)).filter((x): x is Item => x !== undefined)
      : queryItems(this.store, { ...(req.query ?? {}), offset: 0, limit: Number.MAX_SAFE_INTEGER }, { search: this.search, now: this.now() }).items;
    const feeds = new Map(this.store.library().feeds.map((f) => [f.id, f]));
    const out = [];
    for (const it of items) {
      const feed = feeds.get(it.feedId);
      out.push({
        id: it.id, title: it.title, link: it.link, published: it.published, summary: it.summary,
        html: await this.articleHtml(it.id), tags: it.tags,
        feedTitle: feed?.title ?? '', feedFolder: feed?.folder ?? '',
      });
    }
    const { exportItems } = await import('./export');
    return exportItems(out, req.dir, { overwrite: req.overwrite, layout: req.layout });
  }

  async getSettings(): Promise<Settings> {
    return this.settings();
  }

  async updateSettings(patch: Partial<Settings>): Promise<Settings> {
    await this.store.updateLibrary((lib) => {
      lib.settings = { ...lib.settings, ...patch };
    });
    return this.settings();
  }

  async storageReport(): Promise<StorageReport> {
    const dir = this.store.dir;
    const [items, content, media, total] = await Promise.all([
      dirSize(`${dir}/items`), dirSize(`${dir}/content`), dirSize(`${dir}/media`), dirSize(dir),
    ]);
    return { items, content, media, total };
  }

  async clearMediaCache(): Promise<void> {
    const dir = join(this.store.dir, 'media');
    // Retries: a refresh may be adding a copy while the folder goes.
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    const { forgetMediaIndex } = await import('./media-index');
    forgetMediaIndex(dir);
  }

  /** prune: apply the retention settings now. */
  async prune(): Promise<number> {
    return pruneLibrary(this.store, this.settings(), this.now());
  }

  private changed(ids: string[]): void {
    if (!ids.length) return;
    const feeds = new Set<string>();
    for (const id of ids) {
      const it = this.store.getItem(id);
      if (it) feeds.add(it.feedId);
    }
    this.emit({ type: 'items-changed', feedIds: [...feeds] });
  }
}

function cleanFolder(folder: string): string {
  return folder.split('/').map((p) => p.trim()).filter(Boolean).join('/');
}

function normTag(t: string): string {
  return t.trim().toLowerCase().replace(/\s+/g, '-');
}


function sameSet(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}
