// The seeded generator for tests that generate inputs: the same seed gives the same cases on every
// run, so a failure can be reproduced. It is the benchmark farm's own (bench/farm.ts).
export { rng } from '../../bench/farm';
