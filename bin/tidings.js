#!/usr/bin/env node
// The CLI runs the TypeScript sources through tsx, so `npx tidings` needs no build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src-main/cli/main.ts');
const code = await runCli(process.argv.slice(2));
process.exitCode = code;
// `serve` and open handles (keep-alive sockets) must not keep a finished command alive.
if (process.argv[2] !== 'serve') setTimeout(() => process.exit(code), 50).unref();
