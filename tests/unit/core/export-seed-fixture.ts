// Reads the reference export in ../shared/seed-example into its parts, so tests can rebuild the
// item it came from (the tag test and the Markdown export test share this).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SEED_DIR } from '../../helpers/paths';

export interface Seed {
  file: string;
  raw: string;
  frontMatter: Record<string, unknown>;
  /** The front matter keys in file order. */
  keys: string[];
  /** The article text between the front matter and the "Read original article" line. */
  body: string;
  link: string;
}

/** readSeed: the single reference export file, split into front matter and body. */
export function readSeed(): Seed {
  const name = readdirSync(SEED_DIR).find((f) => f.endsWith('.txt') || f.endsWith('.md'));
  if (!name) throw new Error(`no seed file in ${SEED_DIR}`);
  const raw = readFileSync(join(SEED_DIR, name), 'utf8');
  const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(raw);
  if (!m) throw new Error('seed: no front matter');
  const fmText = m[1]!;
  const keys = [...fmText.matchAll(/^([a-z_]+):/gm)].map((k) => k[1]!);
  const tail = /\n*\[Read original article\]\(([^)]+)\)\s*$/.exec(m[2]!);
  if (!tail) throw new Error('seed: no "Read original article" line');
  return {
    file: name,
    raw,
    frontMatter: parse(fmText) as Record<string, unknown>,
    keys,
    body: m[2]!.slice(0, tail.index).trim(),
    link: tail[1]!,
  };
}

/** seedPublished: the seed's `date` (`YYYY-MM-DD HH:MM:SS +0000`) as ISO UTC. */
export function seedPublished(seed: Seed): string {
  const d = String(seed.frontMatter.date);
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) \+0000$/.exec(d);
  if (!m) throw new Error(`seed: unexpected date ${d}`);
  return `${m[1]}T${m[2]}.000Z`;
}
