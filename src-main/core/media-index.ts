// What the media cache knows about each image URL it has fetched: the local copy and the server's
// validators (ETag, Last-Modified). A later refresh that meets the same URL in a new article asks
// "changed since?" instead of downloading the image again (issue 8: conditional requests).
// Kept as an append-only log (`media/urls.log`, one JSON line per fetch, the last line of a URL
// wins), so recording one image costs one small append, finished before the download resolves.
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from '../storage/atomic';

export interface UrlEntry {
  /** The `/media/<2hex>/<sha256>.<ext>` path of the copy. */
  local: string;
  etag?: string;
  lastModified?: string;
}

const FILE = 'urls.log';
/** A picture that failed for good (a 4xx, not an image, too large, refused) is not asked for again this long. */
export const FAILURE_TTL_MS = 7 * 86_400_000;
/** Enough for a large library's images; one line is about 200 bytes. */
const MAX_ENTRIES = 50_000;

/** MediaIndex: image URL → local copy and validators. */
export class MediaIndex {
  private lines: number;
  private readonly failures = new Map<string, number>();
  private compacting: Promise<void> | undefined;

  private constructor(
    readonly dir: string,
    private readonly entries: Map<string, UrlEntry>,
    lines: number,
  ) {
    this.lines = lines;
  }

  /** open: the index of a media folder; a missing file is an empty index, a damaged line is skipped (it is only a cache). */
  static async open(dir: string): Promise<MediaIndex> {
    const entries = new Map<string, UrlEntry>();
    const failures = new Map<string, number>();
    let lines = 0;
    const text = await readFile(join(dir, FILE), 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (!line) continue;
      lines++;
      try {
        const { url, failedAt, ...e } = JSON.parse(line) as UrlEntry & { url: unknown; failedAt?: unknown };
        if (typeof url !== 'string') continue;
        if (typeof failedAt === 'number') failures.set(url, failedAt);
        else if (isEntry(e)) {
          entries.delete(url);
          entries.set(url, e);
          failures.delete(url);
        }
      } catch {
        // A line cut short by a crash: that image is simply fetched in full once more.
      }
    }
    const index = new MediaIndex(dir, entries, lines);
    for (const [url, at] of failures) index.failures.set(url, at);
    return index;
  }

  /** lookup: what is known of a URL, if its copy is still on disk. */
  async lookup(url: string, fileOf: (local: string) => string | undefined): Promise<UrlEntry | undefined> {
    const e = this.entries.get(url);
    if (!e) return undefined;
    const file = fileOf(e.local);
    if (file && (await stat(file).then((st) => st.isFile(), () => false))) return e;
    this.entries.delete(url);
    return undefined;
  }

  /** remember: a URL's copy and validators, appended to the log. */
  async remember(url: string, entry: UrlEntry): Promise<void> {
    this.failures.delete(url);
    const clean: UrlEntry = { local: entry.local, ...(entry.etag && { etag: entry.etag }), ...(entry.lastModified && { lastModified: entry.lastModified }) };
    this.entries.delete(url);
    this.entries.set(url, clean);
    await this.compacting;
    await mkdir(this.dir, { recursive: true });
    await appendFile(join(this.dir, FILE), `${JSON.stringify({ url, ...clean })}\n`);
    // Rewritten whole once most lines are outdated, or the list outgrew its cap (stalest first out).
    if (++this.lines > 2 * (this.entries.size + this.failures.size) + 1000 || this.entries.size > MAX_ENTRIES) await this.compact();
  }

  /** failedUntil: when a URL failed for good within FAILURE_TTL_MS, the time it may be tried again. */
  failedUntil(url: string, now = Date.now()): number | undefined {
    const at = this.failures.get(url);
    return at !== undefined && now - at < FAILURE_TTL_MS ? at + FAILURE_TTL_MS : undefined;
  }

  /** rememberFailure: a URL failed for good (appended to the log). */
  async rememberFailure(url: string, now = Date.now()): Promise<void> {
    this.failures.set(url, now);
    await this.compacting;
    await mkdir(this.dir, { recursive: true });
    await appendFile(join(this.dir, FILE), `${JSON.stringify({ url, failedAt: now })}\n`);
    this.lines++;
  }

  /** size: URLs known. */
  get size(): number {
    return this.entries.size;
  }

  private compact(): Promise<void> {
    this.compacting ??= (async () => {
      for (const key of this.entries.keys()) {
        if (this.entries.size <= MAX_ENTRIES) break;
        this.entries.delete(key);
      }
      const now = Date.now();
      for (const [url, at] of this.failures) if (now - at >= FAILURE_TTL_MS) this.failures.delete(url);
      const text = [...this.entries].map(([url, e]) => `${JSON.stringify({ url, ...e })}\n`).join('') +
        [...this.failures].map(([url, failedAt]) => `${JSON.stringify({ url, failedAt })}\n`).join('');
      await writeAtomic(join(this.dir, FILE), text);
      this.lines = this.entries.size + this.failures.size;
    })().finally(() => (this.compacting = undefined));
    return this.compacting;
  }
}

function isEntry(v: unknown): v is UrlEntry {
  const e = v as UrlEntry;
  return !!e && typeof e === 'object' && typeof e.local === 'string' &&
    (e.etag === undefined || typeof e.etag === 'string') && (e.lastModified === undefined || typeof e.lastModified === 'string');
}

const opened = new Map<string, Promise<MediaIndex>>();

/** mediaIndexFor: the one shared index of a media folder (opened on first use). */
export function mediaIndexFor(dir: string): Promise<MediaIndex> {
  let p = opened.get(dir);
  if (!p) {
    p = MediaIndex.open(dir);
    opened.set(dir, p);
  }
  return p;
}

/** forgetMediaIndex: drop the shared index of a folder whose files were just cleared. */
export function forgetMediaIndex(dir: string): void {
  opened.delete(dir);
}
