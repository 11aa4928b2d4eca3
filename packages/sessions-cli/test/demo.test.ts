// README command 1 runs scripts/demo.mjs: it must keep telling its story against the current code.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT_MS, PACKAGE_DIR, ensureBuilt, runShell } from './helpers/run.js';
import { patient } from '@x/vitest-config/patience';

beforeAll(async () => {
  await ensureBuilt();
}, BUILD_TIMEOUT_MS);

describe('the demo', () => {
  it('searches, shows, forwards with a checkpoint, forwards only changes, bulk-closes, and cleans up', async () => {
    const demo = join(PACKAGE_DIR, '..', '..', 'scripts', 'demo.mjs');
    const result = await runShell(`"$INCYDR_TEST_NODE" ${JSON.stringify(demo)}`, { timeoutMs: 60_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/\$ incydr sessions search --start 3d --state OPEN .*\n {2}session_id +begin_time +actor_name/);
    expect(out).toMatch(/\$ incydr sessions show \S+\n {2}Session \S+\n {2}Current state: OPEN/);
    const forwards = [...out.matchAll(/checkpoint "siem": fetched (\d+), new (\d+), changed (\d+), unchanged (\d+), delivered (\d+)/g)].map(
      (match) => match.slice(1).map(Number),
    );
    expect(forwards).toHaveLength(3);
    const [first, second, third] = forwards as [number[], number[], number[]];
    expect(first[4]).toBe(first[0]);
    expect(out).toContain(`The receiver holds ${first[4]} records`);
    // Only what changed goes out the second time, and the third carries exactly the five closed sessions.
    expect(second[4]).toBe((second[1] ?? 0) + (second[2] ?? 0));
    expect(second[4]).toBeGreaterThan(0);
    expect(second[4]).toBeLessThan(first[4] ?? 0);
    expect(out).toContain(`The receiver got ${second[4]} more records`);
    expect(out).toContain('5 updated, 5 notes added, 0 failed');
    expect(third).toEqual([second[0], 0, 5, (second[0] ?? 0) - 5, 5]);
    expect(out).toContain('Done: the emulator, the receiver and the scratch folder are gone.');
  }, patient(90_000));
});
