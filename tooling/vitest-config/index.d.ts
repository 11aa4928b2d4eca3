import type { ViteUserConfig } from 'vitest/config';

/** The config every package's vitest.config.ts re-exports. */
export declare const config: ViteUserConfig;
