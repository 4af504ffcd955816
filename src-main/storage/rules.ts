// rules.json: the user's auto-tag rules; absent, the default pack shipped in resources/ applies.
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Low } from 'lowdb';
import type { TagRule } from '../core/model';
import { DurableFile, type Codec } from './adapter';
import { DamageError, parseJsonText, quarantine } from './damage';

/** rulesCodec: a list of rules, or `{ rules: [...] }` as the shipped pack has it. */
export const rulesCodec: Codec<TagRule[]> = {
  decode(text, file) {
    const doc = parseJsonText(text, file) as { rules?: unknown } | unknown[];
    const list = Array.isArray(doc) ? doc : doc && typeof doc === 'object' ? (doc as { rules?: unknown }).rules : undefined;
    if (!Array.isArray(list)) throw new DamageError(file, 'expected a list of rules');
    for (const r of list as Partial<TagRule>[]) {
      if (!r || typeof r !== 'object' || typeof r.tag !== 'string') throw new DamageError(file, 'a rule has no tag');
    }
    return list as TagRule[];
  },
  encode: (rules) => `${JSON.stringify({ rules }, null, 2)}\n`,
};

/** defaultRulesPath: resources/tag-rules.json (TIDINGS_RESOURCES overrides the folder). */
export function defaultRulesPath(): string {
  const base = process.env.TIDINGS_RESOURCES ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../resources');
  return join(base, 'tag-rules.json');
}

/** loadRules: rules.json of dir as a lowdb document; the default pack (or []) when it is absent or damaged. */
export async function loadRules(dir: string, now: () => Date, notice: (f: string, m: string) => void): Promise<Low<TagRule[]>> {
  const path = join(dir, 'rules.json');
  const adapter = new DurableFile(path, rulesCodec, 'rules.json');
  const db = new Low<TagRule[]>(adapter, []);
  try {
    const saved = await adapter.read();
    if (saved !== null) {
      db.data = saved;
      return db;
    }
  } catch (err) {
    if (!(err instanceof DamageError)) throw err;
    notice('rules.json', `${err.message}; moved aside to ${await quarantine(path, now())}; using the default rules`);
  }
  db.data = await defaultRules();
  return db;
}

async function defaultRules(): Promise<TagRule[]> {
  try {
    return rulesCodec.decode(await readFile(defaultRulesPath(), 'utf8'), 'resources/tag-rules.json');
  } catch {
    return [];
  }
}
