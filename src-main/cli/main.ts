// `tidings <command>`: the same service as the app, from a terminal, on the same data dir.
import { parseArgs, flag } from './args';
import { UsageError, type CliCommand, type CliContext } from './types';
import { resolveDataDir } from '../core/paths';
import type { Reader } from '../core/reader';
import { COMMANDS } from './commands';

/** runCli: run one command line; resolves to the exit code (0 ok, 1 partial failure, 2 bad usage). */
export async function runCli(
  argv: readonly string[],
  io: { out(s: string): void; err(s: string): void } = { out: (s) => console.log(s), err: (s) => console.error(s) },
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help' || name === '-h') {
    io.out(usage());
    return name ? 0 : 2;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    io.err(`cli: unknown command ${JSON.stringify(name)}\n${usage()}`);
    return 2;
  }
  let reader: Reader | undefined;
  try {
    const args = parseArgs(rest);
    if (args.flags.help === true) {
      io.out(`usage: tidings ${cmd.usage}\n  ${cmd.summary}`);
      return 0;
    }
    const dataDir = resolveDataDir(flag(args, 'data-dir') ? ['--data-dir', flag(args, 'data-dir')!] : [], env);
    const ctx: CliContext = {
      dataDir,
      json: args.flags.json === true,
      out: io.out,
      err: io.err,
      async openReader(opts = {}) {
        // Loaded lazily so `--help` and usage errors stay instant.
        const { openReader } = await import('../core/service');
        if (!reader) {
          reader = await openReader({ dataDir, background: opts.background });
          // Damage found at open is reported, never silent: the file was moved aside, not lost.
          for (const n of reader.notices) io.err(n.message);
        }
        return reader;
      },
    };
    return await cmd.run(ctx, args);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${err.message}\nusage: tidings ${cmd.usage}`);
      return 2;
    }
    io.err(err instanceof Error ? err.message : String(err));
    return 1;
  } finally {
    await reader?.close();
  }
}

function usage(): string {
  return [
    'usage: tidings <command> [--data-dir DIR] [--json]',
    '',
    ...COMMANDS.flatMap((c: CliCommand) => [`  tidings ${c.usage}`, `      ${c.summary}`]),
    '',
    'Data dir: --data-dir, else $TIDINGS_DATA_DIR, else $XDG_CONFIG_HOME/Tidings (~/.config/Tidings).',
    'Exit codes: 0 ok, 1 some feeds or items failed, 2 bad usage.',
  ].join('\n');
}
