// One digest worker (digest-pool.ts): digestFeed for each message, the result or the error back.
import { parentPort } from 'node:worker_threads';
import { digestFeed, forTransfer, type DigestInput } from './digest';

let rules: DigestInput['rules'] = [];

parentPort?.on('message', (input: Omit<DigestInput, 'rules'> & { rules?: DigestInput['rules'] }) => {
  // Rules come only when they changed; keeping the same array keeps computeTags' compiled cache.
  if (input.rules) rules = input.rules;
  try {
    // The raw article goes back only where identity needs it: copying it costs the main thread.
    parentPort!.postMessage({ digest: forTransfer(digestFeed({ ...input, rules })) });
  } catch (e) {
    parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
});
