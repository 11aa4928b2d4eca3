// What the tests of `incydr forward` share: what a tenant's sessions looked like, what a pipeline must deliver since,
// and the session ids of the records a receiver got.
import type { Emulator, SessionDump } from '@x/sessions-emulator';
import { expectedSearch, type Criteria } from './sessions.js';

const DAY_MS = 86_400_000;

/** Every session of the emulator as JSON, by id: what it looked like at this moment. */
export function snapshot(emu: Emulator): Map<string, string> {
  return new Map(
    emu.state().sessions.map((dump: SessionDump) => [dump.session.sessionId, JSON.stringify(dump.session)]),
  );
}

/** The ids a pipeline must deliver (lookback 60d): what its search selects now and differs from `before`. */
export function changedSince(emu: Emulator, criteria: Criteria, before: Map<string, string>): string[] {
  const after = snapshot(emu);
  const window = expectedSearch(emu, { ...criteria, onOrAfter: Date.now() - 60 * DAY_MS });
  return window.map((s) => s.sessionId).filter((id) => before.get(id) !== after.get(id));
}

/** The session id of each raw JSON record. */
export function idsOf(records: readonly string[]): string[] {
  return records.map((record) => (JSON.parse(record) as { sessionId: string }).sessionId);
}

/** The values in sort order. */
export function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}
