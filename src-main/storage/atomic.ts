// Durable file replacement: a reader (or a crash) sees the old bytes or the new, never a mix.
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CoalescingWriter } from './coalesce';

let counter = 0;

/** TEMP_MARK: the infix of temp files; leftovers carrying it are ignored (and swept) at open. */
export const TEMP_MARK = '.tmp-';

/** tempPathFor: a unique temp file beside `path` (same directory, so rename is atomic). */
export function tempPathFor(path: string): string {
  counter = (counter + 1) % 1_000_000;
  return join(dirname(path), `.${basename(path)}${TEMP_MARK}${process.pid}-${counter}`);
}

/** writeAtomic: write data to a temp file, fsync it, rename it over path, fsync the directory. */
export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPathFor(path);
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(dirname(path));
}

/** removeDurable: delete a file (absent is fine) and fsync its directory. */
export async function removeDurable(path: string): Promise<void> {
  await unlink(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await syncDir(dirname(path));
}

const dirSyncs = new Map<string, CoalescingWriter>();

/** syncDir: fsync a directory so the renames and unlinks done in it so far survive a power cut; concurrent callers share one fsync. */
export function syncDir(dir: string): Promise<void> {
  let w = dirSyncs.get(dir);
  if (!w) dirSyncs.set(dir, (w = new CoalescingWriter(() => fsyncDir(dir))));
  return w.request();
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
