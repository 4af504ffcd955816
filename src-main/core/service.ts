// TEMPORARY while the modules it wires land (see service.ts.draft).
import type { OpenOptions, Reader } from './reader';

/** openReader: open (and lock) the library in opts.dataDir and serve ReaderApi over it. */
export async function openReader(opts: OpenOptions): Promise<Reader> {
  throw new Error(`service: not wired yet (${opts.dataDir})`);
}
