// `npm run bench -- <name> [args]`: runs one benchmark module's `run(args)` and prints its results.
export {};

const BENCHES: Record<string, () => Promise<{ run(args: string[]): Promise<unknown> }>> = {
  refresh: () => import('./refresh'),
  export: () => import('./export'),
  library: () => import('./library'),
  timeline: () => import('./timeline'),
};

const [name, ...args] = process.argv.slice(2);
// No name runs them all, the long refresh comparison last.
const names = name ? [name] : ['library', 'timeline', 'export', 'refresh'];
for (const n of names) {
  const load = BENCHES[n];
  if (!load) {
    console.error(`bench: unknown benchmark "${n}"; choose one of: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  console.log(`bench: ${n}`);
  const results = await (await load()).run(args);
  if (Array.isArray(results)) for (const r of results) console.log(JSON.stringify(r));
}
