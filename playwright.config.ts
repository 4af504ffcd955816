import { defineConfig } from '@playwright/test';
import { execSync } from 'node:child_process';

// Debian's Chromium: Playwright's own browser download cannot work on these machines.
function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execSync('command -v chromium || command -v chromium-browser', { shell: '/bin/sh' }).toString().trim() || undefined;
  } catch {
    return undefined;
  }
}

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  // Tools, not tests: `npm run screenshots` writes the README pictures, `npm run bench -- timeline`
  // measures the 100,000-item timeline. Each runs only when asked for.
  testIgnore: [
    ...(process.env.TIDINGS_SCREENSHOTS ? [] : ['**/reader-screenshots.spec.ts']),
    ...(process.env.TIDINGS_BENCH ? [] : ['**/reader-perf.spec.ts']),
  ],
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: process.env.CI ? [['list'], ['json', { outputFile: '.playwright-results.json' }]] : 'list',
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: chromiumPath(),
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    trace: 'off',
  },
});
