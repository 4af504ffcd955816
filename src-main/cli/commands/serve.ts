import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bool, flag, only, positionals } from '../args';
import { UsageError, type CliCommand } from '../types';
import { startHttpServer } from '../../server/http';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const command: CliCommand = {
  name: 'serve',
  usage: 'serve [--port N] [--open]',
  summary: 'serve the reader to a browser on 127.0.0.1 (token-protected) until interrupted',
  async run(ctx, args) {
    only(args, ['port', 'open', 'static']);
    positionals(args, 0);
    const portRaw = flag(args, 'port') ?? '0';
    const port = Number(portRaw);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`cli: --port ${portRaw} is not a port number`);
    const staticDir = resolve(flag(args, 'static') ?? join(REPO, 'out/renderer'));
    if (!existsSync(join(staticDir, 'index.html'))) {
      ctx.err(`serve: no built reader in ${staticDir}; run \`npm run build\` first`);
      return 1;
    }
    const reader = await ctx.openReader({ background: true });
    const server = await startHttpServer({ reader, staticDir, port });
    ctx.out(server.url);
    if (bool(args, 'open')) openBrowser(server.url);
    await new Promise<void>((done) => {
      const stop = () => done();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    return 0;
  },
};

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}
