import { createHash } from 'node:crypto';
import type { Session } from '@x/sessions-sdk';
import { currentScore, currentSeverity, currentState } from '@x/sessions-sdk/model';

/**
 * A short hash of what a SIEM cares about in a session (sync.md §2): current state, latest score and severity,
 * the set of alert ids, the number of notes, `endTime`, `lastUpdated` and the event counts. Key order and fields
 * outside that list do not change it, so they never cause a re-send.
 */
export function sessionDigest(session: Session): string {
  const alertIds = new Set<string>();
  for (const alert of session.triggeredAlerts ?? []) {
    if (typeof alert.alertId === 'string') alertIds.add(alert.alertId);
  }
  const parts = [
    currentState(session) ?? null,
    currentScore(session) ?? null,
    currentSeverity(session) ?? null,
    [...alertIds].sort(),
    session.notes?.length ?? 0,
    session.endTime ?? null,
    session.lastUpdated ?? null,
    [session.criticalEvents, session.highEvents, session.moderateEvents, session.lowEvents, session.noRiskEvents].map(
      (count) => count ?? null,
    ),
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
}
