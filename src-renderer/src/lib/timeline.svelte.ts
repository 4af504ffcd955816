// The timeline's rows, paged from listItems as the reader scrolls: only pages near the viewport
// are fetched, so a 100,000-item library costs a few hundred rows of memory.
import type { ItemQuery, ItemSummary } from '../../../src-main/ipc/contract';
import { api } from './api';

export const PAGE_SIZE = 100;

/** Timeline: the current query's rows, total and selection. */
export class Timeline {
  total = $state(0);
  // Raw (not deeply reactive): rows are replaced, never mutated, so scrolling creates no proxies.
  pages = $state.raw<Record<number, ItemSummary[]>>({});
  ready = $state(false);
  error = $state<string | null>(null);
  selectedIndex = $state(-1);
  selectedId = $state<string | null>(null);
  /** Set by the view: the first row index on screen (the anchor kept across reloads). */
  firstVisible = 0;
  /** Set by the view: called with a row delta when a reload moved the rows on screen. */
  onShift: ((rows: number) => void) | undefined;
  private query: ItemQuery = {};
  private gen = 0;
  private inflight = new Set<number>();

  /** reset: show a new query from the top. */
  async reset(query: ItemQuery): Promise<void> {
    this.query = query;
    this.gen++;
    this.inflight.clear();
    this.pages = {};
    this.total = 0;
    this.ready = false;
    this.error = null;
    this.selectedIndex = -1;
    await this.loadPage(0);
  }

  /** row: the summary at an index, if its page is loaded. */
  row(i: number): ItemSummary | undefined {
    return this.pages[Math.floor(i / PAGE_SIZE)]?.[i % PAGE_SIZE];
  }

  /** ensure: load the pages covering rows from..to (inclusive). */
  async ensure(from: number, to: number): Promise<void> {
    const last = Math.min(to, this.total - 1);
    const wanted: Promise<void>[] = [];
    for (let p = Math.floor(Math.max(0, from) / PAGE_SIZE); p <= Math.floor(last / PAGE_SIZE); p++) {
      if (!this.pages[p] && !this.inflight.has(p)) wanted.push(this.loadPage(p));
    }
    await Promise.all(wanted);
  }

  /** patch: replace the loaded rows carrying an id with changed copies. */
  patch(id: string, change: Partial<ItemSummary>): void {
    let pages: Record<number, ItemSummary[]> | undefined;
    for (const [p, page] of Object.entries(this.pages)) {
      const i = page.findIndex((it) => it.id === id);
      if (i === -1) continue;
      pages ??= { ...this.pages };
      pages[Number(p)] = page.with(i, { ...page[i]!, ...change });
    }
    if (pages) this.pages = pages;
  }

  /** patchMany: mark many loaded rows at once (mark all read). */
  patchMany(ids: Set<string>, change: Partial<ItemSummary>): void {
    const pages: Record<number, ItemSummary[]> = {};
    for (const [p, page] of Object.entries(this.pages)) {
      pages[Number(p)] = page.map((it) => (ids.has(it.id) ? { ...it, ...change } : it));
    }
    this.pages = pages;
  }

  /** find: the loaded rows carrying an id. */
  find(id: string): ItemSummary[] {
    const out: ItemSummary[] = [];
    for (const page of Object.values(this.pages)) for (const it of page) if (it.id === id) out.push(it);
    return out;
  }

  /** indexOf: a loaded row's index, or -1. */
  indexOf(id: string): number {
    for (const [p, page] of Object.entries(this.pages)) {
      const i = page.findIndex((it) => it.id === id);
      if (i !== -1) return Number(p) * PAGE_SIZE + i;
    }
    return -1;
  }

  /** reload: refetch the pages on screen for the same query, keeping the reader's place. */
  async reload(): Promise<void> {
    const gen = ++this.gen;
    const anchorId = this.row(this.firstVisible)?.id;
    const anchorOld = this.firstVisible;
    const keep = Object.keys(this.pages).map(Number).filter((p) => Math.abs(p * PAGE_SIZE - this.firstVisible) <= 2 * PAGE_SIZE);
    if (!keep.includes(0)) keep.push(0);
    const results = await Promise.all(keep.map((p) => api.listItems({ ...this.query, offset: p * PAGE_SIZE, limit: PAGE_SIZE })));
    if (gen !== this.gen) return;
    const pages: Record<number, ItemSummary[]> = {};
    keep.forEach((p, i) => (pages[p] = results[i]!.items));
    this.pages = pages;
    this.total = results[0]!.total;
    this.inflight.clear();
    this.selectedIndex = this.selectedId ? this.indexOf(this.selectedId) : -1;
    const anchorNew = anchorId ? this.indexOf(anchorId) : -1;
    if (anchorNew !== -1 && anchorNew !== anchorOld) this.onShift?.(anchorNew - anchorOld);
  }

  private async loadPage(p: number): Promise<void> {
    const gen = this.gen;
    this.inflight.add(p);
    try {
      const page = await api.listItems({ ...this.query, offset: p * PAGE_SIZE, limit: PAGE_SIZE });
      if (gen !== this.gen) return;
      this.pages = { ...this.pages, [p]: page.items };
      this.total = page.total;
      this.error = null;
    } catch (err) {
      if (gen === this.gen) this.error = err instanceof Error ? err.message : String(err);
    } finally {
      if (gen === this.gen) {
        this.inflight.delete(p);
        this.ready = true;
      }
    }
  }
}
