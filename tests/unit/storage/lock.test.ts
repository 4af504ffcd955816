import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, StoreLockedError } from '../../../src-main/storage/store';
import { REPO } from '../../helpers/paths';
import { tempDir } from './fixtures';

let dir: string;
let cleanup: () => Promise<void>;
const children: ChildProcess[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  await cleanup();
});

/** Start lock-child.ts on dir; resolves with its first line of output. */
function child(): Promise<{ proc: ChildProcess; line: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'tests/unit/storage/lock-child.ts'), dir], { cwd: REPO, stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(proc);
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve({ proc, line: out.split('\n')[0]! });
    });
    proc.on('exit', (code) => reject(new Error(`lock-child exited with ${code} before answering: ${out}`)));
  });
}

function exited(proc: ChildProcess): Promise<void> {
  return proc.exitCode !== null ? Promise.resolve() : new Promise((r) => proc.on('exit', () => r()));
}

describe('the library lock', () => {
  it('gives a second process a clear message naming the holder', async () => {
    const store = await openStore(dir);
    try {
      const { line } = await child();
      expect(line).toBe(
        `error: storage: the library in ${dir} is in use by process ${process.pid} ` +
          `(since ${JSON.parse(await readFile(join(dir, 'tidings.lock'), 'utf8')).since}; close the other Tidings — app, CLI or server — first, or use another --data-dir)`,
      );
    } finally {
      await store.close();
    }
  }, 20_000);

  it('stops this process while another holds it, and recovers the lock once that process is killed', async () => {
    const { proc, line } = await child();
    expect(line).toBe('opened');
    const err = await openStore(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreLockedError);
    expect((err as StoreLockedError).pid).toBe(proc.pid);
    expect((err as Error).message).toContain(`in use by process ${proc.pid}`);
    proc.kill('SIGKILL');
    await exited(proc);
    // The dead holder left its lock file behind: it is stale and taken over.
    const lock = JSON.parse(await readFile(join(dir, 'tidings.lock'), 'utf8'));
    expect(lock.pid).toBe(proc.pid);
    const store = await openStore(dir);
    expect(JSON.parse(await readFile(join(dir, 'tidings.lock'), 'utf8')).pid).toBe(process.pid);
    await store.close();
  }, 20_000);

  it('recovers a stale lock with a dead pid or garbage in it, and a released lock', async () => {
    const dead = spawn(process.execPath, ['-e', '']);
    await exited(dead);
    await writeFile(join(dir, 'tidings.lock'), JSON.stringify({ pid: dead.pid, since: '2020-01-01T00:00:00Z' }));
    let store = await openStore(dir);
    await store.close();
    await writeFile(join(dir, 'tidings.lock'), '\0\0\0');
    store = await openStore(dir);
    await store.close();
    store = await openStore(dir);
    await store.close();
  });

  it('refuses a second open in the same process until the first is closed', async () => {
    const store = await openStore(dir);
    await expect(openStore(dir)).rejects.toBeInstanceOf(StoreLockedError);
    await store.close();
    const again = await openStore(dir);
    await again.close();
  });
});
