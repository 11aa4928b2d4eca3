import { config } from '@x/eslint-config';

export default config;
