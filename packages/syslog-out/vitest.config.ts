import { mergeConfig } from 'vitest/config';
import { config } from '@x/vitest-config';

// Most of these tests wait on sockets and timers rather than compute: three files at once finish in about half the
// time of one after another (vitest's default on two cores is a single worker). Their bounds scale with the load.
export default mergeConfig(config, { test: { maxWorkers: 3 } });
