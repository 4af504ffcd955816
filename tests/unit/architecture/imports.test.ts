// The core must run without Electron (it is tested in plain Node here, where Electron cannot start),
// and only storage/ may touch lowdb. This walks the real import graph, following relative imports.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/paths';

const IMPORT_RE = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sourceFiles(p) : /\.ts$/.test(name) ? [p] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT_RE)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]!).filter(Boolean);
}

function resolveLocal(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  for (const c of [base, `${base}.ts`, join(base, 'index.ts')]) if (existsSync(c) && statSync(c).isFile()) return c;
  return undefined;
}

/** Every bare package reachable from the entry files, with the chain that reaches it. */
function reachablePackages(entries: string[]): Map<string, string[]> {
  const seen = new Set<string>();
  const found = new Map<string, string[]>();
  const stack = entries.map((e) => ({ file: e, chain: [relative(REPO, e)] }));
  while (stack.length) {
    const { file, chain } = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) {
        const next = resolveLocal(file, spec);
        if (next) stack.push({ file: next, chain: [...chain, relative(REPO, next)] });
      } else {
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!found.has(pkg)) found.set(pkg, chain);
      }
    }
  }
  return found;
}

describe('architecture', () => {
  const core = sourceFiles(join(REPO, 'src-main/core'));
  const everythingButApp = ['core', 'storage', 'cli', 'server', 'ipc'].flatMap((d) => sourceFiles(join(REPO, 'src-main', d)));

  it('finds the core sources it checks', () => {
    expect(core.length).toBeGreaterThan(5);
  });

  it('never reaches electron from the core, storage, ipc, server or CLI', () => {
    const pkgs = reachablePackages(everythingButApp);
    const chain = pkgs.get('electron');
    expect(chain, chain ? `electron reached via ${chain.join(' → ')}` : '').toBeUndefined();
  });

  it('imports lowdb only from src-main/storage', () => {
    const offenders = sourceFiles(join(REPO, 'src-main'))
      .filter((f) => !relative(REPO, f).startsWith('src-main/storage/'))
      .filter((f) => importsOf(f).some((s) => s === 'lowdb' || s.startsWith('lowdb/')));
    expect(offenders.map((f) => relative(REPO, f))).toEqual([]);
  });

  it('detects a violation when one exists (the walker is not blind)', () => {
    const pkgs = reachablePackages([join(REPO, 'src-main/app/index.ts')]);
    expect(pkgs.has('electron')).toBe(true);
  });
});
