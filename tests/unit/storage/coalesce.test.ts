import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src-main/storage/store';
import { CoalescingWriter } from '../../../src-main/storage/coalesce';
import type { Store } from '../../../src-main/storage/types';
import { headOnDisk, makeItem, tempDir } from './fixtures';

let dir: string;
let cleanup: () => Promise<void>;
let store: Store;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  store = await openStore(dir);
});
afterEach(async () => {
  await store.close();
  await cleanup();
});

const writes = () => (store as unknown as { writeCount(): Promise<number> }).writeCount();

/** The read flags of a feed's items as on disk now: the shard's head, then the journal's complete lines over it. */
function readOnDisk(feedId: string): Map<string, boolean> {
  const head = headOnDisk(dir, feedId);
  const flags = new Map(head.ids.map((id, i) => [id, (head.flags[i]! & 1) === 1]));
  const journals = readdirSync(dir).filter((n) => /^journal-\d+\.log$/.test(n)).sort((a, b) => parseInt(a.slice(8)) - parseInt(b.slice(8)));
  for (const j of journals) {
    const lines = readFileSync(join(dir, j), 'utf8').split('\n');
    lines.pop();
    for (const l of lines) for (const [id, f] of JSON.parse(l) as [string, number][]) if (flags.has(id)) flags.set(id, (f & 1) === 1);
  }
  return flags;
}

describe('coalesced writes', () => {
  it('turn 1,000 mark-read calls into a few writes, each resolving only once its change is on disk', async () => {
    const items = Array.from({ length: 1000 }, (_, n) => makeItem('f1', n));
    await store.putItems({ feedId: 'f1', items, content: new Map() });
    const before = await writes();
    const checks: Promise<void>[] = [];
    for (const it of items) {
      const p = store.patchItems([it.id], (x) => ((x.read = true), true));
      // Reading the file back for every call would take seconds; every 25th proves the point.
      checks.push(p.then(() => (Number(it.id.split('-i')[1]) % 25 === 0 ? expect(readOnDisk('f1').get(it.id)).toBe(true) : undefined)));
    }
    await Promise.all(checks);
    const used = (await writes()) - before;
    expect(used).toBeGreaterThanOrEqual(1);
    expect(used).toBeLessThanOrEqual(3);
    expect([...readOnDisk('f1').values()].every(Boolean)).toBe(true);
  });

  it('serialize writes that come while one is running, and merge them into one more', async () => {
    await store.putItems({ feedId: 'f1', items: [makeItem('f1', 1), makeItem('f1', 2), makeItem('f1', 3)], content: new Map() });
    const before = await writes();
    const first = store.patchItems(['f1-i1'], (x) => ((x.read = true), true));
    await new Promise((r) => setImmediate(r));
    // The first write is now running; these two share the next one.
    const second = store.patchItems(['f1-i2'], (x) => ((x.read = true), true));
    const third = store.patchItems(['f1-i3'], (x) => ((x.read = true), true));
    await Promise.all([first, second, third]);
    expect((await writes()) - before).toBe(2);
    expect([...readOnDisk('f1').values()]).toEqual([true, true, true]);
  });

  it('reject every waiter of a failed write, and write again on the next request', async () => {
    let calls = 0;
    const w = new CoalescingWriter(async () => {
      calls++;
      if (calls === 1) throw new Error('disk full');
    });
    const a = w.request();
    const b = w.request();
    await expect(a).rejects.toThrow('disk full');
    await expect(b).rejects.toThrow('disk full');
    await w.request();
    expect(calls).toBe(2);
    expect(w.busy).toBe(false);
  });

  it('write library.json changes made in one burst once', async () => {
    const before = await writes();
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.updateLibrary((lib) => lib.folders.push(`F${i}`))));
    expect((await writes()) - before).toBe(1);
    const onDisk = JSON.parse(readFileSync(join(dir, 'library.json'), 'utf8'));
    expect(onDisk.folders).toHaveLength(50);
  });
});
