import type { Session } from '../sessions/schemas.js';
import type { SiemContext } from './context.js';
import { toCef } from './cef.js';
import { toEcs } from './ecs.js';
import { toEnriched } from './enriched.js';
import { toOcsf } from './ocsf.js';

/** The records a session can be sent as: the API's object, or a SIEM-ready mapping of it. */
export const SIEM_RECORDS = ['raw', 'enriched', 'ocsf', 'ecs', 'cef'] as const;

/** One of {@link SIEM_RECORDS}. */
export type SiemRecordKind = (typeof SIEM_RECORDS)[number];

/** A record to send: an object (written as JSON) or a line of text (CEF). */
export type SiemRecord = Readonly<Record<string, unknown>> | string;

/** The session as a record of the given kind; `raw` returns the session itself. */
export function toSiemRecord(kind: SiemRecordKind, session: Session, context: SiemContext = {}): SiemRecord {
  switch (kind) {
    case 'raw':
      return session;
    case 'enriched':
      return toEnriched(session, context);
    case 'ocsf':
      return toOcsf(session, context);
    case 'ecs':
      return toEcs(session, context);
    case 'cef':
      return toCef(session, context);
  }
}
