import { fuzzProperties } from './fuzz-properties';

/** Cases per property in CI; `npm run fuzz` runs FUZZ_RUNS (default 20,000) of each. */
const CI_RUNS = 300;

describe('reliability: fuzzing', () => {
  for (const p of fuzzProperties({ yamlAliases: true })) {
    it(`should return a result or a clear error, within time: ${p.name}`, () => {
      p.run(CI_RUNS);
    });
  }
});
