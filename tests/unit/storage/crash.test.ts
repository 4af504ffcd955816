// Issue 4 §7: SIGKILL a process running the real store at random moments, at least 50 times, and
// check after each kill that the library opens and holds every acknowledged write, and for every
// write in flight either the old or the new state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src-main/storage/store';
import { tempDir } from './fixtures';
import { killRounds, startChild } from './kill-rounds';

const KILLS = 50;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(async () => {
  await cleanup();
});

interface Ledger {
  begunPut: Set<string>;
  ackedPut: Set<string>;
  ackedRead: Set<string>;
  begunLib: Set<string>;
  ackedLib: Set<string>;
}


function record(ledger: Ledger, lines: string[]): void {
  for (const l of lines) {
    const [phase, kind, ...ids] = l.split(' ');
    if (kind === 'put') for (const id of ids) (phase === 'ack' ? ledger.ackedPut : ledger.begunPut).add(id);
    if (kind === 'read' && phase === 'ack') ledger.ackedRead.add(ids[0]!);
    if (kind === 'lib') (phase === 'ack' ? ledger.ackedLib : ledger.begunLib).add(ids[0]!);
  }
}

async function verify(ledger: Ledger): Promise<void> {
  const store = await openStore(dir);
  try {
    expect(store.notices).toEqual([]);
    for (const id of ledger.ackedPut) expect(store.getItem(id), `acknowledged item ${id}`).toBeDefined();
    for (const id of ledger.ackedRead) expect(store.getItem(id)?.read, `acknowledged read of ${id}`).toBe(true);
    // Every item present is whole (old or new state, never a torn one) and has its content.
    for (const it of store.allItems()) {
      expect(ledger.begunPut.has(it.id), `unknown item ${it.id}`).toBe(true);
      const n = it.id.split('-')[1];
      expect(it.title).toBe(`T ${n}`);
      expect(it.summary).toBe(`S ${n} `.repeat(20));
      expect(await store.getContent(it.id)).toBe(`<p>C ${it.id}</p>`);
    }
    const folders = new Set(store.library().folders);
    for (const f of ledger.ackedLib) expect(folders.has(f), `acknowledged folder ${f}`).toBe(true);
    for (const f of folders) expect(ledger.begunLib.has(f)).toBe(true);
    // The counters agree with the items.
    const all = [...store.allItems()];
    expect(store.tallyAll()).toEqual({ total: all.length, unread: all.filter((i) => !i.read).length, starred: 0 });
  } finally {
    await store.close();
  }
}

describe('the store under SIGKILL', () => {
  it(`keeps every acknowledged write and never tears one, over ${KILLS} kills`, async () => {
    const ledger: Ledger = { begunPut: new Set(), ackedPut: new Set(), ackedRead: new Set(), begunLib: new Set(), ackedLib: new Set() };
    const inFlightKills = await killRounds({
      kills: KILLS,
      start: (round) => startChild('crash-child.ts', dir, round),
      pauseMs: [5, 120],
      afterKill: async (lines) => {
        record(ledger, lines);
        await verify(ledger);
      },
    });
    // The kills landed while writes were running, and real work was acknowledged.
    expect(inFlightKills).toBeGreaterThan(KILLS / 2);
    expect(ledger.ackedPut.size).toBeGreaterThan(KILLS * 3);
    expect(ledger.ackedRead.size).toBeGreaterThan(KILLS);
  }, 120_000);
});
