// Tag rules as data: validation of a rule file and the default pack shipped in resources/.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TagRule } from './model';

const FILE = 'tag-rules.json';
const SCOPES = new Set(['title', 'content']);

function strings(v: unknown, where: string, key: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s.trim() === '')) {
    throw new Error(`tags: ${where}: "${key}" must be a list of non-empty strings`);
  }
  return v as string[];
}

/** parseRules: validate rules read from JSON (an array, or `{ rules: [...] }`); throws `tags: rule N: …` on the first bad one. */
export function parseRules(data: unknown): TagRule[] {
  const list = Array.isArray(data) ? data : (data as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(list)) throw new Error('tags: a rule file must hold a list of rules');
  return list.map((r: unknown, i): TagRule => {
    const where = `rule ${i + 1}`;
    if (!r || typeof r !== 'object') throw new Error(`tags: ${where}: not an object`);
    const o = r as Record<string, unknown>;
    if (typeof o.tag !== 'string' || !/[\p{L}\p{N}]/u.test(o.tag)) throw new Error(`tags: ${where}: "tag" must name a tag`);
    const rule: TagRule = { tag: o.tag };
    const any = strings(o.any, where, 'any');
    const all = strings(o.all, where, 'all');
    const feeds = strings(o.feeds, where, 'feeds');
    const categories = strings(o.categories, where, 'categories');
    const scopes = strings(o.in, where, 'in');
    if (scopes?.some((s) => !SCOPES.has(s))) throw new Error(`tags: ${where} (${o.tag}): "in" may hold only "title" and "content"`);
    if (!any && !all && !feeds && !categories) throw new Error(`tags: ${where} (${o.tag}): no condition (any, all, feeds or categories)`);
    if (any) rule.any = any;
    if (all) rule.all = all;
    if (scopes) rule.in = scopes as ('title' | 'content')[];
    if (feeds) rule.feeds = feeds;
    if (categories) rule.categories = categories;
    return rule;
  });
}

/** defaultRulesPath: where resources/tag-rules.json is — the given folder, TIDINGS_RESOURCES, Electron's resources, else the nearest resources/ above this module (repo root in dev and tests, next to out/ when bundled). */
export function defaultRulesPath(resourcesDir?: string): string {
  const candidates: string[] = [];
  // TIDINGS_RESOURCES is the override storage/rules.ts honours too.
  for (const dir of [resourcesDir, process.env.TIDINGS_RESOURCES]) if (dir) candidates.push(join(dir, FILE), join(dir, 'resources', FILE));
  const electronResources = (process as { resourcesPath?: string }).resourcesPath;
  if (electronResources) candidates.push(join(electronResources, FILE), join(electronResources, 'resources', FILE));
  // src-main/core in dev and tests, out/main once bundled: walk up to the folder holding resources/.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) candidates.push(join(dir, 'resources', FILE));
  candidates.push(resolve('resources', FILE));
  const hit = candidates.find((p) => existsSync(p));
  if (!hit) throw new Error(`tags: default rule pack ${FILE} not found (looked in ${candidates.join(', ')})`);
  return hit;
}

let cached: { key: string; rules: TagRule[] } | undefined;

/** loadDefaultRules: the default rule pack (resources/tag-rules.json), read again only when the file changed. */
export function loadDefaultRules(resourcesDir?: string): TagRule[] {
  const path = defaultRulesPath(resourcesDir);
  let data: unknown;
  let key = path;
  try {
    const st = statSync(path);
    key = `${path}|${st.mtimeMs}|${st.size}`;
    if (cached?.key === key) return cached.rules;
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`tags: cannot read ${path}: ${(err as Error).message}`);
  }
  cached = { key, rules: parseRules(data) };
  return cached.rules;
}
