import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '@x/sessions-sdk';
import { ECS_VERSION, isoTime, SIEM_RECORDS, toEcs, toSiemRecord, type EcsDocument } from '@x/sessions-sdk/siem';
import { patient } from '@x/vitest-config/patience';
import {
  checkEcsDocument,
  customFields,
  ECS_DEFINITIONS_VERSION,
  ECS_FIELDS,
  type CustomFields,
} from '../ecs/check.js';
import { emulatorSessions } from './emulator-sessions.js';
import { EDGE_CASES } from './session-cases.js';

const DOC_TEXT = readFileSync(new URL('../../../packages/sessions-sdk/docs/siem/ecs.md', import.meta.url), 'utf8');

/** The custom field set as the mapping doc's table defines it: each field with its Elasticsearch type. */
function documentedCustomFields(): CustomFields {
  const rows = [...DOC_TEXT.matchAll(/^\|\s*`(incydr\.[^`]+)`\s*\|\s*`([a-z_]+)`\s*\|/gm)];
  return customFields(rows.map(([, name, type]) => [name ?? '', type ?? ''] as const));
}

/** The types of the mapping hint in the doc, by dotted field name. */
function mappingHintTypes(): Map<string, string> {
  const block = /```json\n([\s\S]*?)\n```/.exec(DOC_TEXT)?.[1];
  if (block === undefined) throw new Error('ecs.md has no JSON mapping hint');
  const types = new Map<string, string>();
  const visit = (properties: Record<string, { type?: string; properties?: Record<string, never> }>, prefix: string) => {
    for (const [key, value] of Object.entries(properties)) {
      if (value.type !== undefined) types.set(`${prefix}${key}`, value.type);
      if (value.properties !== undefined) visit(value.properties, `${prefix}${key}.`);
    }
  };
  visit((JSON.parse(block) as { template: { mappings: { properties: never } } }).template.mappings.properties, '');
  return types;
}

/** Where the mapping puts a top-level field it carries whole, in the form it carries it (the doc's table says so). */
const HOMES: Record<string, { home: (record: EcsDocument) => unknown; form?: (value: number) => unknown }> = {
  sessionId: { home: (r) => r.event.id },
  actorId: { home: (r) => r.user?.id },
  actorName: { home: (r) => r.user?.name },
  tenantId: { home: (r) => r.organization?.id },
  beginTime: { home: (r) => r.event.start, form: isoTime },
  endTime: { home: (r) => r.event.end, form: isoTime },
  firstObserved: { home: (r) => r.event.created, form: isoTime },
  lastUpdated: { home: (r) => r['@timestamp'], form: isoTime },
};

/** Each top-level field of the session is either in its ECS home or, as sent, in `incydr.session.unmapped`. */
function expectNothingDropped(session: Session, record: EcsDocument): void {
  const unmapped = record.incydr.session.unmapped ?? {};
  for (const [key, value] of Object.entries(session)) {
    const place = HOMES[key];
    const carried = place?.form === undefined ? value : typeof value === 'number' ? place.form(value) : undefined;
    const home = place?.home(record);
    // A time is carried whole only when it is whole epoch ms: its ISO form says nothing of a fraction.
    const whole = typeof value !== 'number' || Number.isSafeInteger(value);
    const inHome = home !== undefined && home === carried && value !== '' && whole;
    expect({ key, inHome, inUnmapped: key in unmapped }).toEqual({ key, inHome, inUnmapped: !inHome });
    if (!inHome) expect(unmapped[key]).toEqual(value);
  }
  expect(Object.keys(unmapped).every((key) => key in session)).toBe(true);
}

describe('the ECS checker', () => {
  const custom = documentedCustomFields();
  const valid = (): Record<string, unknown> => ({
    '@timestamp': '2024-05-01T09:30:00.000Z',
    ecs: { version: '9.4.0' },
    event: { kind: 'alert', category: ['file'], type: ['info'], severity: 3, risk_score: 7.5 },
    rule: { name: ['a', 'b'] },
    incydr: { session: { state: 'OPEN', note_count: 0, unmapped: { anything: [1, { at: 'all' }] } } },
  });
  const withEvent = (event: Record<string, unknown>): Record<string, unknown> => {
    const document = valid();
    return { ...document, event: { ...(document['event'] as object), ...event } };
  };

  it('reads the ECS definitions of @elastic/ecs 9.4.0, which ECS_VERSION pins', () => {
    expect(ECS_DEFINITIONS_VERSION).toBe('9.4.0');
    expect(ECS_VERSION).toBe(ECS_DEFINITIONS_VERSION);
    expect(ECS_FIELDS.get('event.severity')?.type).toBe('long');
    expect(ECS_FIELDS.get('event.risk_score')?.type).toBe('float');
    expect(ECS_FIELDS.get('@timestamp')?.type).toBe('date');
    expect(DOC_TEXT).toContain('**ECS 9.4.0**');
  });

  it('accepts a well-formed document', () => {
    expect(checkEcsDocument(valid(), custom)).toEqual([]);
  });

  it('rejects a value of the wrong type', () => {
    expect(checkEcsDocument(withEvent({ severity: 'high' }), custom)).toEqual([
      'event.severity: "high" is not a whole number in the range of long',
    ]);
    expect(checkEcsDocument(withEvent({ severity: 2.5 }), custom)).toHaveLength(1);
    expect(checkEcsDocument(withEvent({ start: 1_700_000_000_000 }), custom)).toEqual([
      'event.start: 1700000000000 is not an ISO-8601 date-time (date)',
    ]);
    expect(checkEcsDocument({ ...valid(), message: 42 }, custom)).toEqual([
      'message: 42 is not a string (match_only_text)',
    ]);
  });

  it('rejects a field that is neither ECS nor documented in the custom set', () => {
    expect(checkEcsDocument(withEvent({ state: 'OPEN' }), custom)).toEqual([
      'event.state: is neither an ECS 9.4.0 field nor a documented custom field',
    ]);
    expect(checkEcsDocument({ ...valid(), session: { id: 's' } }, custom)).toHaveLength(1);
    expect(checkEcsDocument({ ...valid(), incydr: { session: { whatever: 1, note_count: 0 } } }, custom)).toEqual([
      'incydr.session.whatever: is neither an ECS 9.4.0 field nor a documented custom field',
    ]);
  });

  it('rejects a custom value of the wrong documented type', () => {
    expect(checkEcsDocument({ ...valid(), incydr: { session: { note_count: '1' } } }, custom)).toEqual([
      'incydr.session.note_count: "1" is not a whole number in the range of long',
    ]);
  });

  it('rejects an event.kind, event.category or event.type ECS does not allow', () => {
    expect(checkEcsDocument(withEvent({ kind: 'finding' }), custom)).toEqual([
      'event.kind: "finding" is not an allowed value ' +
        '(alert, asset, enrichment, event, metric, state, pipeline_error, signal)',
    ]);
    expect(checkEcsDocument(withEvent({ category: ['exfiltration'] }), custom)[0]).toMatch(
      /^event.category: "exfiltration" is not an allowed value/,
    );
    expect(checkEcsDocument(withEvent({ type: ['indicator'] }), custom)).toEqual([
      'event.type: "indicator" is not expected with event.category file',
    ]);
    expect(checkEcsDocument(withEvent({ category: 'file' }), custom)).toEqual(['event.category: must be an array']);
  });

  it('rejects null, a missing required field and another ECS version', () => {
    expect(checkEcsDocument(withEvent({ id: null }), custom)).toEqual([
      'event.id: null is not a value: absent fields are left out',
    ]);
    const { '@timestamp': _dropped, ...untimed } = valid();
    expect(checkEcsDocument(untimed, custom)).toEqual(['@timestamp: is required']);
    expect(checkEcsDocument({ ...valid(), ecs: { version: '8.11.0' } }, custom)).toEqual([
      `ecs.version: is "8.11.0", not the definitions' 9.4.0`,
    ]);
  });

  it('refuses a custom field set inside an ECS field set', () => {
    expect(() => customFields([['event.incydr_state', 'keyword']])).toThrow(/inside the ECS field set event/);
    expect(() => customFields([['incydr.x', 'varchar']])).toThrow(/type the checker does not know/);
  });
});

describe('the custom field set in the doc', () => {
  it('lists the fields toEcs writes, outside ECS, and the mapping hint gives each the same type', () => {
    const custom = documentedCustomFields();
    expect([...custom.keys()]).toEqual([
      'incydr.session.state',
      'incydr.session.severity_label',
      'incydr.session.highest_severity',
      'incydr.session.highest_severity_label',
      'incydr.session.note_count',
      'incydr.session.total_events',
      'incydr.session.risk_indicator_names',
      'incydr.session.change',
      'incydr.session.unmapped',
    ]);
    expect(mappingHintTypes()).toEqual(new Map(custom));
  });
});

describe('toEcs on hand-made edge cases', () => {
  const custom = documentedCustomFields();

  it.each(EDGE_CASES)('makes a valid ECS document that drops nothing of a session with %s', (_name, session) => {
    for (const context of [{ apiUrl: 'https://api.us.code42.com' }, { change: 'changed' as const }]) {
      const record = toEcs(session, context);
      expect(checkEcsDocument(record, custom)).toEqual([]);
      expectNothingDropped(session, record);
    }
  });

  it('is the record toSiemRecord makes for ecs', () => {
    expect(SIEM_RECORDS).toContain('ecs');
    const session: Session = { sessionId: 's', lastUpdated: 5 };
    expect(toSiemRecord('ecs', session, { change: 'changed' })).toEqual(toEcs(session, { change: 'changed' }));
  });
});

describe('toEcs on an emulator data set of 10,000 sessions', () => {
  let sessions: Session[];

  beforeAll(async () => {
    sessions = await emulatorSessions(10_000, 7);
  }, patient(120_000));

  it(
    'makes a valid ECS document of every session that drops nothing',
    () => {
      expect(sessions).toHaveLength(10_000);
      const custom = documentedCustomFields();
      const severities = new Set<number | undefined>();
      const states = new Set<string | undefined>();
      const actions = new Set<string>();
      for (const [index, session] of sessions.entries()) {
        const record = toEcs(session, {
          apiUrl: 'https://api.us.code42.com',
          ...(index % 2 === 0 && { change: 'changed' as const }),
        });
        const problems = checkEcsDocument(record, custom);
        if (problems.length > 0) expect({ sessionId: session.sessionId, problems }).toEqual({});
        expectNothingDropped(session, record);
        severities.add(record.event.severity);
        states.add(record.incydr.session.state);
        actions.add(record.event.action);
      }
      // The data set exercises every severity, several states and both actions, so the checks above cover them.
      expect([...severities].sort()).toEqual([0, 1, 2, 3, 4]);
      expect(states.size).toBeGreaterThanOrEqual(4);
      expect([...actions].sort()).toEqual(['session-created', 'session-updated']);
    },
    patient(120_000),
  );
});
