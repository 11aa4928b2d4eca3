// Shared vitest settings: unit tests beside the code, integration tests in test/, bounded time, and a JSON report
// that scripts/test.mjs sums into the `N passed, N failed` line.
import { defineConfig } from 'vitest/config';
import { patient, timeScale } from './patience.js';

// Said once per package, so a slow run's log shows how much time each bound had.
console.error(`test time bounds x${timeScale()} for this machine's current load`);

/** The config every package's vitest.config.ts re-exports. */
export const config = defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Bounds for a hung test, scaled to how loaded this machine is (see patience.js); the workers inherit the factor.
    testTimeout: patient(60_000),
    hookTimeout: patient(60_000),
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
