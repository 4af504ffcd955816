// One writer per file: writes never overlap, and a burst of requests shares one write.

interface Waiter {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function waiter(): Waiter {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** CoalescingWriter: serializes writes of one file and merges the requests made meanwhile. */
export class CoalescingWriter {
  private running: Promise<void> | undefined;
  private pending: Waiter | undefined;
  /** Number of writes actually performed (tests count them). */
  writes = 0;

  constructor(private readonly write: () => Promise<void>) {}

  /** request: resolves once a write that started after this call is durable. */
  request(): Promise<void> {
    if (!this.pending) {
      this.pending = waiter();
      // Start on a later microtask so the synchronous burst that follows shares this write.
      if (!this.running) queueMicrotask(() => this.kick());
    }
    return this.pending.promise;
  }

  /** busy: a write is pending or running. */
  get busy(): boolean {
    return this.running !== undefined || this.pending !== undefined;
  }

  /** idle: resolves when nothing is pending or running. */
  async idle(): Promise<void> {
    while (this.running || this.pending) {
      await (this.pending?.promise ?? this.running)?.catch(() => undefined);
    }
  }

  private kick(): void {
    const w = this.pending;
    if (!w || this.running) return;
    this.pending = undefined;
    this.writes++;
    const settle = (): void => {
      this.running = undefined;
      if (this.pending) this.kick();
    };
    let started: Promise<void>;
    try {
      started = this.write();
    } catch (err) {
      started = Promise.reject(err);
    }
    this.running = started.then(
      () => (settle(), w.resolve()),
      (err: unknown) => (settle(), w.reject(err)),
    );
  }
}
