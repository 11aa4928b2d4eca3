// `turbo run ARGS` for the root scripts (build, demo, bench, …), with turbo's telemetry off: its first-run notice
// would be the only unexpected text in a first install and demo, and nothing should be sent from a user's clone.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const turbo = spawnSync(join(root, 'node_modules', '.bin', 'turbo'), ['run', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
});
if (turbo.error) console.error(`cannot run turbo: ${turbo.error.message}`);
process.exit(turbo.status ?? 1);
