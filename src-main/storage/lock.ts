// A lock file that keeps a second process (the CLI while the app runs, say) from writing the library.
import { openSync, closeSync, writeSync, readFileSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** LOCK_FILE: the lock's name inside the data dir. */
export const LOCK_FILE = 'tidings.lock';

/** StoreLockedError: another live process holds the library. */
export class StoreLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
    readonly since?: string,
  ) {
    super(
      `storage: the library in ${dir} is in use by process ${pid}` +
        ` (${since ? `since ${since}; ` : ''}close the other Tidings — app, CLI or server — first, or use another --data-dir)`,
    );
    this.name = 'StoreLockedError';
  }
}

interface LockInfo {
  pid: number;
  host?: string;
  since?: string;
}

const heldHere = new Set<string>();

/** acquireLock: take the lock of dir or throw StoreLockedError; a lock whose owner is dead is recovered. */
export function acquireLock(dir: string, now: Date): () => void {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, now)) {
      heldHere.add(path);
      return () => release(path);
    }
    const info = readLock(path);
    if (info && isAlive(info) && (info.pid !== process.pid || heldHere.has(path))) {
      throw new StoreLockedError(dir, info.pid, info.since);
    }
    // Stale (dead owner, unreadable, or a leftover of this very pid): take it over.
    try {
      unlinkSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  throw new Error(`storage: could not take the lock ${path}`);
}

function tryCreate(path: string, now: Date): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    const info: LockInfo = { pid: process.pid, host: hostname(), since: now.toISOString() };
    // No fsync: the lock only matters while its owner lives, and after a power cut every owner is dead.
    writeSync(fd, JSON.stringify(info));
  } finally {
    closeSync(fd);
  }
  return true;
}

function readLock(path: string): LockInfo | undefined {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    return typeof v.pid === 'number' && v.pid > 0 ? (v as LockInfo) : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(info: LockInfo): boolean {
  // A lock from another machine (a synced folder) cannot be checked: treat it as held.
  if (info.host && info.host !== hostname()) return true;
  try {
    process.kill(info.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function release(path: string): void {
  heldHere.delete(path);
  try {
    const info = readLock(path);
    if (info?.pid === process.pid) unlinkSync(path);
  } catch {
    // Already gone: nothing to release.
  }
}
