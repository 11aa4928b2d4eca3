import type { Session } from '@x/sessions-sdk';
import type { RecordChange, SiemContext, SiemRecordKind } from '@x/sessions-sdk/siem';
import type { RecordSink, SinkRecord } from './sink.js';

/** What a `--record` other than raw asks for: the record kind, and the context every record of the run shares. */
export interface SiemMapping {
  readonly kind: Exclude<SiemRecordKind, 'raw'>;
  /** The console and API base URLs; a checkpointed run adds each session's `change`. */
  readonly context: SiemContext;
}

/** Whether a checkpointed run sends a session as new or as changed; undefined outside a checkpointed run. */
export type ChangeOf = (session: Readonly<Record<string, unknown>>) => RecordChange | undefined;

/**
 * A sink that sends each session as the SIEM record of `mapping` through `sink`; without a mapping (`--record raw`)
 * `sink` itself, so that raw records stay the API's bytes. Mapping at the sink leaves a checkpointed run comparing and
 * recording the raw session.
 */
export async function siemSink(
  sink: RecordSink,
  mapping: SiemMapping | undefined,
  changeOf?: ChangeOf,
): Promise<RecordSink> {
  if (mapping === undefined) return sink;
  const { consoleUrlFor, toSiemRecord } = await import('@x/sessions-sdk/siem');
  // Worked out once for the run, not by each record from the API URL.
  const { apiUrl } = mapping.context;
  const consoleUrl = mapping.context.consoleUrl ?? (apiUrl === undefined ? undefined : consoleUrlFor(apiUrl));
  const base: SiemContext = consoleUrl === undefined ? mapping.context : { ...mapping.context, consoleUrl };
  const contexts = { new: { ...base, change: 'new' }, changed: { ...base, change: 'changed' } } as const;
  const toRecord = (record: SinkRecord): SinkRecord => {
    // Only sessions reach this sink; a text record here would be a second mapping.
    if (typeof record === 'string') throw new TypeError('a SIEM sink takes sessions, not text records');
    const change = changeOf?.(record);
    return toSiemRecord(mapping.kind, record as Session, change === undefined ? base : contexts[change]);
  };
  const sendMany = sink.sendMany?.bind(sink);
  return {
    send: (record) => sink.send(toRecord(record)),
    ...(sendMany === undefined ? {} : { sendMany: (records) => sendMany(records.map(toRecord)) }),
    confirm: () => sink.confirm(),
    close: () => sink.close(),
    abort: () => sink.abort(),
    get resent() {
      return sink.resent;
    },
    get delivery() {
      return sink.delivery;
    },
  };
}
