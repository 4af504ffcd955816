// Bounded concurrency for refreshes: at most `total` tasks at once and at most `perHost` per
// host, so one slow site cannot hog the run and no site gets hammered.

export interface HostTask<T> {
  host: string;
  run: () => Promise<T>;
}

/** runScheduled: run tasks with an overall and a per-host limit; results in input order (settled, never throws). */
export async function runScheduled<T>(tasks: readonly HostTask<T>[], total: number, perHost: number): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(tasks.length);
  const pending = tasks.map((t, i) => ({ t, i }));
  const busy = new Map<string, number>();
  let running = 0;
  const limit = Math.max(1, total);
  const hostLimit = Math.max(1, perHost);
  return new Promise((resolve) => {
    const pump = (): void => {
      if (pending.length === 0 && running === 0) return resolve(results);
      for (let k = 0; k < pending.length && running < limit; ) {
        const { t, i } = pending[k]!;
        if ((busy.get(t.host) ?? 0) >= hostLimit) {
          k++;
          continue;
        }
        pending.splice(k, 1);
        running++;
        busy.set(t.host, (busy.get(t.host) ?? 0) + 1);
        Promise.resolve()
          .then(t.run)
          .then(
            (value) => (results[i] = { status: 'fulfilled', value }),
            (reason: unknown) => (results[i] = { status: 'rejected', reason }),
          )
          .finally(() => {
            running--;
            busy.set(t.host, (busy.get(t.host) ?? 1) - 1);
            pump();
          });
      }
    };
    pump();
  });
}

/** hostOf: the host part of a URL used as the per-host key (`''` when unparsable). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return '';
  }
}
