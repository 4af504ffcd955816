import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src-main/storage/store';
import { SCHEMA_VERSION } from '../../../src-main/storage/types';
import { DEFAULT_SETTINGS } from '../../../src-main/core/model';
import { headOnDisk, makeFeed, makeItem, tempDir } from './fixtures';
import type { Item } from '../../../src-main/core/model';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

/** Version 0: the single-file layout, article HTML inline; written by early builds without a schemaVersion. */
function v0(withVersion: boolean): string {
  const doc: Record<string, unknown> = {
    feeds: [makeFeed('f1', { folder: 'Tech' }), makeFeed('f2')],
    settings: { retentionDays: 30 },
    savedSearches: [{ id: 's1', name: 'Solar', query: 'solar', tags: [] }],
    items: [
      { ...makeItem('f1', 1, { read: true, tags: ['energy'] }), content: '<p>First <em>article</em></p>' },
      { ...makeItem('f1', 2, { starred: true }), content: '<p>Second</p>' },
      { ...makeItem('f2', 3), content: '<p>Third</p>' },
    ],
  };
  if (withVersion) doc.schemaVersion = 0;
  return JSON.stringify(doc, null, 2);
}

const exists = (p: string) => stat(p).then(() => true, () => false);

async function expectMigrated(): Promise<void> {
  const store = await openStore(dir);
  try {
    expect(store.library().schemaVersion).toBe(SCHEMA_VERSION);
    expect(store.library().feeds.map((f) => [f.id, f.folder])).toEqual([['f1', 'Tech'], ['f2', '']]);
    expect(store.library().settings).toEqual({ ...DEFAULT_SETTINGS, retentionDays: 30 });
    expect(store.library().savedSearches).toHaveLength(1);
    expect(store.itemCount()).toBe(3);
    expect(store.getItem('f1-i1')).toMatchObject({ read: true, tags: ['energy'], title: 'Item 1 of f1' });
    expect(store.getItem('f1-i2')!.starred).toBe(true);
    expect(store.getItem('f1-i1')).not.toHaveProperty('content');
    expect(await store.getContent('f1-i1')).toBe('<p>First <em>article</em></p>');
    expect(await store.getContent('f2-i3')).toBe('<p>Third</p>');
    expect(store.tallyAll()).toEqual({ unread: 2, total: 3, starred: 1 });
  } finally {
    await store.close();
  }
  const onDisk = JSON.parse(await readFile(join(dir, 'library.json'), 'utf8'));
  expect(onDisk.schemaVersion).toBe(SCHEMA_VERSION);
  expect(onDisk).not.toHaveProperty('items');
  expect(await exists(join(dir, 'migration-backup'))).toBe(false);
}

describe('migrations', () => {
  it.each([
    ['with schemaVersion 0', true],
    ['without a schemaVersion (the first builds)', false],
  ])('bring a version 0 library (%s) to the current schema', async (_name, withVersion) => {
    await writeFile(join(dir, 'library.json'), v0(withVersion));
    const store = await openStore(dir);
    expect(store.notices.map((n) => n.message)).toEqual([`storage: migrated the library from schemaVersion 0 to ${SCHEMA_VERSION}`]);
    await store.close();
    await expectMigrated();
  });

  it('keep the backup and the old file when a migration fails, and succeed once the cause is gone', async () => {
    const old = v0(true);
    await writeFile(join(dir, 'library.json'), old);
    // A directory where a shard must go makes the migration fail half-way.
    await mkdir(join(dir, 'items', 'f2.json'), { recursive: true });
    await expect(openStore(dir)).rejects.toThrow();
    expect(await readFile(join(dir, 'library.json'), 'utf8')).toBe(old);
    expect(await readFile(join(dir, 'migration-backup', 'library.json'), 'utf8')).toBe(old);
    await rm(join(dir, 'items', 'f2.json'), { recursive: true });
    await expectMigrated();
  });

  it('roll back and rerun a migration interrupted after some shards were written', async () => {
    const old = v0(true);
    await mkdir(join(dir, 'migration-backup'), { recursive: true });
    await writeFile(join(dir, 'migration-backup', 'library.json'), old);
    // The crash came after library.json had been damaged half-way through a (non-atomic) copy.
    await writeFile(join(dir, 'library.json'), old.slice(0, 100));
    await mkdir(join(dir, 'items'), { recursive: true });
    await writeFile(join(dir, 'items', 'f1.json'), 'half a shard');
    const store = await openStore(dir);
    expect(store.notices.map((n) => n.message)).toContain('storage: an interrupted migration was rolled back and run again');
    await store.close();
    await expectMigrated();
  });

  it('drop a backup left by a migration that had finished', async () => {
    await writeFile(join(dir, 'library.json'), v0(true));
    await (await openStore(dir)).close();
    await mkdir(join(dir, 'migration-backup'), { recursive: true });
    await writeFile(join(dir, 'migration-backup', 'library.json'), v0(true));
    const store = await openStore(dir);
    expect(store.notices).toEqual([]);
    await store.close();
    await expectMigrated();
    expect(await readdir(dir)).not.toContain('migration-backup');
  });
});

/** An items file of format 2 (number lists in the head), written as that version did: one line of state, one of texts. */
function v2Shard(feedId: string, items: Item[], pruned: Record<string, number>): string {
  const bodies = items.map(({ id: _i, feedId: _f, read: _r, starred: _s, tags: _t, ...body }) => JSON.stringify(body));
  const tagTable = [...new Set(items.flatMap((it) => it.tags))];
  const head = {
    ids: items.map((it) => it.id),
    pub: items.map((it) => Date.parse(it.published)),
    flags: items.map((it) => (it.read ? 1 : 0) | (it.starred ? 2 : 0)),
    tagTable,
    tagN: items.map((it) => it.tags.length),
    tagIx: items.flatMap((it) => it.tags.map((t) => tagTable.indexOf(t))),
    len: bodies.map((b) => Buffer.byteLength(b)),
    pruned,
  };
  return `${JSON.stringify({ format: 'tidings-items', version: 2, feedId, head }).slice(0, -1)},\n"body":[${bodies.join(',')}]}\n`;
}

describe('items files of format 2', () => {
  const items = [
    makeItem('f1', 1, { read: true, tags: ['energy', 'solar'] }),
    makeItem('f1', 2, { starred: true, tags: ['energy'] }),
    makeItem('f1', 3),
  ];

  async function writeV2(): Promise<string> {
    await mkdir(join(dir, 'items'), { recursive: true });
    const text = v2Shard('f1', items, { 'f1-i0': 1 });
    await writeFile(join(dir, 'items', 'f1.json'), text);
    return text;
  }

  async function expectItems(): Promise<void> {
    const store = await openStore(dir, { upgradeDelayMs: 60_000 });
    try {
      expect(store.notices).toEqual([]);
      expect(items.map((it) => store.getItem(it.id))).toEqual(items);
      expect(store.tallyTag('energy')).toEqual({ unread: 1, total: 2, starred: 1 });
      expect(store.prunedState('f1', 'f1-i0')).toEqual({ read: true, starred: false });
    } finally {
      await store.close();
    }
  }

  it('load, and are rewritten in the current format after open with their state, tags and texts', async () => {
    const old = await writeV2();
    const store = await openStore(dir, { upgradeDelayMs: 0 });
    expect(items.map((it) => store.getItem(it.id))).toEqual(items);
    await new Promise((r) => setTimeout(r, 20));
    await store.flush();
    expect(store.notices).toEqual([]);
    await store.close();
    const upgraded = headOnDisk(dir, 'f1');
    expect(upgraded).toEqual({ ids: ['f1-i1', 'f1-i2', 'f1-i3'], flags: [1, 2, 0], version: 3 });
    // The texts are carried over byte for byte.
    const bodyLine = (text: string) => text.slice(text.indexOf('\n') + 1);
    expect(bodyLine(await readFile(join(dir, 'items', 'f1.json'), 'utf8'))).toBe(bodyLine(old));
    await expectItems();
  });

  it('in a library of schemaVersion 1 (the builds that wrote them) migrate to the current version and keep every item', async () => {
    await (await openStore(dir)).close();
    const lib = JSON.parse(await readFile(join(dir, 'library.json'), 'utf8'));
    await writeFile(join(dir, 'library.json'), JSON.stringify({ ...lib, schemaVersion: 1 }));
    await writeV2();
    const store = await openStore(dir, { upgradeDelayMs: 60_000 });
    try {
      expect(store.notices.map((n) => n.message)).toEqual([`storage: migrated the library from schemaVersion 1 to ${SCHEMA_VERSION}`]);
      expect(items.map((it) => store.getItem(it.id))).toEqual(items);
    } finally {
      await store.close();
    }
    expect(JSON.parse(await readFile(join(dir, 'library.json'), 'utf8')).schemaVersion).toBe(SCHEMA_VERSION);
    await expectItems();
  });

  it('stay as they are, and load, when the library is closed before the rewrite', async () => {
    const old = await writeV2();
    await (await openStore(dir)).close();
    expect(await readFile(join(dir, 'items', 'f1.json'), 'utf8')).toBe(old);
    await expectItems();
  });

  it('load beside files already rewritten (an upgrade cut short), and the rest are rewritten next time', async () => {
    await writeV2();
    const s = await openStore(dir);
    await s.putItems({ feedId: 'f2', items: [makeItem('f2', 1, { read: true })], content: new Map() });
    await s.close();
    expect([headOnDisk(dir, 'f1').version, headOnDisk(dir, 'f2').version]).toEqual([2, 3]);
    await expectItems();
    const store = await openStore(dir, { upgradeDelayMs: 0 });
    expect(store.getItem('f2-i1')!.read).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    await store.close();
    expect([headOnDisk(dir, 'f1').version, headOnDisk(dir, 'f2').version]).toEqual([3, 3]);
    await expectItems();
  });
});
