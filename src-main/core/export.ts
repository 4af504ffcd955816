// Markdown export to a folder (issue 6, issue 7 §6). Idempotent through a manifest in the folder
// (export-manifest.ts): a re-export rewrites the same file, a name clash between items gets a
// suffix, and a file Tidings did not write (or one the user edited since) is never clobbered
// without `overwrite`. Every name is built here from [a-z0-9-], so nothing lands outside the folder.
import { readFileSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import type { ExportReport } from '../ipc/contract';
import { openFileWriter } from './export-writer';
import { inputKey, readManifest, SAFE_NAME, sha256, writeAtomic, writeManifest, type Manifest } from './export-manifest';
import { renderMarkdown, type ExportItem, type RenderOptions } from './markdown';

export type { ExportItem } from './markdown';
export { renderMarkdown } from './markdown';
export { MANIFEST } from './export-manifest';

export interface ExportOptions extends RenderOptions {
  overwrite?: boolean;
}

interface Task {
  item: ExportItem;
  name: string;
  path: string;
  input: string;
  /** The rendered file; absent while the manifest says the file already holds this very input. */
  text?: string;
}

type Outcome = { kind: 'written' | 'unchanged'; path: string } | { kind: 'skipped'; file: string; reason: string };

// Rendering is CPU work done synchronously; the loop yields to the event loop every few
// milliseconds so the app stays responsive during a long export. New files are written in the
// background (export-writer.ts); files already there are compared and written synchronously.
const SLICE_MS = 15;
const yieldNow = () => new Promise<void>((r) => setImmediate(r));

type FileState = 'file' | 'other';

// One directory listing instead of a failing lstat per new file: the listing says what exists and
// what is a plain file (a symlink or a directory is "other" and never written through).
async function listFolder(root: string): Promise<Map<string, FileState>> {
  const entries = await readdir(root, { withFileTypes: true });
  return new Map(entries.map((e) => [e.name, e.isFile() ? 'file' : 'other']));
}

function writeOne(t: Task, manifest: Manifest, opts: ExportOptions, state: FileState | 'absent'): Outcome {
  if (state === 'other') return { kind: 'skipped', file: t.path, reason: 'export: not a regular file (directory or link); left alone' };
  const ours = manifest.files[t.name];
  const current = state === 'file' ? readFileSync(t.path, 'utf8') : undefined;
  const currentSha = current === undefined ? undefined : sha256(current);
  if (t.text === undefined) {
    if (currentSha !== undefined && currentSha === ours?.sha256) return { kind: 'unchanged', path: t.path };
    t.text = renderMarkdown(t.item, opts).text;
  }
  const textSha = sha256(t.text);
  if (current !== undefined) {
    if (currentSha === textSha) {
      manifest.files[t.name] = { id: t.item.id, sha256: textSha, input: t.input };
      return { kind: 'unchanged', path: t.path };
    }
    const foreign = !ours || ours.id !== t.item.id;
    if (!opts.overwrite && (foreign || ours.sha256 !== currentSha)) {
      const reason = foreign
        ? 'export: file exists and was not written by Tidings (use overwrite)'
        : 'export: file was edited since Tidings wrote it (use overwrite)';
      return { kind: 'skipped', file: t.path, reason };
    }
  }
  writeAtomic(t.path, t.text);
  manifest.files[t.name] = { id: t.item.id, sha256: textSha, input: t.input };
  return { kind: 'written', path: t.path };
}

// A file that cannot be written (permissions, a full disk) is reported and the export goes on.
function writeSafely(t: Task, manifest: Manifest, opts: ExportOptions, state: FileState | 'absent'): Outcome {
  try {
    return writeOne(t, manifest, opts, state);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { kind: 'skipped', file: t.path, reason: `export: cannot write ${t.name}: ${e.code ?? e.message}` };
  }
}

/** exportItems: write each item as `YYYY-MM-DD-slug.md` into dir (created if needed); reports written, unchanged and skipped files. */
export async function exportItems(items: readonly ExportItem[], dir: string, opts: ExportOptions = {}): Promise<ExportReport> {
  const root = resolve(dir);
  try {
    await mkdir(root, { recursive: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`export: cannot create the folder ${root}: ${e.code ?? e.message}`);
  }
  const manifest = await readManifest(root);
  const existing = await listFolder(root);
  const byId = new Map(Object.entries(manifest.files).map(([name, v]) => [v.id, name]));
  const claimed = new Map<string, string>(); // file name → item id, for this run
  const owner = (name: string) => claimed.get(name) ?? manifest.files[name]?.id;

  // Names are decided in item order (the first item keeps the plain name; later ones get a suffix).
  const plan = (item: ExportItem): Task | Outcome => {
    const input = inputKey(item, opts.layout);
    const known = byId.get(item.id);
    let name: string;
    let text: string | undefined;
    if (known !== undefined && manifest.files[known]?.input === input) {
      name = known;
    } else {
      try {
        const rendered = renderMarkdown(item, opts);
        text = rendered.text;
        name = known ?? rendered.fileName;
        if (owner(name) !== undefined && owner(name) !== item.id) name = rendered.fileName.replace(/\.md$/, `-${sha256(item.id).slice(0, 6)}.md`);
      } catch (err) {
        return { kind: 'skipped', file: join(root, `(item ${item.id})`), reason: (err as Error).message };
      }
    }
    const path = join(root, name);
    if (!SAFE_NAME.test(name) || basename(path) !== name || !path.startsWith(root + sep)) {
      return { kind: 'skipped', file: path, reason: 'export: refusing a file name outside the export folder' };
    }
    if (owner(name) !== undefined && owner(name) !== item.id) {
      return { kind: 'skipped', file: path, reason: `export: ${name} already holds another item` };
    }
    claimed.set(name, item.id);
    byId.set(item.id, name);
    return { item, name, path, input, ...(text !== undefined ? { text } : {}) };
  };

  const outcomes: Outcome[] = [];
  const writer = openFileWriter(items.length - existing.size);
  let slice = Date.now();
  try {
    for (const item of items) {
      if (Date.now() - slice > SLICE_MS) {
        await yieldNow();
        slice = Date.now();
      }
      const p = plan(item);
      if ('kind' in p) {
        outcomes.push(p);
        continue;
      }
      const state = existing.get(p.name) ?? 'absent';
      if (state !== 'absent' || p.text === undefined) {
        outcomes.push(writeSafely(p, manifest, opts, state));
        continue;
      }
      await writer.ready();
      const at = outcomes.push({ kind: 'written', path: p.path }) - 1;
      const { name, path, input, text } = p;
      writer.write(path, text, (err) => {
        if (err) outcomes[at] = { kind: 'skipped', file: path, reason: `export: cannot write ${name}: ${err.code ?? err.message}` };
        else manifest.files[name] = { id: item.id, sha256: sha256(text), input };
      });
    }
  } finally {
    await writer.drain();
    // Even after a failure, what was written is recorded, so the next run knows those files are ours.
    writeManifest(root, manifest);
  }
  const report: ExportReport = { written: [], unchanged: [], skipped: [] };
  for (const o of outcomes) {
    if (o.kind === 'skipped') report.skipped.push({ file: o.file, reason: o.reason });
    else report[o.kind].push(o.path);
  }
  return report;
}
