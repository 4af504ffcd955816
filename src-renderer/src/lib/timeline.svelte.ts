// The timeline's rows, paged from listItems as the reader scrolls: only pages near the viewport
// are fetched, so a 100,000-item library costs a few hundred rows of memory.
import type { ItemQuery, ItemSummary } from '../../../src-main/ipc/contract';
import { api } from './api';
import { Edits } from './edits';

export const PAGE_SIZE = 100;

/** A row kept on screen although the query no longer returns it (the open item, just read, in Unread). */
interface Sticky {
  index: number;
  row: ItemSummary;
}

/** Timeline: the current query's rows, total and selection. */
export class Timeline {
  // Raw (not deeply reactive): rows are replaced, never mutated, so scrolling creates no proxies.
  pages = $state.raw<Record<number, ItemSummary[]>>({});
  sticky = $state.raw<Sticky | null>(null);
  serverTotal = $state(0);
  total = $derived(this.serverTotal + (this.sticky ? 1 : 0));
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
  private edits = new Edits();

  /** reset: show a new query from the top. */
  async reset(query: ItemQuery): Promise<void> {
    this.query = query;
    this.gen++;
    this.inflight.clear();
    this.pages = {};
    this.sticky = null;
    this.serverTotal = 0;
    this.ready = false;
    this.error = null;
    this.selectedIndex = -1;
    await this.loadPage(0);
  }

  private toServer(i: number): number {
    const s = this.sticky;
    return s && i > s.index ? i - 1 : i;
  }

  private serverRow(i: number, pages = this.pages): ItemSummary | undefined {
    return pages[Math.floor(i / PAGE_SIZE)]?.[i % PAGE_SIZE];
  }

  /** row: the summary at an index, if its page is loaded. */
  row(i: number): ItemSummary | undefined {
    const s = this.sticky;
    if (s && i === s.index) return s.row;
    return this.serverRow(this.toServer(i));
  }

  /** ensure: load the pages covering rows from..to (inclusive). */
  async ensure(from: number, to: number): Promise<void> {
    const first = this.toServer(Math.max(0, from));
    const last = Math.min(this.toServer(to), this.serverTotal - 1);
    const wanted: Promise<void>[] = [];
    for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(last / PAGE_SIZE); p++) {
      if (!this.pages[p] && !this.inflight.has(p)) wanted.push(this.loadPage(p));
    }
    await Promise.all(wanted);
  }

  /** patch: replace the loaded rows carrying an id with changed copies; `pending` until settle. */
  patch(id: string, change: Partial<ItemSummary>, pending = false): void {
    this.patchMany(new Set([id]), change, pending);
  }

  /** patchMany: change many loaded rows at once (mark all read). */
  patchMany(ids: Set<string>, change: Partial<ItemSummary>, pending = false): void {
    this.edits.record(ids, change, pending);
    const pages: Record<number, ItemSummary[]> = {};
    let touched = false;
    for (const [p, page] of Object.entries(this.pages)) {
      pages[Number(p)] = page.some((it) => ids.has(it.id)) ? ((touched = true), page.map((it) => (ids.has(it.id) ? { ...it, ...change } : it))) : page;
    }
    if (touched) this.pages = pages;
    if (this.sticky && ids.has(this.sticky.row.id)) this.sticky = { ...this.sticky, row: { ...this.sticky.row, ...change } };
  }

  /** settle: the core has answered for rows patched as pending. */
  settle(ids: Iterable<string>): void {
    this.edits.settle(ids);
  }

  /** find: the loaded rows carrying an id. */
  find(id: string): ItemSummary[] {
    const out: ItemSummary[] = [];
    for (const page of Object.values(this.pages)) for (const it of page) if (it.id === id) out.push(it);
    if (this.sticky?.row.id === id) out.push(this.sticky.row);
    return out;
  }

  /** indexOf: a loaded row's index, or -1. */
  indexOf(id: string): number {
    const s = this.sticky;
    if (s?.row.id === id) return s.index;
    const i = serverIndexOf(this.pages, id);
    return i === -1 ? -1 : s && i >= s.index ? i + 1 : i;
  }

  /** reload: refetch the pages on screen for the same query, keeping the reader's place. */
  async reload(): Promise<void> {
    const gen = ++this.gen;
    const anchorId = this.row(this.firstVisible)?.id;
    const anchorOld = this.firstVisible;
    const selected = this.selectedId ? this.find(this.selectedId)[0] : undefined;
    const near = this.toServer(this.firstVisible);
    const keep = Object.keys(this.pages).map(Number).filter((p) => Math.abs(p * PAGE_SIZE - near) <= 2 * PAGE_SIZE);
    if (!keep.includes(0)) keep.push(0);
    const started = this.edits.start();
    let results;
    try {
      results = await Promise.all(keep.map((p) => api.listItems({ ...this.query, offset: p * PAGE_SIZE, limit: PAGE_SIZE })));
    } finally {
      this.edits.finish(started);
    }
    if (gen !== this.gen) return;
    const pages: Record<number, ItemSummary[]> = {};
    keep.forEach((p, i) => (pages[p] = this.edits.overlay(results[i]!.items, started)));
    this.inflight.clear();
    this.pages = pages;
    this.serverTotal = results[0]!.total;
    // The open item stays in place even when the query no longer returns it (read, in Unread).
    this.sticky = selected && serverIndexOf(pages, selected.id) === -1 ? stickyFor(pages, selected, this.query.sort ?? 'newest') : null;
    this.selectedIndex = this.selectedId ? this.indexOf(this.selectedId) : -1;
    const anchorNew = anchorId ? this.indexOf(anchorId) : -1;
    if (anchorNew !== -1 && anchorNew !== anchorOld) this.onShift?.(anchorNew - anchorOld);
  }

  private async loadPage(p: number): Promise<void> {
    const gen = this.gen;
    this.inflight.add(p);
    const started = this.edits.start();
    try {
      const page = await api.listItems({ ...this.query, offset: p * PAGE_SIZE, limit: PAGE_SIZE });
      if (gen !== this.gen) return;
      this.pages = { ...this.pages, [p]: this.edits.overlay(page.items, started) };
      this.serverTotal = page.total;
      this.error = null;
    } catch (err) {
      if (gen === this.gen) this.error = err instanceof Error ? err.message : String(err);
    } finally {
      this.edits.finish(started);
      if (gen === this.gen) {
        this.inflight.delete(p);
        this.ready = true;
      }
    }
  }
}

function serverIndexOf(pages: Record<number, ItemSummary[]>, id: string): number {
  for (const [p, page] of Object.entries(pages)) {
    const i = page.findIndex((it) => it.id === id);
    if (i !== -1) return Number(p) * PAGE_SIZE + i;
  }
  return -1;
}

/** Where a row the query dropped sorts among the loaded rows; null when outside them. */
function stickyFor(pages: Record<number, ItemSummary[]>, row: ItemSummary, sort: 'newest' | 'oldest'): Sticky | null {
  const after = (it: ItemSummary) => (sort === 'newest' ? it.published < row.published : it.published > row.published);
  for (const p of Object.keys(pages).map(Number).sort((a, b) => a - b)) {
    const page = pages[p]!;
    const i = page.findIndex(after);
    if (i !== -1) return { index: p * PAGE_SIZE + i, row };
    if (page.length < PAGE_SIZE) return { index: p * PAGE_SIZE + page.length, row };
  }
  return null;
}
