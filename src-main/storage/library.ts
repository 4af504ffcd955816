// library.json: its defaults and the shape check that tells a usable document from a damaged one.
import { DEFAULT_SETTINGS, type Settings } from '../core/model';
import { DamageError } from './damage';
import { SCHEMA_VERSION, type LibraryData } from './types';

/** defaultLibrary: an empty library of the current schema. */
export function defaultLibrary(): LibraryData {
  return { schemaVersion: SCHEMA_VERSION, folders: [], feeds: [], settings: { ...DEFAULT_SETTINGS }, savedSearches: [] };
}

/** schemaVersionOf: the version a parsed library document declares (0 for the unversioned first layout). */
export function schemaVersionOf(doc: unknown, file: string): number {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new DamageError(file, 'not a JSON object');
  const v = (doc as { schemaVersion?: unknown }).schemaVersion;
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new DamageError(file, `bad schemaVersion ${JSON.stringify(v)}`);
  return v;
}

/** checkLibrary: a current-version document → LibraryData with missing keys (settings too) filled in. */
export function checkLibrary(doc: unknown, file: string): LibraryData {
  const d = doc as Partial<LibraryData>;
  if (!Array.isArray(d.feeds)) throw new DamageError(file, '"feeds" is not a list');
  for (const f of d.feeds) {
    if (!f || typeof f !== 'object' || typeof f.id !== 'string' || typeof f.url !== 'string') {
      throw new DamageError(file, 'a feed has no id or url');
    }
    f.title ??= f.url;
    f.folder ??= '';
    f.health ??= { itemCount: 0, consecutiveFailures: 0 };
    f.http ??= {};
  }
  if (d.folders !== undefined && !Array.isArray(d.folders)) throw new DamageError(file, '"folders" is not a list');
  if (d.savedSearches !== undefined && !Array.isArray(d.savedSearches)) throw new DamageError(file, '"savedSearches" is not a list');
  if (d.settings !== undefined && (typeof d.settings !== 'object' || d.settings === null)) {
    throw new DamageError(file, '"settings" is not an object');
  }
  return {
    ...d,
    schemaVersion: SCHEMA_VERSION,
    feeds: d.feeds,
    folders: (d.folders ?? []).filter((x): x is string => typeof x === 'string'),
    savedSearches: d.savedSearches ?? [],
    settings: mergeSettings(d.settings),
  };
}

function mergeSettings(s: Partial<Settings> | undefined): Settings {
  const out: Settings = { ...DEFAULT_SETTINGS };
  for (const k of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
    const v = s?.[k];
    // A value of the wrong type (an editor's typo) falls back to the default rather than breaking.
    if (v !== undefined && typeof v === typeof DEFAULT_SETTINGS[k]) (out as unknown as Record<string, unknown>)[k] = v;
  }
  return out;
}
