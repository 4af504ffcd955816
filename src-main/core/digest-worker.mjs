// Worker entry for digest-pool.ts when running from the TypeScript sources: tsx compiles them.
import { register } from 'tsx/esm/api';

register();
await import('./digest-worker.ts');
