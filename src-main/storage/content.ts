// content/<feedId>.json: sanitized article HTML, read only when an article is opened or exported.
// `items` holds each article as the feed sent it; `full` the page's article fetched for feeds set
// to "fetch full article" — kept apart so the reader can switch back to the feed's version.
import { join } from 'node:path';
import { Low } from 'lowdb';
import { DurableFile, type Codec } from './adapter';
import { CoalescingWriter } from './coalesce';
import { DamageError, parseJsonText, quarantine } from './damage';
import { removeDurable } from './atomic';
import type { FullText } from './types';

const CONTENT_FORMAT = 'tidings-content';

interface ContentDoc {
  format: string;
  version: number;
  items: Record<string, string>;
  full?: Record<string, string>;
  /** Why the last attempt to fetch an item's full article failed (cleared by a success). */
  fullErrors?: Record<string, string>;
}



const codec: Codec<ContentDoc> = {
  decode(text, file) {
    const d = parseJsonText(text, file) as Partial<ContentDoc>;
    const isMap = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v);
    if (d.format !== CONTENT_FORMAT || !isMap(d.items) || [d.full, d.fullErrors].some((m) => m !== undefined && !isMap(m))) {
      throw new DamageError(file, 'not a Tidings content file');
    }
    return d as ContentDoc;
  },
  encode: (doc) => JSON.stringify(doc),
};

interface Entry {
  db: Low<ContentDoc>;
  writer: CoalescingWriter;
}

function own(map: Record<string, string> | undefined, id: string): string | undefined {
  return map && Object.hasOwn(map, id) ? map[id] : undefined;
}

/** ContentShards: the content files, a few recently used ones kept parsed in memory. */
export class ContentShards {
  private readonly cache = new Map<string, Promise<Entry>>();

  constructor(
    private readonly dir: string,
    private readonly notice: (file: string, message: string) => void,
    private readonly now: () => Date,
    private readonly keep = 12,
  ) {}

  /** get: the HTML of one item as the feed sent it. */
  async get(feedId: string, itemId: string): Promise<string | undefined> {
    return own((await this.entry(feedId)).db.data.items, itemId);
  }

  /** getFull: the full article of one item and why its last fetch failed, when either is known. */
  async getFull(feedId: string, itemId: string): Promise<{ html?: string; error?: string } | undefined> {
    const doc = (await this.entry(feedId)).db.data;
    const html = own(doc.full, itemId);
    const error = own(doc.fullErrors, itemId);
    return html === undefined && error === undefined ? undefined : { ...(html !== undefined && { html }), ...(error !== undefined && { error }) };
  }

  /** update: set and delete items' texts in one feed's file (a removed item loses all of them); resolves when durable. */
  async update(feedId: string, set: ReadonlyMap<string, string>, remove: readonly string[] = [], full?: ReadonlyMap<string, FullText>): Promise<void> {
    if (set.size === 0 && remove.length === 0 && !full?.size) return;
    const e = await this.entry(feedId);
    const doc = e.db.data;
    let changed = false;
    const put = (map: Record<string, string>, id: string, value: string) => {
      if (map[id] !== value) {
        map[id] = value;
        changed = true;
      }
    };
    const del = (map: Record<string, string> | undefined, id: string) => {
      if (map && Object.hasOwn(map, id)) {
        delete map[id];
        changed = true;
      }
    };
    for (const id of remove) for (const map of [doc.items, doc.full, doc.fullErrors]) del(map, id);
    for (const [id, html] of set) put(doc.items, id, html);
    for (const [id, outcome] of full ?? []) {
      if ('html' in outcome) {
        put((doc.full ??= {}), id, outcome.html);
        del(doc.fullErrors, id);
      } else {
        // A failed fetch keeps the article fetched last time: an older full text beats a summary.
        put((doc.fullErrors ??= {}), id, outcome.error);
      }
    }
    if (changed) await e.writer.request();
  }

  /** drop: delete a feed's content file. */
  async drop(feedId: string): Promise<void> {
    const e = this.cache.get(feedId);
    this.cache.delete(feedId);
    if (e) await (await e.catch(() => undefined))?.writer.idle();
    await removeDurable(this.pathOf(feedId));
  }

  /** idle: resolves when every content write is durable. */
  async idle(): Promise<void> {
    for (const e of [...this.cache.values()]) await (await e.catch(() => undefined))?.writer.idle();
  }

  /** writeCount: writes performed so far (tests count them). */
  async writeCount(): Promise<number> {
    let n = 0;
    for (const e of this.cache.values()) n += (await e).writer.writes;
    return n;
  }

  private pathOf(feedId: string): string {
    return join(this.dir, 'content', `${feedId}.json`);
  }

  private entry(feedId: string): Promise<Entry> {
    let e = this.cache.get(feedId);
    if (e) {
      // Most recently used last, so eviction takes the oldest.
      this.cache.delete(feedId);
      this.cache.set(feedId, e);
      return e;
    }
    e = this.load(feedId);
    this.cache.set(feedId, e);
    e.catch(() => this.cache.delete(feedId));
    void this.evict();
    return e;
  }

  private async load(feedId: string): Promise<Entry> {
    const path = this.pathOf(feedId);
    const adapter = new DurableFile(path, codec, `content/${feedId}.json`);
    const db = new Low<ContentDoc>(adapter, { format: CONTENT_FORMAT, version: 1, items: {} });
    try {
      await db.read();
    } catch (err) {
      if (!(err instanceof DamageError)) throw err;
      const to = await quarantine(path, this.now());
      this.notice(adapter.name, `${err.message}; moved aside to ${to}`);
    }
    return { db, writer: new CoalescingWriter(() => db.write()) };
  }

  private async evict(): Promise<void> {
    for (const [id, p] of this.cache) {
      if (this.cache.size <= this.keep) return;
      const e = await p.catch(() => undefined);
      // Only idle files are dropped; one with a write pending stays until durable.
      if (e && !e.writer.busy) this.cache.delete(id);
    }
  }
}
