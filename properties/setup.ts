// fast-check's global configuration for every suite: the seed and run count come from the environment
// (FC_SEED, FC_NUM_RUNS; .ci/run fixes both and prints them), so a CI failure replays exactly.
import fc from 'fast-check';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 100);
fc.configureGlobal({ seed, numRuns, verbose: 1, endOnFailure: false });
if (!(globalThis as { __fcSeedPrinted?: boolean }).__fcSeedPrinted) {
  (globalThis as { __fcSeedPrinted?: boolean }).__fcSeedPrinted = true;
  process.stdout.write(`fast-check: seed=${seed} numRuns=${numRuns} (replay with FC_SEED=${seed})\n`);
}
