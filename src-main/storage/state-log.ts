// The read/starred journal. Marking items read changes a few bits per item; rewriting their shards
// for it would cost one atomic file write per feed (1,000 for "mark all as read"). Instead the
// changes are appended to a journal file and fdatasync'ed — one small durable write per burst —
// and folded into the shards later (compaction). The journal is replayed at open; a line torn by a
// crash was never acknowledged and is ignored. Files: journal-<generation>.log in the data dir;
// compaction starts a new generation, rewrites the shards, then deletes the older generations.
import { open, readdir, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { CoalescingWriter } from './coalesce';
import { corruptName } from './damage';
import { syncDir } from './atomic';

const NAME = /^journal-(\d+)\.log$/;

/** StateLog: append-only, durable records of item flags ([id, flags] pairs). */
export class StateLog {
  private gen = 0;
  private fh: FileHandle | undefined;
  private pending: [string, number][] = [];
  private writer = new CoalescingWriter(() => this.flush());
  private rotateAsked = false;
  private rotatedUpTo = -1;
  /** Bytes in the current generation. */
  bytes = 0;

  constructor(
    private readonly dir: string,
    private readonly now: () => Date,
    private readonly notice: (file: string, message: string) => void,
  ) {}

  /** replay: apply every record of every generation, oldest first; returns how many were applied. */
  async replay(apply: (id: string, flags: number) => void): Promise<number> {
    const gens = await this.generations();
    let n = 0;
    for (const g of gens) {
      const path = this.pathOf(g);
      const text = await readFile(path, 'utf8');
      const lines = text.split('\n');
      // The last piece is '' after a complete line, or a line torn by a crash (never acknowledged).
      lines.pop();
      let bad = false;
      for (const line of lines) {
        let recs: unknown;
        try {
          recs = JSON.parse(line);
        } catch {
          bad = true;
          continue;
        }
        if (!Array.isArray(recs)) {
          bad = true;
          continue;
        }
        for (const r of recs) {
          if (Array.isArray(r) && typeof r[0] === 'string' && typeof r[1] === 'number') {
            apply(r[0], r[1]);
            n++;
          }
        }
      }
      if (bad) {
        const rel = `journal-${g}.log`;
        const to = corruptName(path, this.now());
        await rename(path, to);
        this.notice(rel, `storage: ${rel} is damaged (a line is not valid JSON); its valid lines were applied; moved aside to ${to}`);
      }
    }
    this.gen = (gens.at(-1) ?? 0) + 1;
    return n;
  }

  /** append: record flags; resolves once durable (bursts share one write). */
  append(records: [string, number][]): Promise<void> {
    for (const r of records) this.pending.push(r);
    return this.writer.request();
  }

  /** rotate: start a new generation; returns a function deleting the older ones (call it once the shards hold their state durably). */
  async rotate(): Promise<() => Promise<void>> {
    // The switch happens inside a write turn, so no append can be using the old file meanwhile.
    this.rotateAsked = true;
    await this.writer.request();
    const upTo = this.rotatedUpTo;
    return async () => {
      for (const g of await this.generations()) if (g <= upTo) await unlink(this.pathOf(g)).catch(() => undefined);
      await syncDir(this.dir);
    };
  }

  /** writerIdle: resolves when every append so far is durable. */
  writerIdle(): Promise<void> {
    return this.writer.idle();
  }

  /** writes: appends performed (tests count them). */
  writes(): number {
    return this.writer.writes;
  }

  /** hasFiles: whether any generation is on disk. */
  async hasFiles(): Promise<boolean> {
    return (await this.generations()).length > 0;
  }

  /** close: wait for pending appends and close the file. */
  async close(): Promise<void> {
    await this.writer.idle();
    await this.fh?.close();
    this.fh = undefined;
  }

  private async flush(): Promise<void> {
    await this.writePending();
    if (this.rotateAsked) {
      this.rotateAsked = false;
      const old = this.fh;
      this.fh = undefined;
      await old?.close();
      this.rotatedUpTo = this.gen;
      this.gen++;
      this.bytes = 0;
    }
  }

  private async writePending(): Promise<void> {
    const recs = this.pending;
    this.pending = [];
    if (!recs.length) return;
    if (!this.fh) {
      this.fh = await open(this.pathOf(this.gen), 'a', 0o600);
      await syncDir(this.dir);
    }
    const line = `${JSON.stringify(recs)}\n`;
    await this.fh.appendFile(line);
    await this.fh.datasync();
    this.bytes += Buffer.byteLength(line);
  }

  private pathOf(g: number): string {
    return join(this.dir, `journal-${g}.log`);
  }

  private async generations(): Promise<number[]> {
    const names = await readdir(this.dir);
    return names.flatMap((n) => {
      const m = NAME.exec(n);
      return m ? [Number(m[1])] : [];
    }).sort((a, b) => a - b);
  }
}
