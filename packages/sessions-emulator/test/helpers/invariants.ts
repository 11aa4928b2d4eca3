import type { ApiSession } from '../../src/model.js';

/** Every way a session's times break the invariants of the data (empty when none), for generated and advanced data. */
export function timeProblems(s: ApiSession, earliest: number, latest: number): string[] {
  const problems: string[] = [];
  const history = [
    ...s.scores.map((e) => e.sourceTimestamp),
    ...s.states.map((e) => e.sourceTimestamp),
    ...s.notes.map((e) => e.sourceTimestamp),
  ];
  if (s.beginTime < earliest) problems.push('begins before the window');
  if (s.endTime < s.beginTime) problems.push('ends before it begins');
  if (s.firstObserved < s.beginTime) problems.push('observed before it begins');
  if (s.lastUpdated > latest) problems.push('updated after now');
  if (s.lastUpdated < s.endTime || s.lastUpdated < s.firstObserved) problems.push('lastUpdated before activity');
  if (history.some((t) => t > s.lastUpdated)) problems.push('history after lastUpdated');
  if (history.some((t) => t < s.beginTime)) problems.push('history before beginTime');
  for (const list of [s.scores, s.states, s.notes]) {
    const times = list.map((e) => e.sourceTimestamp);
    if (times.some((t, i) => i > 0 && t < (times[i - 1] as number))) problems.push('history out of order');
  }
  return problems;
}
