// Schema migrations, keyed on library.json's schemaVersion. Version 0 is the first, single-file
// layout (everything, article HTML included, in library.json, as a plain lowdb app would keep it).
// Before a migration the old library.json is copied to migration-backup/; the backup is removed
// only after the migrated library.json is durable, and a backup found at open means an interrupted
// migration: it is restored and the migration run again.
// Items files carry their own format version (shard.ts): an older one is read as it is, and
// upgradeItemFiles rewrites it in the current one after open — atomically, each file on its own,
// so a crash midway leaves every file whole in one version or the other, and both load.
import { copyFile, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Item } from '../core/model';
import { syncDir, writeAtomic } from './atomic';
import { DamageError, parseJsonText } from './damage';
import type { Shard } from './item-shards';
import { encodeItems, ITEMS_VERSION } from './shard';
import { SCHEMA_VERSION } from './types';

export const BACKUP_DIR = 'migration-backup';

type Migration = (doc: Record<string, unknown>, dir: string) => Promise<Record<string, unknown>>;

/** MIGRATIONS: version N → N+1. */
const MIGRATIONS: Record<number, Migration> = {
  0: async (doc, dir) => {
    const items = doc.items ?? [];
    if (!Array.isArray(items)) throw new DamageError('library.json', '"items" is not a list');
    const byFeed = new Map<string, (Item & { content?: string })[]>();
    for (const raw of items as (Item & { content?: string })[]) {
      if (!raw || typeof raw.id !== 'string' || typeof raw.feedId !== 'string') continue;
      const it = { ...raw, tags: raw.tags ?? [], categories: raw.categories ?? [], summary: raw.summary ?? '', read: !!raw.read, starred: !!raw.starred };
      it.fetched ??= it.published;
      let list = byFeed.get(it.feedId);
      if (!list) byFeed.set(it.feedId, (list = []));
      list.push(it);
    }
    await mkdir(join(dir, 'items'), { recursive: true });
    await mkdir(join(dir, 'content'), { recursive: true });
    for (const [feedId, list] of byFeed) {
      const content: Record<string, string> = {};
      for (const it of list) {
        if (typeof it.content === 'string') content[it.id] = it.content;
        delete it.content;
      }
      await writeAtomic(join(dir, 'items', `${feedId}.json`), encodeItems(feedId, list));
      await writeAtomic(join(dir, 'content', `${feedId}.json`), JSON.stringify({ format: 'tidings-content', version: 1, items: content }));
    }
    const { items: _drop, ...rest } = doc;
    void _drop;
    return { ...rest, schemaVersion: 1 };
  },
  // Nothing to rewrite up front: item files of formats 1 and 2 load as they are and are rewritten
  // in format 3 shortly after open (upgradeItemFiles). The bump only makes older builds refuse the
  // library with a clear message instead of moving format-3 files aside as damaged.
  1: async (doc) => ({ ...doc, schemaVersion: 2 }),
  // Content logs (content-log.ts) appear on the next write; nothing to convert.
  2: async (doc) => ({ ...doc, schemaVersion: 3 }),
};

/** migrate: bring a parsed library.json from `from` to SCHEMA_VERSION, writing files as needed; returns the new document. */
export async function migrate(dir: string, doc: Record<string, unknown>, from: number): Promise<Record<string, unknown>> {
  const backup = join(dir, BACKUP_DIR);
  await mkdir(backup, { recursive: true });
  await copyFile(join(dir, 'library.json'), join(backup, 'library.json'));
  await syncDir(backup);
  let cur = doc;
  for (let v = from; v < SCHEMA_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) throw new Error(`storage: no migration from schemaVersion ${v}`);
    cur = await step(cur, dir);
  }
  await writeAtomic(join(dir, 'library.json'), JSON.stringify(cur, null, 2));
  await rm(backup, { recursive: true, force: true });
  return cur;
}

/** recoverMigration: after a crash mid-migration, put the backed-up library.json back (or drop a backup no longer needed). */
export async function recoverMigration(dir: string): Promise<boolean> {
  const backup = join(dir, BACKUP_DIR);
  const saved = join(backup, 'library.json');
  if (!(await stat(saved).catch(() => undefined))) {
    await rm(backup, { recursive: true, force: true });
    return false;
  }
  const current = await readFile(join(dir, 'library.json'), 'utf8').catch(() => undefined);
  let done = false;
  try {
    const v = current === undefined ? -1 : (parseJsonText(current, 'library.json') as { schemaVersion?: unknown }).schemaVersion;
    done = v === SCHEMA_VERSION;
  } catch {
    done = false;
  }
  if (!done) await writeAtomic(join(dir, 'library.json'), await readFile(saved));
  await rm(backup, { recursive: true, force: true });
  return !done;
}

/** upgradeItemFiles: rewrite in the current items format every loaded shard still in an older one (state and texts unchanged); resolves to the names of those that could not be, with why. */
export async function upgradeItemFiles(shards: Iterable<Shard>): Promise<{ file: string; message: string }[]> {
  const old = [...shards].filter((s) => s.version < ITEMS_VERSION);
  const failed: { file: string; message: string }[] = [];
  await Promise.all(
    old.map((s) =>
      s.writer.request().catch((err: unknown) => {
        failed.push({ file: s.name, message: `storage: could not rewrite ${s.name} in items format ${ITEMS_VERSION}: ${(err as Error).message}` });
      }),
    ),
  );
  return failed;
}
