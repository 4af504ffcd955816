// Shared by the crash tests: a child process that writes to a library is killed with SIGKILL at a
// random moment, round after round, and the library is checked after each kill. The next child
// starts while the current one runs, so its start-up overlaps the round.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../../helpers/paths';

/** Child: a started writer, the lines it printed, and when it said "ready". */
export interface Child {
  proc: ChildProcess;
  lines: string[];
  ready: Promise<void>;
}

/** startChild: run a tests/unit/storage child script on a library dir; it waits for "go" on stdin. */
export function startChild(script: string, dir: string, round: number): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'tests/unit/storage', script), dir, String(round)], {
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
    proc.on('exit', (code, sig) => reject(new Error(`${script} ended (${code ?? sig}) before it was ready`)));
  });
  ready.catch(() => undefined);
  return { proc, lines, ready };
}

/** killRounds: `kills` rounds of start, wait a random while, SIGKILL, then `afterKill` with the child's lines; returns how many kills landed with a write begun and not acknowledged. */
export async function killRounds(opts: {
  kills: number;
  start: (round: number) => Child;
  pauseMs: [number, number];
  afterKill: (lines: string[]) => Promise<void>;
}): Promise<number> {
  let next = opts.start(0);
  let inFlightKills = 0;
  const [min, spread] = opts.pauseMs;
  for (let round = 0; round < opts.kills; round++) {
    const cur = next;
    cur.proc.stdin!.write('go\n');
    await cur.ready;
    next = opts.start(round + 1);
    await new Promise((r) => setTimeout(r, min + Math.random() * spread));
    cur.proc.kill('SIGKILL');
    await new Promise((r) => (cur.proc.exitCode !== null || cur.proc.signalCode ? r(undefined) : cur.proc.on('exit', r)));
    // Writes in flight at the kill: begun, never acknowledged.
    const begun = new Set(cur.lines.filter((l) => l.startsWith('begin ')).map((l) => l.slice(6)));
    for (const l of cur.lines) if (l.startsWith('ack ')) begun.delete(l.slice(4));
    if (begun.size > 0) inFlightKills++;
    await opts.afterKill(cur.lines);
  }
  next.proc.kill('SIGKILL');
  return inFlightKills;
}
