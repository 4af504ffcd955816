// The shape of one CLI command module (src-main/cli/commands/<name>.ts).
import type { Reader } from '../core/reader';

/** Parsed argv: positionals and flags (`--tag a --tag b` → tag: ['a','b']; `--json` → true). */
export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string[] | true>;
}

export interface CliContext {
  dataDir: string;
  json: boolean;
  /** Opens (and locks) the library; the CLI closes it after run. */
  openReader(opts?: { background?: boolean }): Promise<Reader>;
  out(line: string): void;
  err(line: string): void;
}

/** Thrown for bad usage; the CLI prints the message and the usage and exits 2. */
export class UsageError extends Error {}

export interface CliCommand {
  name: string;
  /** One line: `export-md <dir> [--tag T ...]`. */
  usage: string;
  summary: string;
  /** Resolves to the exit code: 0 ok, 1 partial failure, 2 bad usage. */
  run(ctx: CliContext, args: ParsedArgs): Promise<number>;
}
