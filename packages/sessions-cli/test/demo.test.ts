// README command 1 runs scripts/demo.mjs: it must keep telling its story against the current code.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT_MS, PACKAGE_DIR, ensureBuilt, runShell } from './helpers/run.js';
import { patient } from '@x/vitest-config/patience';

let result: Awaited<ReturnType<typeof runShell>>;

beforeAll(
  async () => {
    await ensureBuilt();
    const demo = join(PACKAGE_DIR, '..', '..', 'scripts', 'demo.mjs');
    result = await runShell(`"$INCYDR_TEST_NODE" ${JSON.stringify(demo)}`, { timeoutMs: 60_000 });
  },
  BUILD_TIMEOUT_MS + patient(60_000),
);

describe('the demo', () => {
  it('searches, shows, forwards with a checkpoint, forwards only changes, bulk-closes, and cleans up', () => {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/\$ incydr sessions search --start 3d --state OPEN .*\n {2}session_id +begin_time +actor_name/);
    expect(out).toMatch(/\$ incydr sessions show \S+\n {2}Session \S+\n {2}Current state: OPEN/);
    // The same session as an OCSF record: pretty JSON, the Detection Finding class first.
    expect(out).toMatch(
      /\$ incydr sessions show (\S+) --record ocsf -f json-pretty\n {2}\{\n {4}"class_uid": 2004,\n {4}"class_name": "Detection Finding",/,
    );
    const forwards = [
      ...out.matchAll(/checkpoint "siem": fetched (\d+), new (\d+), changed (\d+), unchanged (\d+), delivered (\d+)/g),
    ].map((match) => match.slice(1).map(Number));
    expect(forwards).toHaveLength(3);
    const [first, second, third] = forwards as [number[], number[], number[]];
    expect(first[4]).toBe(first[0]);
    expect(out).toContain(`The receiver holds ${first[4]} records`);
    // Only what changed goes out the second time, and the third carries exactly the five closed sessions.
    expect(second[4]).toBe((second[1] ?? 0) + (second[2] ?? 0));
    expect(second[4]).toBeGreaterThan(0);
    expect(second[4]).toBeLessThan(first[4] ?? 0);
    expect(out).toContain(
      `The receiver got ${second[4]} more records (${second[1]} new, ${second[2]} changed), not ${first[4]} again.`,
    );
    expect(out).toContain('5 updated, 5 notes added, 0 failed');
    // The window is now minus the lookback on the wall clock: a session that began at its very start can leave it
    // between two forwards on a slow machine, so the third may fetch a few fewer. What changed is the five closed.
    expect(third.slice(1)).toEqual([0, 5, (third[0] ?? 0) - 5, 5]);
    expect(third[0]).toBeLessThanOrEqual(second[0] ?? 0);
    expect(third[0]).toBeGreaterThanOrEqual((second[0] ?? 0) - 3);
    // That third forward sends OCSF records: an Update for each closed session, closed as a false positive.
    expect(out).toContain('5 more records at the receiver: 5 × Detection Finding: Update (status Suppressed).');
    expect(out).toContain('Done: the emulator, the receiver and the scratch folder are gone.');
  });

  it("tells time passing in the numbers the next forward prints, and where the emulator's clock starts", () => {
    expect(result.code).toBe(0);
    const out = result.stdout;
    const clock = /The emulator's clock starts at (\S+), the top of the hour, and moves 1 ms per change/.exec(out)?.[1];
    expect(Date.parse(clock ?? '') % 3_600_000).toBe(0);
    const told =
      /as the checkpoint will count them: (\d+) new \((\d+) began in those hours, (\d+) arrived late, [^)]*\) and (\d+) changed since it forwarded them \((\d+) grew/.exec(
        out,
      );
    expect(told, out).not.toBeNull();
    const [, fresh, began, late, changed] = (told ?? []).map(Number);
    const second = /checkpoint "siem": fetched \d+, new (\d+), changed (\d+),/g;
    second.exec(out);
    const printed = second.exec(out);
    expect([fresh, changed]).toEqual([Number(printed?.[1]), Number(printed?.[2])]);
    expect(fresh).toBe((began ?? 0) + (late ?? 0));
    expect(changed).toBeGreaterThan(0);
  });
});
