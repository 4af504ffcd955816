// SIGKILL a process writing content files at random moments and check after each kill that every
// acknowledged change is there, every change in flight is either there or not, and nothing is
// reported damaged: a torn append is a write that never happened.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentShards } from '../../../src-main/storage/content';
import { tempDir } from './fixtures';
import { killRounds, startChild } from './kill-rounds';
import { fullOf, textOf } from './content-crash-child';

const KILLS = 24;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  await mkdir(join(dir, 'content'));
});
afterAll(async () => {
  await cleanup();
});


/** What each id went through, over every round: the changes begun and those acknowledged. */
type Ledger = Map<string, { begun: Set<string>; acked: Set<string> }>;

function record(ledger: Ledger, lines: string[]): void {
  for (const l of lines) {
    const [phase, kind, ...ids] = l.split(' ');
    expect(phase, l).not.toBe('notice');
    for (const id of ids) {
      let e = ledger.get(id);
      if (!e) ledger.set(id, (e = { begun: new Set(), acked: new Set() }));
      (phase === 'ack' ? e.acked : e.begun).add(kind!);
    }
  }
}

async function verify(ledger: Ledger): Promise<void> {
  const notices: string[] = [];
  const c = new ContentShards(dir, (file, message) => notices.push(`${file}: ${message}`), () => new Date());
  for (const [id, e] of ledger) {
    const feedId = id.split('-')[0]!;
    const text = await c.get(feedId, id);
    const full = await c.getFull(feedId, id);
    if (e.acked.has('del')) {
      expect(text, `removed ${id}`).toBeUndefined();
      expect(full, `removed ${id}`).toBeUndefined();
      continue;
    }
    const mayBeGone = e.begun.has('del');
    if (e.acked.has('set') && !mayBeGone) expect(text, `acknowledged ${id}`).toBe(textOf(id));
    else expect([undefined, textOf(id)], `in flight ${id}`).toContain(text);
    if (e.acked.has('full') && !mayBeGone) expect(full, `acknowledged full ${id}`).toEqual({ html: fullOf(id) });
    else expect([undefined, fullOf(id)], `in flight full ${id}`).toContain(full?.html);
  }
  await c.idle();
  expect(notices).toEqual([]);
}

describe('content files under SIGKILL', () => {
  it(`keep every acknowledged change and report nothing damaged, over ${KILLS} kills`, async () => {
    const ledger: Ledger = new Map();
    const inFlightKills = await killRounds({
      kills: KILLS,
      start: (round) => startChild('content-crash-child.ts', dir, round),
      pauseMs: [20, 150],
      afterKill: async (lines) => {
        record(ledger, lines);
        await verify(ledger);
      },
    });
    expect(inFlightKills).toBeGreaterThan(KILLS / 2);
    const acked = (kind: string) => [...ledger.values()].filter((e) => e.acked.has(kind)).length;
    expect(acked('set')).toBeGreaterThan(KILLS * 10);
    expect(acked('del')).toBeGreaterThan(KILLS);
  }, 120_000);
});
