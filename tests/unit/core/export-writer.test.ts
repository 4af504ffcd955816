import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileWriter, createThreadWriter, openFileWriter, type FileWriter } from '../../../src-main/core/export-writer';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tidings-writer-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe.each([
  ['createFileWriter', (limit?: number) => createFileWriter(limit)],
  ['createThreadWriter', (limit?: number) => createThreadWriter(limit, 4)],
] as [string, (limit?: number) => FileWriter][])('%s', (_name, create) => {
  it('writes every file whole, never more than the limit at once, and drains', async () => {
    const writer = create(3);
    let inFlight = 0;
    let most = 0;
    const errors: unknown[] = [];
    for (let i = 0; i < 40; i++) {
      await writer.ready();
      inFlight++;
      most = Math.max(most, inFlight);
      writer.write(join(dir, `f${i}.md`), `file ${i}\n`.repeat(100), (err) => {
        inFlight--;
        if (err) errors.push(err);
      });
    }
    await writer.drain();
    expect(inFlight).toBe(0);
    expect(most).toBe(3);
    expect(errors).toEqual([]);
    const names = readdirSync(dir);
    expect(names).toHaveLength(40);
    for (let i = 0; i < 40; i++) expect(readFileSync(join(dir, `f${i}.md`), 'utf8')).toBe(`file ${i}\n`.repeat(100));
  });

  it('reports a write that fails and leaves no temp file behind', async () => {
    const writer = create();
    // A non-empty directory where the file should go: the rename fails after the temp file exists.
    mkdirSync(join(dir, 'taken.md'));
    writeFileSync(join(dir, 'taken.md', 'keep.txt'), 'user data');
    const codes: (string | undefined)[] = [];
    writer.write(join(dir, 'taken.md'), 'text', (err) => codes.push(err?.code));
    writer.write(join(dir, 'missing', 'a.md'), 'text', (err) => codes.push(err?.code));
    await writer.drain();
    expect(codes.sort()).toEqual(['EISDIR', 'ENOENT'].sort());
    expect(readdirSync(dir)).toEqual(['taken.md']);
    expect(readFileSync(join(dir, 'taken.md', 'keep.txt'), 'utf8')).toBe('user data');
  });

  it('drains at once when nothing was written', async () => {
    await expect(create().drain()).resolves.toBeUndefined();
  });
});

describe('openFileWriter', () => {
  it('writes a small export (callbacks) and a large one (writer thread) alike', async () => {
    for (const files of [2, 500]) {
      const writer = openFileWriter(files);
      const errors: unknown[] = [];
      for (let i = 0; i < files; i++) {
        await writer.ready();
        writer.write(join(dir, `${files}-${i}.md`), `${i}`, (err) => err && errors.push(err));
      }
      await writer.drain();
      expect(errors).toEqual([]);
      expect(readdirSync(dir).filter((n) => n.startsWith(`${files}-`))).toHaveLength(files);
    }
  });
});

describe('createThreadWriter when its thread fails', () => {
  it.each([
    ['throws at start', 'throw new Error("boom")'],
    ['exits after a first batch', "require('node:worker_threads').parentPort.once('message', () => process.exit(3))"],
  ])('writes every file through the pool instead (%s)', async (_how, program) => {
    const writer = createThreadWriter(8, 4, program);
    const errors: unknown[] = [];
    for (let i = 0; i < 30; i++) {
      await writer.ready();
      writer.write(join(dir, `t${i}.md`), `text ${i}`, (err) => err && errors.push(err));
    }
    await writer.drain();
    expect(errors).toEqual([]);
    for (let i = 0; i < 30; i++) expect(readFileSync(join(dir, `t${i}.md`), 'utf8')).toBe(`text ${i}`);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
