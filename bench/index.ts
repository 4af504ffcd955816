// `npm run bench -- <name> [args]`: runs one benchmark module's `run(args)` and prints its results.
export {};

const BENCHES: Record<string, () => Promise<{ run(args: string[]): Promise<unknown> }>> = {
  refresh: () => import('./refresh'),
  export: () => import('./export'),
  library: () => import('./library'),
};

const [name = '', ...args] = process.argv.slice(2);
const load = BENCHES[name];
if (!load) {
  console.error(`bench: unknown benchmark "${name}"; choose one of: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
const results = await (await load()).run(args);
if (Array.isArray(results)) for (const r of results) console.log(JSON.stringify(r));
