import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { command as exportOpml } from '../../../src-main/cli/commands/export-opml';
import { command as importOpml } from '../../../src-main/cli/commands/import-opml';
import { parseOpml } from '../../../src-main/core/opml';
import { CORPUS } from '../../helpers/paths';
import { runCommand, type FakeLibrary } from './export-fixture-reader';

const empty = (): FakeLibrary => ({ feeds: [], items: [], requests: [] });
const liferea = join(CORPUS, 'opml/liferea/feedlist_en.opml');

describe('tidings import-opml', () => {
  it('prints added, already present and refused (with line and reason); exit 1 when some were refused', async () => {
    const lib = empty();
    const first = await runCommand(importOpml, [liferea], lib);
    expect(first.code).toBe(1);
    const expected = parseOpml(readFileSync(liferea));
    expect(first.out.split('\n')[0]).toBe(`added ${expected.entries.length}, already present 0, refused ${expected.refused.length}`);
    expect(first.out).toMatch(/^ {2}! line \d+: outline of type "vfolder" is not a feed: vfolder$/m);
    const again = await runCommand(importOpml, [liferea, '--json'], lib);
    const report = JSON.parse(again.out);
    expect(report.added).toEqual([]);
    expect(report.present).toHaveLength(expected.entries.length);
  });

  it('exits 0 on a clean file and 2 on a missing one or a bad option', async () => {
    expect((await runCommand(importOpml, [join(CORPUS, 'opml/opml-go/feedreader/feedly.opml')], empty())).code).toBe(0);
    const missing = await runCommand(importOpml, ['/nonexistent/x.opml'], empty());
    expect(missing).toMatchObject({ code: 2, err: 'import-opml: cannot read /nonexistent/x.opml: ENOENT' });
    expect((await runCommand(importOpml, [liferea, '--folder', 'x'], empty())).code).toBe(2);
  });
});

describe('tidings export-opml', () => {
  it('writes OPML that imports back to the same feeds, and will not replace a file without --overwrite', async () => {
    const lib = empty();
    await runCommand(importOpml, [liferea], lib);
    const dir = mkdtempSync(join(tmpdir(), 'tidings-opml-cli-'));
    const file = join(dir, 'out.opml');
    const r = await runCommand(exportOpml, [file], lib);
    expect(r).toMatchObject({ code: 0, out: `wrote ${lib.feeds.length} feeds to ${file}` });
    const back = parseOpml(readFileSync(file));
    expect(back.entries.map((e) => `${e.folder}|${e.title}|${e.url}`).sort()).toEqual(lib.feeds.map((f) => `${f.folder}|${f.title}|${f.url}`).sort());
    writeFileSync(file, 'keep me');
    expect((await runCommand(exportOpml, [file], lib)).code).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    expect((await runCommand(exportOpml, [file, '--overwrite'], lib)).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('<opml version="2.0">');
  });
});
