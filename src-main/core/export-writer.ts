// New export files are written in the background, a bounded number at a time: creating a file is
// kernel work (inode allocation, which on a busy ext4 can cost more than rendering the item) best
// done on the other core while the main thread renders the next items. A large export hands its
// files to one writer thread in batches (a few microseconds each on the main thread); a small one
// uses libuv's pool through callbacks (four round trips per file, no thread to start).
import { rename, unlink, writeFile } from 'node:fs';
import { Worker } from 'node:worker_threads';

type Done = (err: NodeJS.ErrnoException | null) => void;

/** FileWriter: atomic writes (temp file, then rename) in flight in the background, a bounded number at once. */
export interface FileWriter {
  /** Resolves once a write may start without exceeding the limit. */
  ready(): Promise<void>;
  /** Write text to path through a temp file and a rename; done gets the error, if any, once the file is in place (or not). */
  write(path: string, text: string, done: Done): void;
  /** Resolves when every write started has finished; the writer is not used after. */
  drain(): Promise<void>;
}

// A temp name nobody else picks; `wx` never writes through one that somehow exists (a planted link).
const tempFor = (path: string) => `${path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;

/** Files from which an export starts a writer thread (below, starting one costs more than it saves). */
export const THREAD_FROM = 300;

/** openFileWriter: the writer for an export of about `files` new files. */
export function openFileWriter(files: number): FileWriter {
  if (files >= THREAD_FROM) {
    try {
      return createThreadWriter();
    } catch {
      // No worker threads in this host: the callback writer does the same, with more main-thread work.
    }
  }
  return createFileWriter();
}

function gate(limit: number) {
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  const wait = (until: () => boolean): Promise<void> =>
    until() ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(() => void wait(until).then(resolve)));
  return {
    start: () => void inFlight++,
    finish(done: Done, err: NodeJS.ErrnoException | null) {
      inFlight--;
      try {
        done(err);
      } finally {
        const ws = waiters;
        waiters = [];
        for (const w of ws) w();
      }
    },
    full: () => inFlight >= limit,
    ready: () => wait(() => inFlight < limit),
    drain: () => wait(() => inFlight === 0),
  };
}

// One atomic write on libuv's pool: four round trips (open, write, close, rename).
function writeViaPool(path: string, text: string, done: Done): void {
  const tmp = tempFor(path);
  writeFile(tmp, text, { flag: 'wx' }, (err) => {
    // EEXIST means the name belongs to someone else: it is left alone.
    if (err) return err.code === 'EEXIST' ? done(err) : unlink(tmp, () => done(err));
    rename(tmp, path, (err2) => (err2 ? unlink(tmp, () => done(err2)) : done(null)));
  });
}

/** createFileWriter: a FileWriter on libuv's thread pool, at most limit writes in flight. */
export function createFileWriter(limit = 16): FileWriter {
  const g = gate(limit);
  return {
    ready: g.ready,
    drain: g.drain,
    write(path, text, done) {
      g.start();
      writeViaPool(path, text, (err) => g.finish(done, err));
    },
  };
}

// The writer thread's whole program: plain CommonJS with Node built-ins only, so it runs the same
// under tsx, vitest and the bundled Electron main process, with no entry file for a bundler to find.
const THREAD_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { renameSync, unlinkSync, writeFileSync } = require('node:fs');
const failed = (id, e) => ({ id, code: e.code, message: e.message });
parentPort.on('message', (batch) => {
  parentPort.postMessage(batch.map(({ id, path, tmp, text }) => {
    try {
      writeFileSync(tmp, text, { flag: 'wx' });
    } catch (e) {
      if (e.code !== 'EEXIST') try { unlinkSync(tmp); } catch {}
      return failed(id, e);
    }
    try {
      renameSync(tmp, path);
      return { id };
    } catch (e) {
      try { unlinkSync(tmp); } catch {}
      return failed(id, e);
    }
  }));
});
`;

interface Job {
  id: number;
  path: string;
  tmp: string;
  text: string;
}
interface Result {
  id: number;
  code?: string;
  message?: string;
}

/** createThreadWriter: a FileWriter backed by one worker thread fed in batches, at most limit files unacknowledged; if the thread fails, its files go through libuv's pool instead. */
export function createThreadWriter(limit = 256, batchSize = 32, program = THREAD_SOURCE): FileWriter {
  const g = gate(limit);
  // No tsx or other loader in the thread: its program is plain JavaScript.
  const worker = new Worker(program, { eval: true, execArgv: [] });
  const pending = new Map<number, { job: Job; done: Done }>();
  let batch: Job[] = [];
  let nextId = 0;
  let failed = false;
  const flush = () => {
    if (!batch.length || failed) return;
    worker.postMessage(batch);
    batch = [];
  };
  const settle = (id: number, err: NodeJS.ErrnoException | null) => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    g.finish(p.done, err);
  };
  worker.on('message', (results: Result[]) => {
    for (const r of results) settle(r.id, r.code || r.message ? Object.assign(new Error(r.message ?? r.code), { code: r.code }) : null);
  });
  // Writing a file again is harmless (same text, same atomic rename), so every file the thread
  // did not confirm is handed to the pool: a broken thread costs speed, never a file.
  const fallBack = () => {
    if (failed) return;
    failed = true;
    batch = [];
    for (const [id, { job }] of pending) writeViaPool(job.path, job.text, (err) => settle(id, err));
  };
  worker.on('error', fallBack);
  worker.on('exit', () => {
    if (pending.size) fallBack();
  });
  return {
    ready() {
      // Waiting with a partial batch unsent could wait for nothing.
      if (g.full()) flush();
      return g.ready();
    },
    async drain() {
      flush();
      await g.drain();
      await worker.terminate();
    },
    write(path, text, done) {
      g.start();
      const id = nextId++;
      const job = { id, path, tmp: tempFor(path), text };
      pending.set(id, { job, done });
      if (failed) return writeViaPool(path, text, (err) => settle(id, err));
      batch.push(job);
      if (batch.length >= batchSize) flush();
    },
  };
}
