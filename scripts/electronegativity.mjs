#!/usr/bin/env node
// Runs @doyensec/electronegativity over the built app (out/) and the main-process sources
// (src-main/), and fails on any finding not justified in scripts/electronegativity.justified.mjs,
// and on any file it could not parse (an unparsed file is an unchecked file).
// Usage: node scripts/electronegativity.mjs [DIR…]   (after `npx electron-vite build`; DIRs replace
// the default scans, e.g. to show that a weakened app fails)
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { JUSTIFIED } from './electronegativity.justified.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** electronVersion: the installed electron package's version (the binary itself may be absent). */
function electronVersion() {
  try {
    return JSON.parse(readFileSync(join(REPO, 'node_modules/electron/package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

function walk(dir) {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
}

/**
 * lowerBuild: a copy of out/ with every script rewritten to ES2021. electronegativity's parsers
 * (esprima, and babel feeding estraverse) predate class private fields, so an ES2022 bundle would
 * fail to parse and go unchecked; TypeScript lowers them without changing anything the checks read.
 */
function lowerBuild(outDir, into) {
  cpSync(outDir, into, { recursive: true });
  for (const file of walk(into).filter((f) => /\.(c|m)?js$/.test(f))) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { target: ts.ScriptTarget.ES2021, module: ts.ModuleKind.Preserve, allowJs: true, removeComments: false },
    });
    writeFileSync(file, outputText);
  }
  return into;
}

async function scan(name, input, exclude, version) {
  const mod = await import('@doyensec/electronegativity');
  const run = mod.default?.default ?? mod.default;
  const result = await run(
    { input, isRelative: true, electronVersionOverride: version, excludeFromScan: exclude, customScan: [], parserPlugins: [], isVerbose: false },
    false,
  );
  const findings = result.issues.map((i) => ({
    scan: name, check: i.id, severity: i.severity?.name, confidence: i.confidence?.name, file: i.file,
    location: `${i.location?.line ?? 0}:${i.location?.column ?? 0}`, sample: String(i.sample ?? ''),
  }));
  const unparsed = result.errors.filter((e) => !e.tolerable).map((e) => `${name}: ${e.file}: ${e.message}`);
  return { findings, unparsed };
}

function justification(f) {
  return JUSTIFIED.find((j) => j.check === f.check && j.file.test(f.file) && (!j.sample || j.sample.test(f.sample)));
}

async function main(dirs) {
  for (const need of dirs.length ? [] : ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
    if (!existsSync(join(REPO, need))) {
      console.error(`electronegativity: ${need} is missing; run \`npx electron-vite build\` first`);
      process.exit(2);
    }
  }
  const tmp = mkdtempSync(join(tmpdir(), 'electronegativity-'));
  try {
    // The CSP lives in src-renderer/index.html, which the build scan covers; on src-main alone the
    // global CSP check could only report "no CSP found".
    const scans = dirs.length
      ? dirs.map((d, i) => [`arg${i}`, resolve(d), []])
      : [['build', lowerBuild(join(REPO, 'out'), join(tmp, 'out')), []], ['sources', join(REPO, 'src-main'), ['CSPGlobalCheck']]];
    const version = electronVersion();
    const findings = [];
    const unparsed = [];
    for (const [name, input, exclude] of scans) {
      const r = await scan(name, input, exclude, version);
      findings.push(...r.findings);
      unparsed.push(...r.unparsed);
    }
    const unjustified = findings.filter((f) => !justification(f));
    for (const f of findings) {
      const j = justification(f);
      console.log(`${j ? 'justified  ' : 'UNJUSTIFIED'} ${f.check} ${f.severity}/${f.confidence} ${f.scan}:${f.file}:${f.location}${j ? ` — ${j.reason}` : `\n    ${f.sample.slice(0, 300)}`}`);
    }
    for (const u of unparsed) console.log(`UNPARSED    ${u}`);
    if (!dirs.length) for (const j of JUSTIFIED) if (!findings.some((f) => justification(f) === j)) console.warn(`electronegativity: justification for ${j.check} no longer matches any finding; remove it`);
    console.log(`electronegativity: ${findings.length} findings, ${unjustified.length} unjustified, ${unparsed.length} files unparsed (Electron ${version ?? 'unknown'})`);
    process.exitCode = unjustified.length || unparsed.length ? 1 : 0;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`electronegativity: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(2);
  });
}
