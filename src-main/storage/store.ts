// openStore: the library on disk (DESIGN §2) as the Store of storage/types.ts.
import { mkdir, readFile, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { DurableFile, type Codec } from './adapter';
import { TEMP_MARK, writeAtomic } from './atomic';
import { DamageError, NewerVersionError, parseJsonText, quarantine } from './damage';
import { loadShards } from './item-shards';
import { acquireLock } from './lock';
import { checkLibrary, defaultLibrary, schemaVersionOf } from './library';
import { LibraryStore } from './library-store';
import { MemoryIndex } from './memory-index';
import { migrate, recoverMigration } from './migrate';
import { ITEMS_VERSION } from './shard';
import { loadRules } from './rules';
import { StateLog } from './state-log';
import { SCHEMA_VERSION, type LibraryData, type Store, type StoreNotice } from './types';

export { StoreLockedError } from './lock';
export { NewerVersionError } from './damage';

const libraryCodec: Codec<LibraryData> = {
  decode: (text, file) => checkLibrary(parseJsonText(text, file), file),
  encode: (data) => `${JSON.stringify(data, null, 2)}\n`,
};

/** StoreOptions: a clock, and when the read/starred journal is folded into the item files. */
export interface StoreOptions {
  now?: () => Date;
  /** Compact once the journal holds this many bytes (default 1 MB). */
  compactAfterBytes?: number;
  /** Compact this long after open when a journal was replayed (default 2 s). */
  compactDelayMs?: number;
  /** Rewrite item files of an older format this long after open (default 2 s). */
  upgradeDelayMs?: number;
}

/** openStore: lock and open the library in dir (created if absent); damaged files are set aside and listed in `notices`. */
export async function openStore(dir: string, opts: StoreOptions = {}): Promise<Store> {
  const now = opts.now ?? (() => new Date());
  await mkdir(join(dir, 'items'), { recursive: true });
  await mkdir(join(dir, 'content'), { recursive: true });
  const release = acquireLock(dir, now());
  try {
    const notices: StoreNotice[] = [];
    const notice = (file: string, message: string) => notices.push({ file, message });
    await sweepTemps(dir);
    if (await recoverMigration(dir)) notice('library.json', 'storage: an interrupted migration was rolled back and run again');
    const { db: lib, cleanText } = await openLibrary(dir, now, notice);
    const rules = await loadRules(dir, now, notice);
    const index = new MemoryIndex();
    const shards = loadShards(dir, index, now, notice);
    const log = new StateLog(dir, now, notice);
    // The journal's last word per id, then one pass over the entries: cheaper than building the
    // id map during the open (a clean close leaves no journal at all).
    const latest = new Map<string, number>();
    await log.replay((id, flags) => void latest.set(id, flags));
    if (latest.size) {
      for (const e of index.entries()) {
        const flags = latest.get(e.id);
        if (flags === undefined) continue;
        const read = (flags & 1) !== 0;
        const starred = (flags & 2) !== 0;
        if (e.read === read && e.starred === starred) continue;
        const before = index.snapshot(e);
        e.read = read;
        e.starred = starred;
        index.changed(e, before);
        shards.get(e.feedId)!.stateDirty = true;
      }
    }
    const store = new LibraryStore(dir, now, release, notices, lib, rules, index, shards, log, opts);
    // The backup of a cleanly opened library.json is not needed to show it: written after the open (close waits for it).
    if (cleanText !== undefined) store.track(keepBackup(join(dir, 'library.json'), cleanText).catch((err: unknown) => notice('library.json.bak', `storage: could not keep a backup of library.json: ${String(err)}`)));
    if (await log.hasFiles()) store.scheduleCompaction(opts.compactDelayMs ?? 2000);
    if ([...shards.values()].some((s) => s.version < ITEMS_VERSION)) store.scheduleUpgrade(opts.upgradeDelayMs ?? 2000);
    // Warm the date order and the tag lists after the first turn, so the first filters are quick too.
    setImmediate(() => store.warm());
    return store;
  } catch (err) {
    release();
    throw err;
  }
}

/** The opened library.json, and its text when it opened cleanly (to keep as library.json.bak). */
async function openLibrary(dir: string, now: () => Date, notice: (f: string, m: string) => void): Promise<{ db: Low<LibraryData>; cleanText?: string }> {
  const path = join(dir, 'library.json');
  const db = new Low<LibraryData>(new DurableFile(path, libraryCodec, 'library.json'), defaultLibrary());
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text === undefined) {
    await db.write();
    return { db };
  }
  try {
    let doc = parseJsonText(text, 'library.json') as Record<string, unknown>;
    const version = schemaVersionOf(doc, 'library.json');
    if (version > SCHEMA_VERSION) throw new NewerVersionError(path, version, SCHEMA_VERSION);
    if (version < SCHEMA_VERSION) {
      // Every layout so far kept a list of feeds: a document without one is damage, not an old version.
      if (!Array.isArray(doc.feeds)) throw new DamageError('library.json', '"feeds" is not a list');
      doc = await migrate(dir, doc, version);
      notice('library.json', `storage: migrated the library from schemaVersion ${version} to ${SCHEMA_VERSION}`);
    }
    db.data = checkLibrary(doc, 'library.json');
    return { db, cleanText: text };
  } catch (err) {
    if (!(err instanceof DamageError)) throw err;
    const to = await quarantine(path, now());
    const backup = await readBackup(`${path}.bak`);
    if (backup) {
      db.data = backup;
      notice('library.json', `${err.message}; moved aside to ${to}; restored the feed list from library.json.bak (the last clean open)`);
    } else {
      notice('library.json', `${err.message}; moved aside to ${to}; starting with an empty feed list`);
    }
    await db.write();
  }
  return { db };
}

/** The last library that opened cleanly, for the day library.json is damaged outside our writes (a disk error, an editor): the feed list then comes back instead of starting empty. */
async function keepBackup(path: string, text: string): Promise<void> {
  const old = await readFile(`${path}.bak`, 'utf8').catch(() => undefined);
  if (old !== text) await writeAtomic(`${path}.bak`, text);
}

async function readBackup(path: string): Promise<LibraryData | undefined> {
  try {
    const doc = parseJsonText(await readFile(path, 'utf8'), 'library.json.bak') as Record<string, unknown>;
    return schemaVersionOf(doc, 'library.json.bak') === SCHEMA_VERSION ? checkLibrary(doc, 'library.json.bak') : undefined;
  } catch {
    return undefined;
  }
}

async function sweepTemps(dir: string): Promise<void> {
  for (const sub of ['', 'items', 'content']) {
    const names = await readdir(join(dir, sub)).catch(() => [] as string[]);
    for (const n of names) if (n.includes(TEMP_MARK)) await unlink(join(dir, sub, n)).catch(() => undefined);
  }
}

