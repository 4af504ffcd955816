// Issue 7 §3: electronegativity runs in CI over the built app and the sources, and fails on any
// finding not justified in scripts/electronegativity.justified.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/paths';

const SCRIPT = join(REPO, 'scripts/electronegativity.mjs');
const weak = mkdtempSync(join(tmpdir(), 'tidings-weak-app-'));
afterAll(() => rmSync(weak, { recursive: true, force: true }));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { cwd: REPO, encoding: 'utf8', timeout: 170_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('scripts/electronegativity.mjs', () => {
  it.runIf(existsSync(join(REPO, 'out/main/index.js')))('finds nothing unjustified in the built app and the sources', () => {
    const { code, out } = run([]);
    expect(out).toMatch(/electronegativity: \d+ findings, 0 unjustified, 0 files unparsed/);
    expect(code).toBe(0);
  }, 180_000);

  it('fails on a main process that turns the checklist off', () => {
    mkdirSync(join(weak, 'main'), { recursive: true });
    writeFileSync(
      join(weak, 'main/index.js'),
      `const { BrowserWindow } = require('electron');\nnew BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, webSecurity: false, sandbox: false } });\n`,
    );
    // A file the scanner cannot parse is a file it did not check: that fails too.
    writeFileSync(join(weak, 'main/broken.js'), 'const = ;\n');
    const { code, out } = run([weak]);
    expect(out).toMatch(/UNPARSED .*broken\.js/);
    expect(out).toMatch(/UNJUSTIFIED CONTEXT_ISOLATION_JS_CHECK/);
    expect(out).toMatch(/UNJUSTIFIED WEB_SECURITY_JS_CHECK/);
    expect(out).toMatch(/UNJUSTIFIED SANDBOX_JS_CHECK/);
    expect(code).toBe(1);
  }, 180_000);
});
