// SIGKILL a process writing content files at random moments and check after each kill that every
// acknowledged change is there, every change in flight is either there or not, and nothing is
// reported damaged: a torn append is a write that never happened.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentShards } from '../../../src-main/storage/content';
import { REPO } from '../../helpers/paths';
import { tempDir } from './fixtures';
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

function startChild(round: number): { proc: ChildProcess; lines: string[]; ready: Promise<void> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'tests/unit/storage/content-crash-child.ts'), dir, String(round)], {
    cwd: REPO,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  let buf = '';
  const ready = new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      for (const l of parts) {
        if (l === 'ready') resolve();
        else lines.push(l);
      }
    });
    proc.on('exit', (code, sig) => reject(new Error(`content-crash-child ended (${code ?? sig}) before it was ready`)));
  });
  ready.catch(() => undefined);
  return { proc, lines, ready };
}

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
    let next = startChild(0);
    let inFlightKills = 0;
    for (let round = 0; round < KILLS; round++) {
      const cur = next;
      cur.proc.stdin!.write('go\n');
      await cur.ready;
      next = startChild(round + 1);
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 150));
      cur.proc.kill('SIGKILL');
      await new Promise((r) => (cur.proc.exitCode !== null || cur.proc.signalCode ? r(undefined) : cur.proc.on('exit', r)));
      record(ledger, cur.lines);
      const begun = new Set(cur.lines.filter((l) => l.startsWith('begin ')).map((l) => l.slice(6)));
      for (const l of cur.lines) if (l.startsWith('ack ')) begun.delete(l.slice(4));
      if (begun.size > 0) inFlightKills++;
      await verify(ledger);
    }
    next.proc.kill('SIGKILL');
    expect(inFlightKills).toBeGreaterThan(KILLS / 2);
    const acked = (kind: string) => [...ledger.values()].filter((e) => e.acked.has(kind)).length;
    expect(acked('set')).toBeGreaterThan(KILLS * 10);
    expect(acked('del')).toBeGreaterThan(KILLS);
  }, 120_000);
});
