import type { Session } from '../sessions/schemas.js';
import type { SiemContext } from './context.js';
import { sessionFacts, type SessionFacts } from './derive.js';

/** The key of the block an enriched record adds to the session. */
export const ENRICHED_KEY = 'enriched';

/** A session with one added block of derived fields under {@link ENRICHED_KEY}. */
export type EnrichedSession = Session & { readonly enriched: SessionFacts };

/**
 * The session as the API sent it, plus one block of derived fields (current state, severities, ISO times, rule and
 * indicator names, totals, console link, new/changed). A key `enriched` the API might send one day is replaced.
 */
export function toEnriched(session: Session, context: SiemContext = {}): EnrichedSession {
  return { ...session, [ENRICHED_KEY]: sessionFacts(session, context) };
}
