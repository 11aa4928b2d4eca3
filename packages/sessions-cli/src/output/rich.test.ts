import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { label, renderSessionCard } from './rich.js';
import { displayWidth } from './text.js';

const session = JSON.parse(
  readFileSync(new URL('../../../sessions-sdk/test/fixtures/session.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;
const ANSI = /\u001b\[/;

const lines = (text: string): string[] => text.split('\n');

describe('renderSessionCard', () => {
  test('puts the id, current state and max severity at the top', () => {
    const [title, state, severity] = lines(renderSessionCard(session, { width: 100 }));
    expect(title).toBe('Session 1164850932612410786_1715068800000');
    expect(state).toBe('Current state: SOME_FUTURE_STATE');
    expect(severity).toBe('Max severity:  HIGH (current MODERATE)');
  });

  test('shows every scalar field as a label: value line with times as ISO-8601 UTC', () => {
    const card = renderSessionCard({ ...session, brandNewField: 'kept' }, { width: 200 });
    expect(card).toMatch(/^Begin time: +2024-05-07T08:00:00\.000Z$/m);
    expect(card).toMatch(/^Last updated: +2024-05-08T09:20:12\.877Z$/m);
    expect(card).toMatch(/^Actor name: +ari\.example@example\.com$/m);
    expect(card).toMatch(/^No risk events: +14$/m);
    expect(card).toMatch(/^Tenant ID: +c4e43418-07d9-4a9f-a138-29f39a124d33$/m);
    expect(card).toMatch(/^Brand new field: +kept$/m);
  });

  test('shows nested lists as sub-sections with one line per entry, unknown lists and entry fields included', () => {
    const card = lines(renderSessionCard(session, { width: 300 }));
    const after = (heading: string, count: number): string[] => {
      const index = card.indexOf(heading);
      expect(index).toBeGreaterThan(0);
      return card.slice(index + 1, index + 1 + count);
    };
    expect(after('Notes (2)', 2)).toEqual([
      '  - 2024-05-08T09:00:00.000Z  by 1029384756102938475  Spoke with the manager: upload not expected. Escalating.  id b2f0c8f4-2d55-4d8e-9f0e-6a3c1a7e9b10',
      '  - 2024-05-08T09:20:12.877Z  by 1029384756102938475  Opened case 4412.  id 6f1e2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
    ]);
    expect(after('Scores (3)', 3)[1]).toBe(
      '  - 2024-05-07T08:20:02.311Z  HIGH  score 18  scoreReason: RISK_INDICATOR_ADDED',
    );
    expect(after('States (3)', 3)[2]).toBe(
      '  - 2024-05-08T09:20:12.877Z  SOME_FUTURE_STATE  (state IN_PROGRESS)  by 1029384756102938475',
    );
    expect(after('Risk indicators (2)', 2)[0]).toContain('Personal cloud storage upload  22 events  weight 9');
    const one = lines(
      renderSessionCard({ ...session, riskIndicators: [{ name: 'USB upload', eventCount: 1 }] }, { width: 300 }),
    );
    expect(one[one.indexOf('Risk indicators (1)') + 1]).toBe('  - USB upload  1 event');
    expect(after('Triggered alerts (1)', 1)[0]).toContain('Departing employee: cloud upload  rule a1b2c3d4');
    expect(after('Risk indicators alerted on (1)', 1)[0]).toBe(
      '  - id: c1d2e3f4-0000-4000-8000-000000000007  name: Personal cloud storage upload',
    );
    expect(after('Content inspection results', 1)[0]).toBe('  Detected on alerts: PII, SOURCE_CODE');
  });

  test('wraps to the width', () => {
    const long = { ...session, contextSummary: 'word '.repeat(60), notes: [{ content: 'x'.repeat(300) }] };
    for (const line of lines(renderSessionCard(long, { width: 60 }))) {
      expect(displayWidth(line)).toBeLessThanOrEqual(60);
    }
  });

  test('marks missing values and empty lists', () => {
    const card = renderSessionCard({ sessionId: 's', actorName: null, notes: [], states: null }, { width: 80 });
    expect(card).toMatch(/^Actor name: -$/m);
    expect(card).toMatch(/^Notes: +\(none\)$/m);
    expect(card).toContain('Current state: -');
  });

  test('writes ANSI only with colour, highlighting the state and a high severity', () => {
    expect(renderSessionCard(session, { width: 100 })).not.toMatch(ANSI);
    const card = renderSessionCard(session, { width: 100, color: true });
    expect(card).toContain('\u001b[1mSOME_FUTURE_STATE\u001b[22m');
    expect(card).toContain('\u001b[31mHIGH\u001b[39m');
  });

  test('keeps escape sequences in server text off the terminal', () => {
    const card = renderSessionCard({ sessionId: 'x', contextSummary: 'evil\u001b]0;title\u0007 text' }, { width: 80 });
    expect(card).not.toMatch(ANSI);
    expect(card).not.toContain('\u0007');
  });
});

describe('label', () => {
  test('turns API keys into labels', () => {
    expect(label('actorId')).toBe('Actor ID');
    expect(label('riskIndicatorsAlertedOn')).toBe('Risk indicators alerted on');
    expect(label('@timestamp')).toBe('@timestamp');
  });
});
