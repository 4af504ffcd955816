// The date order stays exact however entries arrive: built once, then fed by additions (merged
// in when read), removals and date changes.
import { describe, expect, it } from 'vitest';
import { byDate, Entry, MemoryIndex } from '../../../src-main/storage/memory-index';

function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

const ids = (l: readonly Entry[]) => l.map((e) => e.id);

describe('MemoryIndex date order', () => {
  it('equals a full sort after additions, removals and date changes in any mix', () => {
    const rand = rng(7);
    const index = new MemoryIndex();
    const live: Entry[] = [];
    const make = (k: number) => new Entry(`id-${k}`, `feed-${k % 5}`, Math.floor(rand() * 1000), false, false, []);
    for (let k = 0; k < 200; k++) live.push(make(k)), index.add(live[k]!);
    expect(ids(index.sorted())).toEqual(ids([...live].sort(byDate)));
    let next = 200;
    for (let round = 0; round < 40; round++) {
      const adds = Math.floor(rand() * 30);
      for (let k = 0; k < adds; k++) {
        const e = make(next++);
        live.push(e);
        index.add(e);
      }
      if (round % 7 === 3) {
        const gone = live.splice(Math.floor(rand() * live.length), 1)[0]!;
        index.remove(gone);
      }
      if (round % 11 === 5) {
        const e = live[Math.floor(rand() * live.length)]!;
        const before = index.snapshot(e);
        e.pub = Math.floor(rand() * 1000);
        index.changed(e, before);
      }
      const order = round % 2 ? index.cachedSorted() ?? index.sorted() : index.sorted();
      expect(ids(order)).toEqual(ids([...live].sort(byDate)));
    }
  });

  it('puts thousands of newest additions in front of an existing order', () => {
    const index = new MemoryIndex();
    for (let k = 0; k < 1000; k++) index.add(new Entry(`old-${k}`, 'f', k, false, false, []));
    index.sorted();
    for (let k = 0; k < 3000; k++) index.add(new Entry(`new-${k}`, 'f', 10_000 + k, false, false, []));
    const order = index.sorted();
    expect(order).toHaveLength(4000);
    expect(order[0]!.id).toBe('new-2999');
    expect(order[2999]!.id).toBe('new-0');
    expect(order[3000]!.id).toBe('old-999');
    expect(index.cachedSorted()).toBe(order);
  });
});
