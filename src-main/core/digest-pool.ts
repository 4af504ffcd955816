// Worker threads for digestFeed (digest.ts): parsing and sanitizing a cold refresh's thousands of
// articles is seconds of CPU that would otherwise freeze the UI and leave the second core idle.
// Runs digestFeed in place when no worker can be started, and for a job whose worker died (a
// document too large for the worker's capped heap): a worker never costs a feed its refresh.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { digestFeed, type Digest, type DigestInput } from './digest';

/** The worker entry: beside the bundle (electron-vite's `digest-worker` input), or the sources' loader (tsx, vitest). */
const ENTRIES = ['./digest-worker.js', '../digest-worker.js', './digest-worker.mjs'].map((p) => new URL(p, import.meta.url));
let entry: URL | undefined;

// A worker's heap is capped so that its garbage stays small (peak RSS is the app's, issue 3 §8);
// a feed too large for it is digested in place instead.
const WORKER_LIMITS = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 16 };

interface Job {
  input: DigestInput;
  started?: number;
  resolve(d: Digest): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  /** Jobs posted and not yet answered, in order (the worker answers in order). */
  jobs: Job[];
  lastReply?: number;
  rules?: DigestInput['rules'];
}

const slots: Slot[] = [];
const queue: Job[] = [];
let usable: boolean | undefined;
let recovered = 0;
const stats = { jobs: 0, busyMs: 0 };

/** digestPoolStats: jobs done in workers and the time workers spent on them (the refresh bench reports how busy they were). */
export function digestPoolStats(): { jobs: number; busyMs: number } {
  return { ...stats };
}

/** digestPoolRecoveries: how many jobs were digested in place because their worker died. */
export function digestPoolRecoveries(): number {
  return recovered;
}

/** digestPoolSize: how many worker threads digest feeds: TIDINGS_DIGEST_WORKERS if set (0 digests on the main thread in slices), else one when there is a second core. */
export function digestPoolSize(): number {
  const raw = process.env.TIDINGS_DIGEST_WORKERS;
  const set = raw === undefined || raw === '' ? NaN : Number(raw);
  if (Number.isInteger(set) && set >= 0) return Math.min(set, availableParallelism());
  // One: the main thread has the fetching, merging and writing to do, about as much again.
  return availableParallelism() >= 2 ? 1 : 0;
}

/** digestPoolEnabled: whether digestOffThread will use worker threads. */
export function digestPoolEnabled(): boolean {
  usable ??= digestPoolSize() > 0 && (entry = ENTRIES.find(entryExists)) !== undefined;
  return usable;
}

// Jobs posted to a worker ahead of its answers: the next document is waiting in its port when it
// finishes one, however long the main thread takes to read the answer.
const DEPTH = 2;

/** digestPoolHasRoom: whether a job sent now would be taken up without waiting for another (a worker with room, or one more may start). */
export function digestPoolHasRoom(): boolean {
  return digestPoolEnabled() && queue.length === 0 && (slots.some((s) => s.jobs.length < DEPTH) || slots.length < digestPoolSize());
}

/** digestOffThread: digestFeed in a worker thread (in place when workers are unavailable); rejects with the parser's message. */
export function digestOffThread(input: DigestInput): Promise<Digest> {
  if (!digestPoolEnabled()) return new Promise((ok) => ok(digestFeed(input)));
  return new Promise((resolve, reject) => {
    queue.push({ input, resolve, reject });
    pump();
  });
}

function entryExists(url: URL): boolean {
  try {
    return url.protocol === 'file:' && existsSync(fileURLToPath(url));
  } catch {
    return false;
  }
}

function pump(): void {
  while (queue.length) {
    let slot = slots.find((s) => s.jobs.length === 0) ?? slots.find((s) => s.jobs.length < DEPTH);
    if ((!slot || slot.jobs.length) && slots.length < digestPoolSize()) slot = spawn();
    if (!slot) return;
    const job = queue.shift()!;
    slot.jobs.push(job);
    job.started = performance.now();
    slot.worker.ref();
    // Rules go over once per change: the worker keeps them (and their compiled form) meanwhile.
    const rules = slot.rules === job.input.rules ? undefined : job.input.rules;
    slot.rules = job.input.rules;
    slot.worker.postMessage({ ...job.input, rules });
  }
}

function spawn(): Slot {
  const worker = new Worker(entry!, { resourceLimits: WORKER_LIMITS });
  const slot: Slot = { worker, jobs: [] };
  slots.push(slot);
  worker.on('message', (m: { digest?: Digest; error?: string }) => {
    const job = slot.jobs.shift();
    if (!slot.jobs.length) worker.unref();
    if (job) {
      const now = performance.now();
      stats.jobs++;
      stats.busyMs += now - Math.max(job.started ?? now, slot.lastReply ?? 0);
      slot.lastReply = now;
      if (m.digest) job.resolve(m.digest);
      else job.reject(new Error(m.error ?? 'digest: the worker returned nothing'));
    }
    pump();
  });
  const lost = () => {
    // The next job starts a fresh worker; the ones it held are digested in place.
    slots.splice(slots.indexOf(slot), 1);
    for (const job of slot.jobs.splice(0)) {
      recovered++;
      try {
        job.resolve(digestFeed(job.input));
      } catch (e) {
        job.reject(e instanceof Error ? e : new Error(String(e)));
      }
    }
    pump();
  };
  worker.on('error', lost);
  worker.on('exit', () => {
    if (slots.includes(slot)) lost();
  });
  worker.unref();
  return slot;
}
