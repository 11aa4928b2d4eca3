import type { OpenEnum, SessionState } from './enums.js';
import type { Session } from './schemas.js';

// Helpers computed from a session's raw histories; they never change or replace the raw fields.
// For labels of the severities below, use `severityLabel` from ./enums.js.

/**
 * The session's current state: the `states` entry with the largest `sourceTimestamp` (`stateV2`, else the
 * deprecated `state`; entries with neither are skipped). Entries without a timestamp count as oldest; on a tie
 * the later entry in the array wins.
 */
export function currentState(session: Pick<Session, 'states'>): OpenEnum<SessionState> | undefined {
  const entries = (session.states ?? []).filter((entry) => stateOf(entry) !== undefined);
  const entry = latest(entries);
  return entry === undefined ? undefined : stateOf(entry);
}

/**
 * The session's current severity (0–4): that of the `scores` entry with the largest `sourceTimestamp`, with the
 * same rules as `currentState`. Entries without a numeric severity are skipped.
 */
export function currentSeverity(session: Pick<Session, 'scores'>): number | undefined {
  return latest(severityEntries(session))?.severity;
}

/**
 * The session's current score: that of the `scores` entry with the largest `sourceTimestamp`, with the same rules
 * as `currentState`. Entries without a numeric score are skipped.
 */
export function currentScore(session: Pick<Session, 'scores'>): number | undefined {
  const entries = (session.scores ?? []).filter(
    (entry): entry is ScoreEntry & { score: number } => typeof entry.score === 'number' && Number.isFinite(entry.score),
  );
  return latest(entries)?.score;
}

/** The highest severity (0–4) over the session's score history; undefined when it holds none. */
export function maxSeverity(session: Pick<Session, 'scores'>): number | undefined {
  let max: number | undefined;
  for (const { severity } of severityEntries(session)) {
    if (max === undefined || severity > max) max = severity;
  }
  return max;
}

type StateEntry = NonNullable<Session['states']>[number];

function stateOf(entry: StateEntry): OpenEnum<SessionState> | undefined {
  // An empty string is as good as absent: fall back to the deprecated field.
  return entry.stateV2 || entry.state || undefined;
}

type ScoreEntry = NonNullable<Session['scores']>[number];
type SeverityEntry = ScoreEntry & { severity: number };

function severityEntries(session: Pick<Session, 'scores'>): SeverityEntry[] {
  return (session.scores ?? []).filter(
    (entry): entry is SeverityEntry => typeof entry.severity === 'number' && Number.isFinite(entry.severity),
  );
}

/** The entry with the largest `sourceTimestamp`; a missing one sorts first, ties go to the later entry. */
function latest<T extends { sourceTimestamp?: number | null | undefined }>(entries: readonly T[]): T | undefined {
  let best: T | undefined;
  let bestTime = Number.NEGATIVE_INFINITY;
  for (const entry of entries) {
    const time = entry.sourceTimestamp ?? Number.NEGATIVE_INFINITY;
    if (best === undefined || time >= bestTime) {
      best = entry;
      bestTime = time;
    }
  }
  return best;
}
