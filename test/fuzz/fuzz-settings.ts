/**
 * Seeds and run counts of the property-based fuzz suite. Fixed seeds make a failure reproducible (fast-check
 * prints the seed and path of the smallest failing case); the counts keep the suite inside a few seconds
 * on a shared 2-core machine. FUZZ_RUNS scales every count, e.g. FUZZ_RUNS=10 for a longer local hunt.
 */
const scale = Math.max(1, Number(process.env.FUZZ_RUNS ?? '1') || 1);

export const FUZZ = {
  commandLines: { seed: 1401, numRuns: 300 * scale },
  playgroundRequests: { seed: 1402, numRuns: 150 * scale },
  csvFiles: { seed: 1403, numRuns: 200 * scale },
  chatEvents: { seed: 1404, numRuns: 500 * scale },
} as const;
