#!/usr/bin/env node
// Runs @doyensec/electronegativity over the built app (out/) and the main-process sources
// (src-main/), and fails on any finding not justified in scripts/electronegativity.justified.mjs.
// Usage: node scripts/electronegativity.mjs [DIR…]   (after `npx electron-vite build`; DIRs replace
// the default scans, e.g. to show that a weakened app fails)
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { JUSTIFIED } from './electronegativity.justified.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(REPO, 'node_modules/@doyensec/electronegativity/dist/index.js');
const run = promisify(execFile);

// The CSP lives in src-renderer/index.html, which the build scan covers; on src-main alone the
// global CSP check can only report "no CSP found".
const SCANS = [
  { name: 'build', input: 'out', exclude: [] },
  { name: 'sources', input: 'src-main', exclude: ['CSPGlobalCheck'] },
];

/** parseCsv: rows of electronegativity's CSV report (quoted fields, "" escapes). */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field.trim()), (field = '');
    else if (c === '\n') row.push(field.trim()), rows.push(row), (row = []), (field = '');
    else if (c !== '\r') field += c;
  }
  if (field || row.length) row.push(field.trim()), rows.push(row);
  return rows;
}

function electronVersion() {
  try {
    return JSON.parse(readFileSync(join(REPO, 'node_modules/electron/package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

async function scan({ name, input, exclude }, version, dir) {
  const output = join(dir, `${name}.csv`);
  const args = [BIN, '-i', resolve(REPO, input), '-o', output, '-r', '-v', 'false'];
  if (version) args.push('-e', version);
  if (exclude.length) args.push('-x', exclude.join(','));
  try {
    await run(process.execPath, args, { cwd: REPO, timeout: 180_000, maxBuffer: 16 << 20 });
  } catch (err) {
    throw new Error(`electronegativity: the ${name} scan failed: ${err.stderr || err.message}`);
  }
  if (!existsSync(output)) throw new Error(`electronegativity: the ${name} scan wrote no report`);
  const [header, ...rows] = parseCsv(readFileSync(output, 'utf8'));
  if (!header || header[0] !== 'issue') throw new Error(`electronegativity: unexpected report header in ${output}`);
  return rows.filter((r) => r.length >= 6).map(([check, severity, confidence, file, location, sample]) => ({ scan: name, check, severity, confidence, file, location, sample }));
}

function justification(f) {
  return JUSTIFIED.find((j) => j.check === f.check && j.file.test(f.file) && (!j.sample || j.sample.test(f.sample)));
}

async function main(dirs) {
  const scans = dirs.length ? dirs.map((d, i) => ({ name: `arg${i}`, input: d, exclude: [] })) : SCANS;
  for (const need of dirs.length ? [] : ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
    if (!existsSync(join(REPO, need))) {
      console.error(`electronegativity: ${need} is missing; run \`npx electron-vite build\` first`);
      process.exit(2);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'electronegativity-'));
  try {
    const version = electronVersion();
    const findings = [];
    for (const s of scans) findings.push(...(await scan(s, version, dir)));
    const unjustified = findings.filter((f) => !justification(f));
    for (const f of findings) {
      const j = justification(f);
      console.log(`${j ? 'justified  ' : 'UNJUSTIFIED'} ${f.check} ${f.severity}/${f.confidence} ${f.scan}:${f.file}:${f.location}${j ? ` — ${j.reason}` : `\n    ${f.sample}`}`);
    }
    if (!dirs.length) for (const j of JUSTIFIED) if (!findings.some((f) => justification(f) === j)) console.warn(`electronegativity: justification for ${j.check} no longer matches any finding; remove it`);
    console.log(`electronegativity: ${findings.length} findings, ${unjustified.length} unjustified (Electron ${version ?? 'unknown'})`);
    process.exitCode = unjustified.length ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  });
}
