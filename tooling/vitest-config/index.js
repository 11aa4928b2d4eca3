// Shared vitest settings: unit tests beside the code, integration tests in test/, bounded time, and a JSON report
// that scripts/test.mjs sums into the `N passed, N failed` line.
import { defineConfig } from 'vitest/config';

/** The config every package's vitest.config.ts re-exports. */
export const config = defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
