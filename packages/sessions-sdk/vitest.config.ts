import { config } from '@x/vitest-config';
import { mergeConfig } from 'vitest/config';

// The type tests (`*.test-d.ts`) run with the others and count in the summary.
export default mergeConfig(config, {
  test: { typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' } },
});
