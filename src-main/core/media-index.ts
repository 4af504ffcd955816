// What the media cache knows about each image URL it has fetched: the local copy and the server's
// validators (ETag, Last-Modified). A later refresh that meets the same URL in a new article asks
// "changed since?" instead of downloading the image again (issue 8: conditional requests).
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from '../storage/atomic';
import { CoalescingWriter } from '../storage/coalesce';

export interface UrlEntry {
  /** The `/media/<2hex>/<sha256>.<ext>` path of the copy. */
  local: string;
  etag?: string;
  lastModified?: string;
  /** When the copy was last confirmed (ms since the epoch): the oldest entries go first. */
  at: number;
}

const FILE = 'urls.json';
const FORMAT = 'tidings-media-urls';
/** Enough for a large library's images; one entry is about 200 bytes. */
const MAX_ENTRIES = 50_000;

/** MediaIndex: image URL → local copy and validators, kept in `<media>/urls.json`. */
export class MediaIndex {
  private readonly writer: CoalescingWriter;

  private constructor(
    readonly dir: string,
    private readonly entries: Map<string, UrlEntry>,
  ) {
    this.writer = new CoalescingWriter(() => this.save());
  }

  /** open: the index of a media folder; a missing or unreadable file is an empty index (it is only a cache). */
  static async open(dir: string): Promise<MediaIndex> {
    const entries = new Map<string, UrlEntry>();
    try {
      const doc = JSON.parse(await readFile(join(dir, FILE), 'utf8')) as { format?: unknown; urls?: unknown };
      if (doc.format === FORMAT && doc.urls && typeof doc.urls === 'object') {
        for (const [url, e] of Object.entries(doc.urls as Record<string, unknown>)) if (isEntry(e)) entries.set(url, e);
      }
    } catch {
      // Absent or damaged: every image is simply fetched in full once more.
    }
    return new MediaIndex(dir, entries);
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

  /** remember: a URL's copy and validators (saved soon after, several together). */
  remember(url: string, entry: UrlEntry): Promise<void> {
    this.entries.delete(url);
    this.entries.set(url, entry);
    if (this.entries.size > MAX_ENTRIES) {
      // Map order is insertion order and a remembered URL moves to the end: the first is the stalest.
      for (const key of this.entries.keys()) {
        if (this.entries.size <= MAX_ENTRIES) break;
        this.entries.delete(key);
      }
    }
    return this.writer.request();
  }

  /** size: URLs known. */
  get size(): number {
    return this.entries.size;
  }

  private async save(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeAtomic(join(this.dir, FILE), JSON.stringify({ format: FORMAT, urls: Object.fromEntries(this.entries) }));
  }
}

function isEntry(v: unknown): v is UrlEntry {
  const e = v as UrlEntry;
  return !!e && typeof e === 'object' && typeof e.local === 'string' && typeof e.at === 'number' &&
    (e.etag === undefined || typeof e.etag === 'string') && (e.lastModified === undefined || typeof e.lastModified === 'string');
}

const open = new Map<string, Promise<MediaIndex>>();

/** mediaIndexFor: the one shared index of a media folder (opened on first use). */
export function mediaIndexFor(dir: string): Promise<MediaIndex> {
  let p = open.get(dir);
  if (!p) open.set(dir, (p = MediaIndex.open(dir)));
  return p;
}
