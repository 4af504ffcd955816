// Sums the JSON reports of every test runner CI ran into one line: "N passed, N failed".
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
const seen = [];

if (existsSync('.vitest-results.json')) {
  const r = JSON.parse(readFileSync('.vitest-results.json', 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += Math.max(r.numFailedTests ?? 0, r.numFailedTestSuites ?? 0);
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  seen.push('vitest');
}

if (existsSync('.playwright-results.json')) {
  const r = JSON.parse(readFileSync('.playwright-results.json', 'utf8'));
  const s = r.stats ?? {};
  passed += (s.expected ?? 0) + (s.flaky ?? 0);
  failed += s.unexpected ?? 0;
  skipped += s.skipped ?? 0;
  failed += (r.errors ?? []).length;
  seen.push('playwright');
}

console.log(`runners: ${seen.join(', ') || 'none'}`);
if (seen.length === 0) failed += 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
