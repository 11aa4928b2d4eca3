import { createHash } from 'node:crypto';
import { currentSeverity, currentState, type Session } from '@x/sessions-sdk';

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
    latestScore(session),
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

// The score of the entry with the largest sourceTimestamp (ties: the later entry), as currentSeverity picks it.
function latestScore(session: Session): number | null {
  let best: number | null = null;
  let bestTime = Number.NEGATIVE_INFINITY;
  for (const entry of session.scores ?? []) {
    if (typeof entry.score !== 'number') continue;
    const time = entry.sourceTimestamp ?? Number.NEGATIVE_INFINITY;
    if (best === null || time >= bestTime) {
      best = entry.score;
      bestTime = time;
    }
  }
  return best;
}
