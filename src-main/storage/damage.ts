// Recognising and setting aside damaged files, so one bad file never stops the library from opening.
import { rename } from 'node:fs/promises';
import { renameSync } from 'node:fs';

/** DamageError: a file exists but cannot be used as it is (empty, NUL bytes, bad JSON, wrong shape). */
export class DamageError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`storage: ${file} is damaged (${reason})`);
    this.name = 'DamageError';
  }
}

/** NewerVersionError: the file was written by a newer Tidings; it is refused, never overwritten. */
export class NewerVersionError extends Error {
  constructor(
    readonly file: string,
    readonly version: number,
    readonly supported: number,
  ) {
    super(
      `storage: ${file} has schemaVersion ${version}, newer than this Tidings understands (${supported}); ` +
        'it was left untouched — use a newer Tidings to open this library',
    );
    this.name = 'NewerVersionError';
  }
}

/** parseJsonText: JSON text (BOM and CRLF tolerated) → value; empty, NUL-only, invalid or null → DamageError. */
export function parseJsonText(text: string, file: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw new DamageError(file, 'the file is empty');
  if (/^[\0\s]*$/.test(body)) throw new DamageError(file, 'the file holds only NUL bytes');
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    throw new DamageError(file, `not valid JSON: ${(err as Error).message}`);
  }
  if (value === null) throw new DamageError(file, 'the document is null');
  return value;
}

/** corruptName: where a damaged file is moved: `<path>.corrupt-<time>`. */
export function corruptName(path: string, now: Date): string {
  return `${path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
}

/** quarantine: move a damaged file aside (kept for the user), returning its new path. */
export async function quarantine(path: string, now: Date): Promise<string> {
  const to = corruptName(path, now);
  await rename(path, to);
  return to;
}

/** quarantineSync: quarantine, for the synchronous read paths. */
export function quarantineSync(path: string, now: Date): string {
  const to = corruptName(path, now);
  renameSync(path, to);
  return to;
}
