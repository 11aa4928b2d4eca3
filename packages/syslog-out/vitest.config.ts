import { availableParallelism } from 'node:os';
import { mergeConfig } from 'vitest/config';
import { config } from '@x/vitest-config';

// Most of these tests wait on sockets and timers rather than compute: files run side by side finish well before one
// after another (vitest's default on two cores is a single worker). At most one per core and three in all, though:
// a file's bounds scale with the machine's load, not with a queue of other files on the same core.
export default mergeConfig(config, { test: { maxWorkers: Math.min(3, availableParallelism()) } });
