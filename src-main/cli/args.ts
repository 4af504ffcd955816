import { UsageError, type ParsedArgs } from './types';

// Flags that never take a value; everything else written `--name value` takes the next word.
const BOOLEAN_FLAGS = new Set(['json', 'unread', 'starred', 'overwrite', 'open', 'help', 'all', 'force']);

/** parseArgs: argv (after the command name) → positionals and flags; `--` ends flags. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags: ParsedArgs['flags'] = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '--') {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq === -1 ? undefined : eq);
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new UsageError(`cli: bad flag ${a}`);
    if (BOOLEAN_FLAGS.has(name)) {
      if (eq !== -1) throw new UsageError(`cli: --${name} takes no value`);
      flags[name] = true;
      continue;
    }
    const value = eq !== -1 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`cli: --${name} needs a value`);
    const prev = flags[name];
    flags[name] = Array.isArray(prev) ? [...prev, value] : [value];
  }
  return { positionals, flags };
}

/** flag: the last value of a valued flag. */
export function flag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return Array.isArray(v) ? v[v.length - 1] : undefined;
}

/** flags: every value of a repeatable flag (`--tag a --tag b`). */
export function flagList(args: ParsedArgs, name: string): string[] {
  const v = args.flags[name];
  return Array.isArray(v) ? v : [];
}

/** bool: whether a boolean flag was given. */
export function bool(args: ParsedArgs, name: string): boolean {
  return args.flags[name] === true;
}

/** only: refuse flags a command does not know, so a typo is an error rather than ignored. */
export function only(args: ParsedArgs, allowed: string[]): void {
  const ok = new Set([...allowed, 'data-dir', 'json', 'help']);
  for (const name of Object.keys(args.flags)) {
    if (!ok.has(name)) throw new UsageError(`cli: unknown option --${name}`);
  }
}

/** positionals: exactly n..m positional arguments, else a usage error. */
export function positionals(args: ParsedArgs, min: number, max = min): string[] {
  const p = args.positionals;
  if (p.length < min) throw new UsageError('cli: missing argument');
  if (p.length > max) throw new UsageError(`cli: unexpected argument ${p[max]}`);
  return p;
}
