// Our lowdb adapter: lowdb holds the document, this class reads and writes it durably.
import { readFile } from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import { writeAtomic } from './atomic';

/** Codec: how one kind of file turns into its document and back; decode throws DamageError. */
export interface Codec<T> {
  decode(text: string, file: string): T;
  encode(data: T): string | Uint8Array;
}

/** DurableFile: a lowdb Adapter whose write is atomic and durable and whose read refuses damage. */
export class DurableFile<T> implements Adapter<T> {
  constructor(
    readonly path: string,
    private readonly codec: Codec<T>,
    /** The name used in messages (relative to the library). */
    readonly name: string = path,
  ) {}

  /** read: the document, or null when the file does not exist; damage throws (never null). */
  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return this.codec.decode(text, this.name);
  }

  /** write: encode and replace the file atomically, resolving once durable. */
  async write(data: T): Promise<void> {
    await writeAtomic(this.path, this.codec.encode(data));
  }
}
