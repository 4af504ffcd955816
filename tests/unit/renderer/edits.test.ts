import { describe, expect, it } from 'vitest';
import type { ItemSummary } from '../../../src-main/ipc/contract';
import { Edits } from '../../../src-renderer/src/lib/edits';

const row = (id: string, read = false): ItemSummary => ({ id, read, starred: false }) as ItemSummary;

describe('Edits', () => {
  it('keeps a mark-read on a page that was requested before the core acknowledged it', () => {
    const e = new Edits();
    const before = e.start();
    e.record(['a'], { read: true }, true);
    e.settle(['a']);
    const page = e.overlay([row('a'), row('b')], before);
    expect(page.map((r) => r.read)).toEqual([true, false]);
    e.finish(before);
  });

  it('lays a pending change over any page, and none over a page requested after the acknowledgement', () => {
    const e = new Edits();
    e.record(['a'], { read: true }, true);
    const during = e.start();
    expect(e.overlay([row('a')], during)[0]!.read).toBe(true);
    e.finish(during);
    e.settle(['a']);
    const after = e.start();
    // The core answered before this request left, so its answer (here: unread again, by someone else) wins.
    expect(e.overlay([row('a', false)], after)[0]!.read).toBe(false);
    e.finish(after);
    expect(e.size).toBe(0);
  });

  it('remembers an acknowledged change while an older request is still in flight', () => {
    const e = new Edits();
    const old = e.start();
    e.record(['a'], { starred: true }, false);
    const fresh = e.start();
    e.finish(fresh);
    expect(e.size).toBe(1);
    expect(e.overlay([row('a')], old)[0]!.starred).toBe(true);
    e.finish(old);
    expect(e.size).toBe(0);
  });

  it('stays pending until every overlapping change of a row is settled', () => {
    const e = new Edits();
    e.record(['a'], { read: true }, true);
    e.record(['a'], { read: false }, true);
    e.settle(['a']);
    const t = e.start();
    expect(e.overlay([row('a', true)], t)[0]!.read).toBe(false);
    e.finish(t);
    expect(e.size).toBe(1);
  });
});
