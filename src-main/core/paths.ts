import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** resolveDataDir: `--data-dir DIR` (or `--data-dir=DIR`), else TIDINGS_DATA_DIR, else $XDG_CONFIG_HOME/Tidings, else ~/.config/Tidings. */
export function resolveDataDir(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const flag = flagValue(argv, '--data-dir');
  if (flag) return resolve(flag);
  if (env.TIDINGS_DATA_DIR) return resolve(env.TIDINGS_DATA_DIR);
  // The same folder Electron's userData uses on Linux, so the app, the CLI and `serve` share it.
  const config = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(config, 'Tidings');
}

function flagValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === name) return argv[i + 1];
    if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
  }
  return undefined;
}
