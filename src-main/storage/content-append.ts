// Appending to a line log durably: earlier bytes are never rewritten, and a line a crash left
// half-written is cut away before the next append so it never ends up in the middle.
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDir } from './atomic';

// Most records are a few KB: one small read usually finds the last line's start.
const CHUNK = 16 * 1024;

/**
 * soundLength: how many leading bytes of a log of `size` bytes to keep: all of them when it ends
 * in a newline after a line `isSound` accepts, else up to the end of the line before the torn one.
 */
export async function soundLength(fh: FileHandle, size: number, isSound: (line: string) => boolean): Promise<number> {
  if (size === 0) return 0;
  // Read backwards until the tail holds the newline before the last line (or the file's start).
  // Only the first `size` bytes count: a caller may have decided to cut the rest.
  let start = size;
  let tail = Buffer.alloc(0);
  const newlines = (): number[] => {
    const at: number[] = [];
    for (let i = tail.length - 1; i >= 0 && at.length < 2; i--) if (tail[i] === 0x0a) at.push(i);
    return at;
  };
  let nl = newlines();
  const endsInNewline = async (): Promise<void> => {
    while (start > 0) {
      const from = Math.max(0, start - CHUNK);
      const chunk = Buffer.alloc(start - from);
      await fh.read(chunk, 0, chunk.length, from);
      tail = Buffer.concat([chunk, tail]);
      start = from;
      nl = newlines();
      // Torn (no final newline): the last newline is enough; else the one before it too.
      if (tail[tail.length - 1] !== 0x0a ? nl.length >= 1 : nl.length >= 2) return;
    }
  };
  await endsInNewline();
  // The complete line before a torn one may be unreadable too (a torn write of several lines).
  if (tail[tail.length - 1] !== 0x0a) return nl.length ? soundLength(fh, start + nl[0]! + 1, isSound) : 0;
  const lineStart = nl.length >= 2 ? nl[1]! + 1 : 0;
  const line = tail.toString('utf8', lineStart, tail.length - 1);
  return isSound(line) ? size : start + lineStart;
}

/** AppendOptions: how appendLog treats the log's start and its tail. */
export interface AppendOptions {
  /** The first line of a new (or emptied) log, without its newline. */
  header: string;
  /** Whether a complete line is readable (a last line that is not gets cut away). */
  isSound: (line: string) => boolean;
  /** The log's size when last known to end soundly: a log still that size needs no check. */
  knownSize?: number;
}

/** appendLog: append lines (newline-terminated) to a log, creating it or cutting a torn tail first; resolves once durable with the new size. */
export async function appendLog(path: string, lines: string, opts: AppendOptions): Promise<number> {
  const fh = await open(path, 'a+', 0o600);
  let size: number;
  let data: string;
  try {
    size = (await fh.stat()).size;
    if (size > 0 && size !== opts.knownSize) {
      const keep = await soundLength(fh, size, opts.isSound);
      if (keep < size) {
        await fh.truncate(keep);
        size = keep;
      }
    }
    data = size === 0 ? `${opts.header}\n${lines}` : lines;
    // The handle appends: these bytes go after the existing ones, which stay untouched.
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  // A new log's name must survive a power cut too.
  if (size === 0) await syncDir(dirname(path));
  return size + Buffer.byteLength(data);
}
