// The reader's controller: the selected view and filters, the open item, and every action the
// UI offers. Components call these methods; only api.ts talks to the core.
import type { ItemDetail, ItemSummary, ReaderEvent } from '../../../src-main/ipc/contract';
import { api, onEvent, onLink } from './api';
import { Library } from './library.svelte';
import { notices } from './notices.svelte';
import { loadPref, savePref } from './prefs';
import { queryFor, type Filters, type View } from './query';
import { Timeline } from './timeline.svelte';
import { Echoes } from './echoes';

export type Dialog = 'none' | 'help' | 'settings' | 'add-feed' | 'export' | 'opml-report' | 'feed-info' | 'edit-feed' | 'tag-rules';

/** Reader: the one state object the components share. */
export class Reader {
  library = new Library();
  timeline = new Timeline();
  view = $state<View>(loadPref<View>('view', { kind: 'all' }));
  filters = $state<Filters>({ status: loadPref('status', 'all'), sort: loadPref('sort', 'newest'), search: '', tags: [], tagMode: 'any' });
  detail = $state<ItemDetail | null>(null);
  detailError = $state<string | null>(null);
  progress = $state<{ done: number; total: number; failed: number; running: boolean } | null>(null);
  /** Whether the last refresh reached the network (false: reading from the library only). */
  online = $state(true);
  /** Whether the connection to the Tidings server itself is up (browser mode). */
  linked = $state(true);
  dialog = $state<Dialog>('none');
  /** What the export dialog exports: explicit ids, or the current query when null. */
  exportIds = $state<string[] | null>(null);
  query = $derived(queryFor(this.view, this.filters, this.library.saved));
  /** The items-changed events our own changes will cause (already on screen, so not reloaded). */
  readonly echoes = new Echoes();
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private openSeq = 0;

  /** start: load the library and the first page, then follow push events. */
  async start(): Promise<() => void> {
    const off = onEvent((e) => this.onEvent(e));
    const offLink = onLink((up) => {
      this.linked = up;
      // Events sent while the link was down are lost: ask again.
      if (up) void this.checkStatus();
    });
    void this.checkStatus();
    await this.retry();
    return () => {
      off();
      offLink();
    };
  }

  /** checkStatus: read whether the core is online (the 'online' event only reports changes). */
  async checkStatus(): Promise<void> {
    try {
      this.online = (await api.status()).online;
    } catch {
      // An older or unreachable core: keep what the events said.
    }
  }

  /** retry: (re)load the library and the timeline, showing a failure instead of a blank screen. */
  async retry(): Promise<void> {
    try {
      await this.library.load();
      if (!this.viewExists(this.view)) this.view = { kind: 'all' };
      await this.timeline.reset(this.query);
    } catch (err) {
      notices.error(err);
      this.timeline.error = err instanceof Error ? err.message : String(err);
      this.timeline.ready = true;
    }
  }

  /** showView: select a sidebar view. */
  showView(view: View): void {
    this.view = view;
    savePref('view', view);
    void this.requery();
  }

  /** setFilters: change toolbar filters or tag picks and requery. */
  setFilters(patch: Partial<Filters>): void {
    Object.assign(this.filters, patch);
    savePref('status', this.filters.status);
    savePref('sort', this.filters.sort);
    void this.requery();
  }

  /** toggleTag: add or remove a tag filter. */
  toggleTag(tag: string): void {
    const tags = this.filters.tags.includes(tag) ? this.filters.tags.filter((t) => t !== tag) : [...this.filters.tags, tag];
    this.setFilters({ tags });
  }

  /** requery: reload the timeline for the current view and filters. */
  async requery(): Promise<void> {
    await this.timeline.reset(this.query);
  }

  /** select: move the selection to a row; open it too when asked. */
  async select(index: number, open: boolean): Promise<void> {
    const t = this.timeline;
    if (index < 0 || index >= t.total) return;
    await t.ensure(index, index);
    const row = t.row(index);
    if (!row) return;
    t.selectedIndex = index;
    t.selectedId = row.id;
    if (open) await this.open(row);
  }

  /** move: the next (1) or previous (-1) row, opened or not (j/k, n/p). */
  async move(delta: 1 | -1, open: boolean): Promise<void> {
    const from = this.timeline.selectedIndex;
    const to = from === -1 ? (delta > 0 ? 0 : -1) : from + delta;
    await this.select(to, open);
  }

  /** open: show an item in the detail pane and mark it read. */
  async open(row: ItemSummary): Promise<void> {
    const seq = ++this.openSeq;
    this.timeline.selectedId = row.id;
    this.detailError = null;
    if (this.detail?.id !== row.id) this.detail = { ...row, html: '', enclosures: [], categories: [] };
    if (!row.read) void this.setRead([row], true);
    try {
      const detail = await api.getItem(row.id);
      if (seq !== this.openSeq) return;
      if (!detail) throw new Error(`reader: the item "${row.title}" no longer exists`);
      const current = this.timeline.find(row.id)[0] ?? row;
      this.detail = { ...detail, read: current.read || !row.read, starred: current.starred };
    } catch (err) {
      if (seq === this.openSeq) this.detailError = err instanceof Error ? err.message : String(err);
    }
  }

  /** current: the selected row (or the open item). */
  current(): ItemSummary | undefined {
    const t = this.timeline;
    return (t.selectedIndex >= 0 ? t.row(t.selectedIndex) : undefined) ?? this.detail ?? undefined;
  }

  /** setRead: mark items read or unread now, then tell the core (undone on failure). */
  async setRead(items: ItemSummary[], read: boolean): Promise<void> {
    const changed = items.filter((i) => i.read !== read);
    if (!changed.length) return;
    const ids = changed.map((i) => i.id);
    this.applyRead(changed, read);
    const echo = this.echoes.expect(changed.map((i) => i.feedId));
    try {
      if ((await api.setRead(ids, read)) === 0) this.echoes.drop(echo);
    } catch (err) {
      this.echoes.drop(echo);
      this.applyRead(changed, !read);
      notices.error(err);
    } finally {
      this.timeline.settle(ids);
    }
  }

  private applyRead(items: ItemSummary[], read: boolean): void {
    for (const it of items) {
      this.timeline.patch(it.id, { read }, true);
      if (this.detail?.id === it.id) this.detail.read = read;
      this.library.adjustUnread(it, read ? -1 : 1);
    }
  }

  /** toggleRead: flip the current item's read state (m). */
  async toggleRead(): Promise<void> {
    const it = this.current();
    if (!it) return;
    const row = this.timeline.find(it.id)[0] ?? it;
    await this.setRead([row], !row.read);
  }

  /** toggleStar: flip the current item's star (s). */
  async toggleStar(): Promise<void> {
    const it = this.current();
    if (!it) return;
    const starred = !(this.timeline.find(it.id)[0]?.starred ?? it.starred);
    const apply = (v: boolean) => {
      this.timeline.patch(it.id, { starred: v }, true);
      if (this.detail?.id === it.id) this.detail.starred = v;
      this.library.counts.starred = Math.max(0, this.library.counts.starred + (v ? 1 : -1));
    };
    apply(starred);
    const echo = this.echoes.expect([it.feedId]);
    try {
      await api.setStarred(it.id, starred);
    } catch (err) {
      this.echoes.drop(echo);
      apply(!starred);
      notices.error(err);
    } finally {
      this.timeline.settle([it.id]);
    }
  }

  /** refresh: fetch all feeds (or some); progress arrives as events, the UI never waits. */
  async refresh(feedIds?: string[]): Promise<void> {
    this.progress = { done: 0, total: feedIds?.length ?? this.library.feeds.length, failed: 0, running: true };
    try {
      const s = await api.refresh(feedIds);
      const failed = s.failed.length ? `, ${s.failed.length} failed` : '';
      notices.push(s.failed.length ? 'error' : 'info', `Refreshed ${s.total} feed${s.total === 1 ? '' : 's'}: ${s.newItems} new item${s.newItems === 1 ? '' : 's'}${failed}.`, undefined, 6000);
      await this.library.reloadFeeds();
    } catch (err) {
      notices.error(err);
    } finally {
      if (this.progress) this.progress.running = false;
    }
  }

  private onEvent(e: ReaderEvent): void {
    if (e.type === 'refresh-progress') this.progress = { done: e.done, total: e.total, failed: e.failed, running: e.running };
    else if (e.type === 'online') this.online = e.online;
    else if (e.type === 'feeds-changed' || e.type === 'feed-error') void this.library.reloadFeeds().catch(() => undefined);
    else if (e.type === 'items-changed') this.onItemsChanged(e.feedIds);
  }

  private onItemsChanged(feedIds: string[]): void {
    this.library.reconcile();
    if (this.echoes.consume(feedIds)) return;
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => this.timeline.reload().catch((err: unknown) => notices.error(err)), 150);
  }

  private viewExists(v: View): boolean {
    if (v.kind === 'feed') return this.library.feedById.has(v.id);
    if (v.kind === 'saved') return this.library.saved.some((s) => s.id === v.id);
    return true;
  }
}

export const reader = new Reader();
