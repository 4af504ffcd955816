// Worker threads for digestFeed (digest.ts): parsing and sanitizing a cold refresh's thousands of
// articles is seconds of CPU that would otherwise freeze the UI and leave the second core idle.
// Runs digestFeed in place when no worker can be started (a bundle without the worker file).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { digestFeed, type Digest, type DigestInput } from './digest';

/** The worker entry; present when running from the sources (tsx, vitest), not inside a bundle. */
const ENTRY = new URL('./digest-worker.mjs', import.meta.url);

interface Job {
  input: DigestInput;
  resolve(d: Digest): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  job?: Job;
  rules?: DigestInput['rules'];
}

const slots: Slot[] = [];
const queue: Job[] = [];
let usable: boolean | undefined;

/** digestPoolSize: how many worker threads digest feeds: TIDINGS_DIGEST_WORKERS (0, the default, digests on the main thread in slices). */
export function digestPoolSize(): number {
  // Off by default: each worker holds its own heap and jsdom (~100 MB), and on the 2-core machines
  // measured (bench/refresh.ts) the second core was not free enough to pay for it.
  const set = Number(process.env.TIDINGS_DIGEST_WORKERS);
  return Number.isInteger(set) && set > 0 ? Math.min(set, availableParallelism()) : 0;
}

/** digestPoolEnabled: whether digestOffThread will use worker threads. */
export function digestPoolEnabled(): boolean {
  usable ??= digestPoolSize() > 0 && entryExists();
  return usable;
}

/** digestOffThread: digestFeed in a worker thread (in place when workers are unavailable); rejects with the parser's message. */
export function digestOffThread(input: DigestInput): Promise<Digest> {
  if (!digestPoolEnabled()) return new Promise((ok) => ok(digestFeed(input)));
  return new Promise((resolve, reject) => {
    queue.push({ input, resolve, reject });
    pump();
  });
}

function entryExists(): boolean {
  try {
    return ENTRY.protocol === 'file:' && existsSync(fileURLToPath(ENTRY));
  } catch {
    return false;
  }
}

function pump(): void {
  while (queue.length) {
    let slot = slots.find((s) => !s.job);
    if (!slot && slots.length < digestPoolSize()) slot = spawn();
    if (!slot) return;
    const job = queue.shift()!;
    slot.job = job;
    slot.worker.ref();
    // Rules go over once per change: the worker keeps them (and their compiled form) meanwhile.
    const rules = slot.rules === job.input.rules ? undefined : job.input.rules;
    slot.rules = job.input.rules;
    slot.worker.postMessage({ ...job.input, rules });
  }
}

function spawn(): Slot {
  const worker = new Worker(ENTRY);
  const slot: Slot = { worker };
  slots.push(slot);
  worker.on('message', (m: { digest?: Digest; error?: string }) => {
    const job = slot.job;
    slot.job = undefined;
    worker.unref();
    if (job) {
      if (m.digest) job.resolve(m.digest);
      else job.reject(new Error(m.error ?? 'digest: the worker returned nothing'));
    }
    pump();
  });
  const lost = (e: Error) => {
    // A dead worker fails only the feed it was digesting; the next job starts a fresh one.
    slots.splice(slots.indexOf(slot), 1);
    slot.job?.reject(new Error(`digest: worker stopped: ${e.message}`));
    slot.job = undefined;
    pump();
  };
  worker.on('error', lost);
  worker.on('exit', (code) => {
    if (slots.includes(slot)) lost(new Error(`exit code ${code}`));
  });
  worker.unref();
  return slot;
}
