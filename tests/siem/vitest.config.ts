import { config } from '@x/vitest-config';

export default config;
