// The export folder's manifest (`.tidings-export.json`): which item each file holds, a hash of
// what Tidings wrote there (to notice a user's edits) and a hash of the item it was rendered from
// (so an unchanged item is not rendered again on re-export).
import { createHash } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExportItem } from './markdown';

export const MANIFEST = '.tidings-export.json';
/** Plain Markdown file names in the export folder: the only names read from disk that are believed. */
export const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.md$/;
// Bump when renderMarkdown's output changes, so every file is rendered again once.
const FORMAT = 'md-1';

export interface ManifestEntry {
  id: string;
  /** sha256 of the file as Tidings wrote it. */
  sha256: string;
  /** Hash of the item and options it was rendered from. */
  input?: string;
}

export interface Manifest {
  version: 1;
  files: Record<string, ManifestEntry>;
}

/** sha256: hex digest of a string. */
export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** inputKey: a hash of everything renderMarkdown reads, to know when a file needs no new rendering. */
export function inputKey(item: ExportItem, layout: string | undefined): string {
  const { id, title, link, published, summary, html, tags, feedTitle, feedFolder } = item;
  return sha256(JSON.stringify([FORMAT, layout ?? null, id, title, link ?? null, published, summary, html, tags, feedTitle, feedFolder]));
}

/** readManifest: the folder's manifest; a missing or unreadable one is empty (every existing file then counts as foreign). */
export async function readManifest(dir: string): Promise<Manifest> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8'));
  } catch {
    return { version: 1, files: {} };
  }
  const files: Manifest['files'] = {};
  const raw = (data as { files?: unknown } | null)?.files;
  if (raw && typeof raw === 'object') {
    for (const [name, v] of Object.entries(raw as Record<string, Partial<ManifestEntry> | null>)) {
      if (!SAFE_NAME.test(name) || typeof v?.id !== 'string' || typeof v.sha256 !== 'string') continue;
      files[name] = { id: v.id, sha256: v.sha256, ...(typeof v.input === 'string' ? { input: v.input } : {}) };
    }
  }
  return { version: 1, files };
}

/** writeAtomic: write a file through a temp file and a rename, so a crash never leaves half of it. */
export function writeAtomic(path: string, text: string): void {
  // Synchronous on purpose: for thousands of small files the promise API costs several times the
  // CPU of the writes themselves; the exporter yields to the event loop between items instead.
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  writeFileSync(tmp, text, { flag: 'wx' });
  renameSync(tmp, path);
}

/** writeManifest: save the manifest atomically. */
export function writeManifest(dir: string, m: Manifest): void {
  writeAtomic(join(dir, MANIFEST), `${JSON.stringify(m, null, 1)}\n`);
}
