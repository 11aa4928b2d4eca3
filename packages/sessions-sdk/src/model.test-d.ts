import { describe, expectTypeOf, it } from 'vitest';
import {
  SESSION_STATES,
  SEVERITY_LABELS,
  currentScore,
  currentSeverity,
  severityFromLabel,
  severityLabel,
  toDurationMs,
  type Session,
  type SessionState,
  type SeverityLabel,
} from './model.js';

describe('the model entry', () => {
  it('types the enums as their literal values', () => {
    expectTypeOf(SESSION_STATES).toEqualTypeOf<
      readonly ['OPEN', 'IN_PROGRESS', 'CLOSED', 'CLOSED_TP', 'CLOSED_TP_BENIGN', 'CLOSED_FP', 'OPEN_NEW_DATA']
    >();
    expectTypeOf<SessionState>().toEqualTypeOf<(typeof SESSION_STATES)[number]>();
    expectTypeOf<SeverityLabel>().toEqualTypeOf<'NO_RISK' | 'LOW' | 'MODERATE' | 'HIGH' | 'CRITICAL'>();
    expectTypeOf(SEVERITY_LABELS).items.toEqualTypeOf<SeverityLabel>();
  });

  it('maps severities both ways, undefined when unknown', () => {
    expectTypeOf(severityLabel).parameters.toEqualTypeOf<[n: number]>();
    expectTypeOf(severityLabel).returns.toEqualTypeOf<SeverityLabel | undefined>();
    expectTypeOf(severityFromLabel).returns.toEqualTypeOf<number | undefined>();
  });

  it('derives from the parts of a session it reads', () => {
    expectTypeOf(currentScore).parameter(0).toEqualTypeOf<Pick<Session, 'scores'>>();
    expectTypeOf(currentSeverity).returns.toEqualTypeOf<number | undefined>();
    expectTypeOf(toDurationMs).toEqualTypeOf<(input: string) => number>();
  });
});
