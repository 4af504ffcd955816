// Conformance (issue 3 §7): every feed of the shared corpus goes through decode + parse.
// Well-formed feeds must parse (with their items); ill-formed ones must end in a best-effort parse
// or a clear ParseError, never a crash or a hang; feedparser's Expect: lines become checks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParsedFeed } from '../../../src-main/core/model';
import { decodeBody } from '../../../src-main/core/encoding';
import { parseFeed, ParseError } from '../../../src-main/core/parser';
import { CORPUS } from '../../helpers/paths';
import { expectChecks, type Field } from './feedparser-expect';

interface Row {
  path: string;
  format: string;
  expect: string;
  source: string;
}

const rows: Row[] = readFileSync(join(CORPUS, 'manifest.tsv'), 'utf8')
  .split('\n')
  .slice(1)
  .filter(Boolean)
  .map((line) => {
    const [path = '', format = '', expect = '', source = ''] = line.split('\t');
    return { path, format, expect, source };
  })
  .filter((r) => r.format !== 'opml');

// Sanitization expectations (feedparser's sanitize/ tests) belong to the sanitizer, not the parser.
const SANITIZER_FOLDERS = /\/sanitize\//;

type Outcome = { feed?: ParsedFeed; error?: unknown; ms: number; text: string };

function run(row: Row): Outcome {
  const bytes = readFileSync(join(CORPUS, row.path));
  const latin = bytes.subarray(0, 4096).toString('latin1');
  // feedparser's test files carry the HTTP headers they were served with as comments.
  const contentType = /^Header:\s*Content-type:\s*(.+)$/im.exec(latin)?.[1]?.trim();
  const location = /^Header:\s*Content-Location:\s*(\S+)$/im.exec(latin)?.[1]?.trim();
  const original = row.source.split(':').slice(1).join(':');
  const docUrl = `http://127.0.0.1:8097/${original}`;
  const url = location ? new URL(location, docUrl).href : docUrl;
  const t0 = performance.now();
  try {
    const { text } = decodeBody(bytes, contentType);
    try {
      return { feed: parseFeed(text, url), ms: performance.now() - t0, text };
    } catch (error) {
      return { error, ms: performance.now() - t0, text };
    }
  } catch (error) {
    return { error, ms: performance.now() - t0, text: '' };
  }
}

function folderOf(path: string): string {
  return path.split('/').slice(1, 3).join('/');
}

const outcomes = new Map<string, Outcome>();
const outcomeOf = (row: Row): Outcome => {
  let o = outcomes.get(row.path);
  if (!o) outcomes.set(row.path, (o = run(row)));
  return o;
};

describe('corpus conformance', () => {
  it('parses every well-formed feed with its items', () => {
    const failures: string[] = [];
    for (const row of rows.filter((r) => r.expect === 'well-formed')) {
      const o = outcomeOf(row);
      if (!o.feed) {
        failures.push(`${row.path}: ${(o.error as Error)?.message}`);
        continue;
      }
      const declaresItems = /<(\w+:)?(item|entry)[\s>]/.test(o.text) || /"items"\s*:\s*\[\s*\{/.test(o.text);
      if (declaresItems && o.feed.items.length === 0) failures.push(`${row.path}: no items`);
    }
    const total = rows.filter((r) => r.expect === 'well-formed').length;
    console.log(`conformance: well-formed ${total - failures.length}/${total} parsed with their items`);
    if (failures.length) console.log(failures.map((f) => `  ${f}`).join('\n'));
    // Accepted failures are listed in docs/compatibility.md.
    expect(failures.length / total).toBeLessThan(0.01);
  });

  it('ends every ill-formed or unknown input in a best-effort parse or a clear error, quickly', () => {
    const crashes: string[] = [];
    let parsed = 0;
    let refused = 0;
    let slowest = 0;
    for (const row of rows.filter((r) => r.expect !== 'well-formed')) {
      const o = outcomeOf(row);
      slowest = Math.max(slowest, o.ms);
      if (o.feed) parsed++;
      else if (o.error instanceof ParseError && /^parser: /.test(o.error.message)) refused++;
      else crashes.push(`${row.path}: ${String(o.error)}`);
    }
    console.log(`conformance: ill-formed ${parsed} parsed best-effort, ${refused} refused with a parser error, ${crashes.length} crashed; slowest file ${slowest.toFixed(0)} ms`);
    expect(crashes).toEqual([]);
    expect(slowest).toBeLessThan(5000);
  });

  it('meets feedparser expectations for title, link, guid, dates, author, content, enclosures', () => {
    const perFolder = new Map<string, { pass: number; total: number }>();
    const perField = new Map<Field, { pass: number; total: number }>();
    const failures: string[] = [];
    let sanitizerClauses = 0;
    for (const row of rows.filter((r) => r.source.startsWith('kurtmckee/feedparser'))) {
      const head = readFileSync(join(CORPUS, row.path)).subarray(0, 4096).toString('latin1');
      const line = /^\s*Expect:\s*(.+)$/m.exec(head)?.[1]?.trim();
      if (!line) continue;
      const checks = expectChecks(line);
      if (SANITIZER_FOLDERS.test(row.path)) {
        sanitizerClauses += checks.length;
        continue;
      }
      if (!checks.length) continue;
      const o = outcomeOf(row);
      for (const c of checks) {
        const r = o.feed ? c.run(o.feed) : { ok: false, got: (o.error as Error)?.message, want: '' };
        const folder = folderOf(row.path);
        const pf = perFolder.get(folder) ?? { pass: 0, total: 0 };
        const ff = perField.get(c.field) ?? { pass: 0, total: 0 };
        pf.total++;
        ff.total++;
        if (r.ok) {
          pf.pass++;
          ff.pass++;
        } else failures.push(`${row.path}: ${c.clause.slice(0, 120)} — got ${JSON.stringify(r.got)?.slice(0, 120)}`);
        perFolder.set(folder, pf);
        perField.set(c.field, ff);
      }
    }
    const sum = [...perFolder.values()].reduce((a, b) => ({ pass: a.pass + b.pass, total: a.total + b.total }), { pass: 0, total: 0 });
    const pct = (p: { pass: number; total: number }) => `${p.pass}/${p.total} (${((100 * p.pass) / Math.max(1, p.total)).toFixed(1)}%)`;
    console.log(
      [
        `conformance: feedparser expectations ${pct(sum)}; ${sanitizerClauses} sanitizer clauses not counted`,
        ...[...perFolder].sort().map(([k, v]) => `  folder ${k}: ${pct(v)}`),
        ...[...perField].sort().map(([k, v]) => `  field ${k}: ${pct(v)}`),
        ...failures.map((f) => `  FAIL ${f}`),
      ].join('\n'),
    );
    expect(sum.pass / sum.total).toBeGreaterThanOrEqual(0.97);
  });
});
