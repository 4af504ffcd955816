// content/<feedId>.json: sanitized article HTML, read only when an article is opened or exported.
import { join } from 'node:path';
import { Low } from 'lowdb';
import { DurableFile, type Codec } from './adapter';
import { CoalescingWriter } from './coalesce';
import { DamageError, parseJsonText, quarantine } from './damage';
import { removeDurable } from './atomic';

const CONTENT_FORMAT = 'tidings-content';

interface ContentDoc {
  format: string;
  version: number;
  items: Record<string, string>;
}

const codec: Codec<ContentDoc> = {
  decode(text, file) {
    const d = parseJsonText(text, file) as Partial<ContentDoc>;
    if (d.format !== CONTENT_FORMAT || !d.items || typeof d.items !== 'object' || Array.isArray(d.items)) {
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

/** ContentShards: the content files, a few recently used ones kept parsed in memory. */
export class ContentShards {
  private readonly cache = new Map<string, Promise<Entry>>();

  constructor(
    private readonly dir: string,
    private readonly notice: (file: string, message: string) => void,
    private readonly now: () => Date,
    private readonly keep = 12,
  ) {}

  /** get: the HTML of one item. */
  async get(feedId: string, itemId: string): Promise<string | undefined> {
    const e = await this.entry(feedId);
    return Object.hasOwn(e.db.data.items, itemId) ? e.db.data.items[itemId] : undefined;
  }

  /** update: set and delete items' HTML in one feed's file; resolves when durable. */
  async update(feedId: string, set: ReadonlyMap<string, string>, remove: readonly string[] = []): Promise<void> {
    if (set.size === 0 && remove.length === 0) return;
    const e = await this.entry(feedId);
    const items = e.db.data.items;
    let changed = false;
    for (const id of remove) {
      if (Object.hasOwn(items, id)) {
        delete items[id];
        changed = true;
      }
    }
    for (const [id, html] of set) {
      if (items[id] !== html) {
        items[id] = html;
        changed = true;
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
