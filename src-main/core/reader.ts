// What a host (the Electron shell, `tidings serve`, the CLI) gets when it opens a library.
import type { ReaderApi, ReaderEvent } from '../ipc/contract';

/** Reader: the core service plus its event stream, bound to one data dir. */
export interface Reader {
  readonly dataDir: string;
  readonly api: ReaderApi;
  /** What opening found and set right: damaged files moved aside, migrations done. */
  readonly notices: readonly { file: string; message: string }[];
  /** Subscribe to push events; returns the unsubscribe function. */
  onEvent(listener: (e: ReaderEvent) => void): () => void;
  /** Flush pending writes and release the library lock. */
  close(): Promise<void>;
}

export interface OpenOptions {
  dataDir: string;
  /** Clock for tests. */
  now?: () => Date;
  /** Run the background jobs a long-lived host wants (the app, `serve`): refresh on start and on
   * the settings' interval, retention pruning. The one-shot CLI leaves them off. */
  background?: boolean;
}
