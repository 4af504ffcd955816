// `npm run bench -- timeline`: the 100,000-item timeline in Debian's Chromium through browser mode
// (tests/e2e/reader-perf.spec.ts): open to first row, frame times while scrolling 10,000 rows, and
// the time to show a selected item, printed against the targets of issue 5.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');

/** run: build the renderer, run the measurement, print its figures and the targets. */
export async function run(): Promise<unknown[]> {
  const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: REPO, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('bench: the renderer build failed');
  const r = spawnSync('npx', ['playwright', 'test', 'reader-perf', '--reporter=line'], {
    cwd: REPO,
    env: { ...process.env, TIDINGS_BENCH: '1' },
    encoding: 'utf8',
  });
  const line = /reader-perf: (\{.*\})/.exec(r.stdout + r.stderr);
  if (!line) throw new Error(`bench: no figures from the timeline run:\n${r.stdout}\n${r.stderr}`);
  const f = JSON.parse(line[1]!) as Record<string, number>;
  const rows = [
    { name: 'timeline open → first row (100,000 items)', ms: f.openToFirstRowMs },
    { name: 'timeline scroll 10,000 rows: frame p50', ms: f.frameP50Ms, targetMs: 16.7 },
    { name: 'timeline scroll 10,000 rows: frame p95', ms: f.frameP95Ms, targetMs: 16.7, met: f.frameP95Ms! <= 16.7 },
    { name: 'select an item → shown: p50', ms: f.openItemP50Ms, targetMs: 50, met: f.openItemP50Ms! <= 50 },
    { name: 'select an item → shown: max', ms: f.openItemMaxMs, targetMs: 50 },
    { name: 'rows in the DOM', count: f.rowsInDom },
  ];
  return rows;
}
