// A small deterministic generator (xorshift32) for tests that generate inputs: the same seed gives
// the same cases on every run, so a failure can be reproduced. bench/farm.ts keeps its own copy so
// that the benchmark does not depend on test code.

/** rng: a generator of numbers in [0, 1) from a seed. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}
