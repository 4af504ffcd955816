// The opened library: reads from the in-memory index, writes through per-file coalescing writers
// (item and content files) and the read/starred journal.
import { join } from 'node:path';
import type { Low } from 'lowdb';
import type { Item, TagRule } from '../core/model';
import { removeDurable } from './atomic';
import { CoalescingWriter } from './coalesce';
import { ContentShards } from './content';
import { DamageError, quarantineSync } from './damage';
import { Shard } from './item-shards';
import { Entry, type MemoryIndex } from './memory-index';
import { BODY_KEYS, LazyItem } from './lazy-item';
import { upgradeItemFiles } from './migrate';
import { flagsOf, parseDate } from './shard';
import type { StateLog } from './state-log';
import type { StoreOptions } from './store';
import type { FeedUpdate, ItemRef, LibraryData, Store, StoreChange, StoreNotice, Tally } from './types';

function copyTally(t: Tally | undefined): Tally {
  return t ? { unread: t.unread, total: t.total, starred: t.starred } : { unread: 0, total: 0, starred: 0 };
}


/** How many item files a compaction rewrites at once (it is background work: it leaves the I/O threads to the user's writes). */
const COMPACT_PARALLEL = 1;

/** How many more a compaction under way at close rewrites at once. */
const CLOSE_COMPACT_PARALLEL = 3;

/** Compaction waits for this long without a write asked for before rewriting each file… */
const COMPACT_QUIET_MS = 50;
/** …but not longer than this, so that a busy library still gets its journal folded in. */
const COMPACT_MAX_WAIT_MS = 1000;

/** How many item files a close may rewrite to leave no journal behind. */
const CLOSE_COMPACT_MAX_FILES = 64;

/** LibraryStore: the Store over an opened data dir (built by openStore). */
export class LibraryStore implements Store {
  private readonly libWriter: CoalescingWriter;
  private readonly rulesWriter: CoalescingWriter;
  private readonly content: ContentShards;
  private readonly listeners = new Set<(c: StoreChange) => void>();
  private closed = false;
  private compacting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private compactTimer: NodeJS.Timeout | undefined;
  private upgradeTimer: NodeJS.Timeout | undefined;
  private readonly background = new Set<Promise<unknown>>();
  private lastActivity = 0;
  private hurryCompaction: (() => void) | undefined;

  constructor(
    readonly dir: string,
    private readonly now: () => Date,
    private readonly release: () => void,
    readonly notices: StoreNotice[],
    private readonly lib: Low<LibraryData>,
    private readonly rules: Low<TagRule[]>,
    private readonly index: MemoryIndex,
    private readonly shards: Map<string, Shard>,
    private readonly log: StateLog,
    private readonly opts: StoreOptions,
  ) {
    this.libWriter = new CoalescingWriter(() => this.lib.write());
    this.rulesWriter = new CoalescingWriter(() => this.rules.write());
    this.content = new ContentShards(dir, (file, message) => notices.push({ file, message }), now);
  }

  library(): Readonly<LibraryData> {
    return this.lib.data;
  }

  async updateLibrary(fn: (lib: LibraryData) => void): Promise<void> {
    this.open();
    fn(this.lib.data);
    await this.libWriter.request();
  }

  getItem(id: string): Item | undefined {
    const e = this.index.byId.get(id);
    return e && this.itemOf(e);
  }

  feedItems(feedId: string): readonly Item[] {
    const s = this.shards.get(feedId);
    if (!s) return [];
    const out: Item[] = [];
    for (const e of s.entries) {
      const it = this.itemOf(e);
      if (!it) return [];
      out.push(it);
    }
    return out;
  }

  scanFeed(feedId: string): Item[] {
    const s = this.shards.get(feedId);
    if (!s) return [];
    try {
      return s.peekAll();
    } catch (err) {
      if (!(err instanceof DamageError)) throw err;
      // Let the normal path set the damaged shard aside and report it.
      return this.feedItems(feedId).slice();
    }
  }

  *allItems(): Iterable<Item> {
    for (const s of [...this.shards.values()]) yield* this.feedItems(s.feedId);
  }

  itemCount(): number {
    return this.index.size;
  }

  async putItems(update: FeedUpdate): Promise<void> {
    this.open();
    const { feedId } = update;
    // Content first, and the items enter memory only once it is durable: any write of the items
    // file (this one, a compaction, a tag change) then lists only items whose content is on disk.
    await this.content.update(feedId, update.content, [], update.fullText);
    // Only texts changed (images cached or full articles fetched later): the items file stays as it is.
    if (!update.items.length) return;
    let s = this.shards.get(feedId);
    if (!s) {
      s = new Shard(feedId, join(this.dir, 'items', `${feedId}.json`), `items/${feedId}.json`);
      this.shards.set(feedId, s);
    }
    const ids: string[] = [];
    for (const raw of update.items) {
      const it: Item = { ...raw, feedId, tags: [...new Set(raw.tags)] };
      const old = this.index.byId.get(it.id);
      if (old && old.feedId === feedId) {
        const before = this.index.snapshot(old);
        old.item = it;
        old.dirty = true;
        this.syncEntry(old, it);
        this.index.changed(old, before);
      } else if (!old) {
        const e = new Entry(it.id, feedId, parseDate(it.published), it.read, it.starred, [...it.tags]);
        e.item = it;
        e.dirty = true;
        s.entries.push(e);
        this.index.add(e);
      } else {
        continue;
      }
      delete s.pruned[it.id];
      ids.push(it.id);
    }
    s.bodyDirty = true;
    this.emit({ kind: 'put', feedId, ids });
    // The journal may hold older flags of these ids (from before a prune or a drop): record theirs now.
    const flags: [string, number][] = ids.map((id) => {
      const e = this.index.byId.get(id)!;
      return [id, flagsOf(e.read, e.starred)];
    });
    await Promise.all([s.writer.request(), flags.length ? this.log.append(flags) : undefined]);
  }

  async patchItems(ids: Iterable<string>, fn: (item: Item) => boolean): Promise<string[]> {
    this.open();
    const changed: string[] = [];
    const dirty = new Set<Shard>();
    const flags: [string, number][] = [];
    for (const id of ids) {
      const e = this.index.byId.get(id);
      const s = e && this.shards.get(e.feedId);
      if (!e || !s) continue;
      const before = this.index.snapshot(e);
      if (e.item) {
        const it = e.item;
        const body = BODY_KEYS.map((k) => it[k]);
        if (!fn(it)) continue;
        if (BODY_KEYS.some((k, i) => it[k] !== body[i])) e.dirty = true;
        this.syncEntry(e, it);
      } else {
        // Most patches touch state only: the text stays unparsed unless fn reads or writes it.
        const lazy = new LazyItem(e, () => {
          const full = this.itemOf(e);
          if (!full) throw new Error(`storage: the text of item ${e.id} is damaged`);
          return full;
        });
        if (!fn(lazy)) continue;
        if (lazy.touched) e.dirty = true;
        if (e.item) Object.assign(e.item, { read: lazy.read, starred: lazy.starred, tags: lazy.tags });
        this.syncEntry(e, lazy, lazy.touched);
      }
      this.index.changed(e, before);
      // Every flag change goes to the journal (so a replay ends on the latest); the shard is
      // rewritten now only when more than flags changed, else at the next compaction.
      flags.push([id, flagsOf(e.read, e.starred)]);
      if (e.dirty || before.tags !== e.tags || before.pub !== e.pub) {
        if (e.dirty) s.bodyDirty = true;
        dirty.add(s);
      } else s.stateDirty = true;
      changed.push(id);
    }
    if (changed.length) this.emit({ kind: 'patch', ids: changed });
    await Promise.all([...[...dirty].map((s) => s.writer.request()), flags.length ? this.log.append(flags) : undefined]);
    this.maybeCompact();
    return changed;
  }

  async pruneItems(feedId: string, ids: string[]): Promise<void> {
    this.open();
    const s = this.shards.get(feedId);
    if (!s) return;
    const drop = new Set(ids);
    const gone: string[] = [];
    s.entries = s.entries.filter((e) => {
      if (!drop.has(e.id)) return true;
      s.pruned[e.id] = (e.read ? 1 : 0) | (e.starred ? 2 : 0);
      this.index.remove(e);
      gone.push(e.id);
      return false;
    });
    if (!gone.length) return;
    s.bodyDirty = true;
    this.emit({ kind: 'remove', feedId, ids: gone });
    await Promise.all([s.writer.request(), this.content.update(feedId, new Map(), gone)]);
  }

  prunedState(feedId: string, itemId: string): { read: boolean; starred: boolean } | undefined {
    const f = this.shards.get(feedId)?.pruned[itemId];
    return f === undefined ? undefined : { read: (f & 1) !== 0, starred: (f & 2) !== 0 };
  }

  async dropFeed(feedId: string): Promise<void> {
    this.open();
    const s = this.shards.get(feedId);
    this.shards.delete(feedId);
    if (s) {
      for (const e of s.entries) this.index.remove(e);
      this.emit({ kind: 'remove', feedId, ids: s.entries.map((e) => e.id) });
      await s.idle();
    }
    await removeDurable(join(this.dir, 'items', `${feedId}.json`));
    await this.content.drop(feedId);
  }

  async getContent(itemId: string): Promise<string | undefined> {
    const e = this.index.byId.get(itemId);
    return e ? this.content.get(e.feedId, itemId) : undefined;
  }

  async getFullText(itemId: string): Promise<{ html?: string; error?: string } | undefined> {
    const e = this.index.byId.get(itemId);
    return e ? this.content.getFull(e.feedId, itemId) : undefined;
  }

  tallyAll(): Tally {
    return copyTally(this.index.all);
  }

  tallyFeed(feedId: string): Tally {
    return copyTally(this.index.feedTally.get(feedId));
  }

  tallyTag(tag: string): Tally {
    return copyTally(this.index.tagTally.get(tag));
  }

  tags(): string[] {
    return [...this.index.tagTally.keys()].sort();
  }

  getTagRules(): TagRule[] {
    return this.rules.data;
  }

  async setTagRules(rules: TagRule[]): Promise<void> {
    this.open();
    this.rules.data = rules;
    await this.rulesWriter.request();
  }

  onChange(listener: (change: StoreChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  ref(id: string): ItemRef | undefined {
    return this.index.byId.get(id);
  }

  itemOfRef(ref: ItemRef): Item | undefined {
    return ref instanceof Entry ? this.itemOf(ref) : this.getItem(ref.id);
  }

  refsByDate(): readonly ItemRef[] {
    return this.index.sorted();
  }

  cachedRefsByDate(): readonly ItemRef[] | undefined {
    return this.index.cachedSorted();
  }

  allRefs(): Iterable<ItemRef> {
    return this.index.entries();
  }

  refsByTag(tag: string): Iterable<ItemRef> {
    return this.index.withTag(tag);
  }

  refsOfFeed(feedId: string): Iterable<ItemRef> {
    return this.shards.get(feedId)?.entries ?? [];
  }

  async flush(): Promise<void> {
    await Promise.all(this.background);
    await this.log.writerIdle();
    await this.libWriter.idle();
    await this.rulesWriter.idle();
    await Promise.all([...this.shards.values()].map((s) => s.idle()));
    await this.content.idle();
  }

  async close(): Promise<void> {
    if (this.closed || this.closing) return this.closing;
    this.closing = this.shutdown();
    return this.closing;
  }

  /** track: work started at open that close (and flush) must wait for; it must not reject. */
  track(work: Promise<unknown>): void {
    this.background.add(work);
    void work.finally(() => this.background.delete(work));
  }

  /** scheduleUpgrade: rewrite item files of an older format after a delay, without keeping the process alive for it (a close before then leaves them to the next open). */
  scheduleUpgrade(ms: number): void {
    clearTimeout(this.upgradeTimer);
    this.upgradeTimer = setTimeout(() => {
      if (this.closed || this.closing) return;
      this.track(upgradeItemFiles(this.shards.values()).then((failed) => void this.notices.push(...failed)));
    }, ms);
    this.upgradeTimer.unref();
  }

  private async shutdown(): Promise<void> {
    clearTimeout(this.compactTimer);
    clearTimeout(this.upgradeTimer);
    this.hurryCompaction?.();
    await this.compacting?.catch(() => undefined);
    await this.flush();
    // Folding the journal into the item files now means the next open has nothing to replay; when
    // that would rewrite many files (after "mark all read"), the next open's compaction does it.
    let dirty = 0;
    for (const s of this.shards.values()) if (s.stateDirty) dirty++;
    if (dirty <= CLOSE_COMPACT_MAX_FILES && (await this.log.hasFiles())) {
      await this.compact().catch((err: unknown) => this.notices.push({ file: 'journal', message: `storage: compaction at close failed: ${String(err)}` }));
      await this.flush();
    }
    await this.log.close();
    this.closed = true;
    this.listeners.clear();
    this.release();
  }

  /** compact: fold the journal into the item files, then drop the journal. */
  compact(): Promise<void> {
    if (this.compacting) return this.compacting;
    if (this.closed) return Promise.resolve();
    const run = async () => {
      const drop = await this.log.rotate();
      const dirty = [...this.shards.values()].filter((s) => s.stateDirty);
      for (const s of dirty) s.stateDirty = false;
      // One file at a time: after "mark all read" a thousand rewrites at once would hold the event
      // loop (each encodes its file) and fill the I/O threads, queueing a refresh's writes behind them all.
      const queue = [...dirty];
      const failed: unknown[] = [];
      const worker = async () => {
        for (let s = queue.shift(); s; s = queue.shift()) {
          await this.quiet();
          await s.writer.request().catch((err: unknown) => {
            s!.stateDirty = true;
            failed.push(err);
          });
        }
      };
      const workers: Promise<void>[] = [];
      const spawn = (k: number) => {
        for (let i = 0; i < k && queue.length > 0; i++) workers.push(worker());
      };
      spawn(this.closing ? COMPACT_PARALLEL + CLOSE_COMPACT_PARALLEL : COMPACT_PARALLEL);
      // A close does not wait politely: it lets more files be written at once.
      this.hurryCompaction = () => spawn(CLOSE_COMPACT_PARALLEL);
      try {
        for (let seen = 0; seen < workers.length; ) {
          seen = workers.length;
          await Promise.all(workers.slice());
        }
      } finally {
        this.hurryCompaction = undefined;
      }
      if (failed.length) throw failed[0];
      await drop();
    };
    this.compacting = run().finally(() => {
      this.compacting = undefined;
    });
    return this.compacting;
  }

  /** scheduleCompaction: compact after a delay, without keeping the process alive for it. */
  scheduleCompaction(ms: number): void {
    clearTimeout(this.compactTimer);
    this.compactTimer = setTimeout(() => {
      if (!this.closed && !this.closing) this.compact().catch((err: unknown) => this.notices.push({ file: 'journal', message: `storage: compaction failed: ${String(err)}` }));
    }, ms);
    this.compactTimer.unref();
  }

  private maybeCompact(): void {
    if (this.log.bytes > (this.opts.compactAfterBytes ?? 1_048_576) && !this.compacting && !this.closing) this.scheduleCompaction(0);
  }

  /** warm: build the lazy indexes now (no-op once closed). */
  warm(): void {
    if (this.closed) return;
    void this.index.byId;
    this.index.sorted();
    this.index.withTag('');
  }

  /** writeCount: file writes performed so far (tests check coalescing with it). */
  async writeCount(): Promise<number> {
    let n = this.libWriter.writes + this.rulesWriter.writes + this.log.writes();
    for (const s of this.shards.values()) n += s.writes;
    return n + (await this.content.writeCount());
  }

  /** Every write the user asks for starts here: it refuses a closed library and notes the activity compaction makes way for. */
  private open(): void {
    if (this.closed) throw new Error(`storage: the library in ${this.dir} is closed`);
    this.lastActivity = performance.now();
  }

  /** Resolves once no write has been asked for in a while and the journal, content and library writes are done (or after a bounded wait, or at once when closing): compaction's turn. */
  private async quiet(): Promise<void> {
    const start = performance.now();
    while (!this.closing && performance.now() - start < COMPACT_MAX_WAIT_MS) {
      const since = performance.now() - this.lastActivity;
      if (since < COMPACT_QUIET_MS) {
        await new Promise<void>((r) => setTimeout(r, COMPACT_QUIET_MS - since));
        continue;
      }
      await Promise.all([this.log.writerIdle(), this.content.idle(), this.libWriter.idle()]);
      if (performance.now() - this.lastActivity >= COMPACT_QUIET_MS) return;
    }
  }

  private syncEntry(e: Entry, it: Item, textTouched = true): void {
    e.read = it.read;
    e.starred = it.starred;
    // Reading `published` of an untouched lazy item would parse its text for nothing.
    if (textTouched) e.pub = parseDate(it.published);
    if (it.tags.length !== e.tags.length || it.tags.some((t, i) => t !== e.tags[i])) e.tags = [...new Set(it.tags)];
  }

  private emit(c: StoreChange): void {
    for (const l of this.listeners) l(c);
  }

  /** The full item of an entry; a shard whose text turns out damaged is set aside, its items leave the index, and the rest goes on. */
  private itemOf(e: Entry): Item | undefined {
    if (e.item) return e.item;
    const s = this.shards.get(e.feedId);
    if (!s) return undefined;
    try {
      return s.itemOf(e);
    } catch (err) {
      if (!(err instanceof DamageError)) throw err;
      for (const x of s.entries) this.index.remove(x);
      this.shards.delete(s.feedId);
      let where = '';
      try {
        where = `; moved aside to ${quarantineSync(s.path, this.now())}`;
      } catch {
        where = '';
      }
      this.notices.push({ file: s.name, message: `${err.message}${where}` });
      this.emit({ kind: 'remove', feedId: s.feedId, ids: s.entries.map((x) => x.id) });
      return undefined;
    }
  }
}
