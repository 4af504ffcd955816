// The reader changes rows on screen before the core has them (mark read, star, tags). A page
// of rows requested before the core acknowledged such a change can arrive after it and would
// put the old state back — and the change's own items-changed event is an echo that triggers no
// reload, so the stale row would stay. Edits remembers each change until every page in flight
// was requested after the core acknowledged it, and lays it over the pages that arrive meanwhile.
import type { ItemSummary } from '../../../src-main/ipc/contract';

interface Edit {
  change: Partial<ItemSummary>;
  /** Changes of this row the core has not acknowledged yet. */
  pending: number;
  /** The tick at which the last of them was acknowledged. */
  ackedAt: number;
}

/** Edits: local row changes to lay over pages fetched before the core had them. */
export class Edits {
  private clock = 0;
  private byId = new Map<string, Edit>();
  private inflight = new Set<number>();

  /** record: rows changed on screen; pending until settle when the core has not answered yet. */
  record(ids: Iterable<string>, change: Partial<ItemSummary>, pending: boolean): void {
    for (const id of ids) {
      const old = this.byId.get(id);
      const edit: Edit = old ?? { change: {}, pending: 0, ackedAt: 0 };
      edit.change = { ...edit.change, ...change };
      if (pending) edit.pending++;
      else if (edit.pending === 0) edit.ackedAt = ++this.clock;
      this.byId.set(id, edit);
    }
  }

  /** settle: the core answered (either way) for these rows. */
  settle(ids: Iterable<string>): void {
    for (const id of ids) {
      const edit = this.byId.get(id);
      if (!edit || edit.pending === 0) continue;
      if (--edit.pending === 0) edit.ackedAt = ++this.clock;
    }
  }

  /** start: note a page request about to be sent; returns its tick for overlay and finish. */
  start(): number {
    const tick = ++this.clock;
    this.inflight.add(tick);
    return tick;
  }

  /** overlay: a page that was requested at `started`, with the changes it cannot contain yet. */
  overlay(items: ItemSummary[], started: number): ItemSummary[] {
    if (this.byId.size === 0) return items;
    return items.map((it) => {
      const edit = this.byId.get(it.id);
      // Acknowledged before this request left: the core's answer already has it.
      return edit && (edit.pending > 0 || edit.ackedAt > started) ? { ...it, ...edit.change } : it;
    });
  }

  /** finish: a request ended (answered, failed or outdated); forget edits no request can miss. */
  finish(started: number): void {
    this.inflight.delete(started);
    let oldest = Infinity;
    for (const t of this.inflight) oldest = Math.min(oldest, t);
    for (const [id, edit] of this.byId) if (edit.pending === 0 && edit.ackedAt < oldest) this.byId.delete(id);
  }

  /** size: edits still remembered (for tests). */
  get size(): number {
    return this.byId.size;
  }
}
