import * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { issuesOf, loadFixture } from '../../test/helpers/schemas.js';
import type { OpenEnum, SeverityLabel } from '../sessions/enums.js';
import {
  FileEventSchema,
  FileEventsPageSchema,
  SessionEventsResponseSchema,
  type FileEvent,
  type FileEventsPage,
} from './schemas.js';

const fixture = (): Record<string, unknown> => loadFixture('file-event.json');

const GROUPS = [
  'destination',
  'event',
  'file',
  'process',
  'report',
  'responseControls',
  'risk',
  'source',
  'user',
  'git',
];

describe('FileEventSchema', () => {
  it('types @timestamp and every documented group', () => {
    expect(Object.keys(FileEventSchema.entries)).toEqual(['@timestamp', ...GROUPS]);
  });

  it('validates the realistic cloud-upload fixture and reads its typed fields', () => {
    const event = v.parse(FileEventSchema, fixture());
    expect(event['@timestamp']).toBe('2024-05-07T08:14:21.204Z');
    expect(event.event?.action).toBe('file-uploaded');
    expect(event.file?.hash?.sha256).toHaveLength(64);
    expect(event.destination?.tabs?.[0]?.url).toBe('https://www.dropbox.com/home/personal');
    expect(event.risk?.untrustedValues?.domains).toEqual(['dropbox.com']);
  });

  it('keeps the nested unknown key and equals its input', () => {
    const raw = fixture();
    const event = v.parse(FileEventSchema, raw);
    expect(event.user?.['cloudUsernames']).toEqual(['ari.example@example.com']);
    expect(event).toEqual(raw);
  });

  it('leaves the raw object and its key order untouched', () => {
    const raw = fixture();
    expect(v.safeParse(FileEventSchema, raw).success).toBe(true);
    expect(JSON.stringify(raw)).toBe(JSON.stringify(fixture()));
  });

  it('accepts an event whose every group is null, and an empty event', () => {
    const event = Object.fromEntries(['@timestamp', ...GROUPS].map((key) => [key, null]));
    expect(v.safeParse(FileEventSchema, event).success).toBe(true);
    expect(v.safeParse(FileEventSchema, {}).success).toBe(true);
  });

  it('accepts a risk severity this release does not know', () => {
    const event = v.parse(FileEventSchema, { risk: { severity: 'EXTREME', score: 99 } });
    expect(event.risk?.severity).toBe('EXTREME');
  });

  it('names the full path of a mistyped nested field', () => {
    const raw = fixture();
    const file = { ...(raw['file'] as object), sizeInBytes: 'big', hash: { md5: 5 } };
    expect(issuesOf(FileEventSchema, { ...raw, file, source: 'laptop' })).toEqual([
      'file.sizeInBytes: expected number, received "big"',
      'file.hash.md5: expected string, received 5',
      'source: expected Object, received "laptop"',
    ]);
  });

  it('infers typed fields and an output type equal to the raw input type', () => {
    expectTypeOf<v.InferOutput<typeof FileEventSchema>>().toEqualTypeOf<v.InferInput<typeof FileEventSchema>>();
    expectTypeOf<NonNullable<FileEvent['risk']>['severity']>().toEqualTypeOf<
      OpenEnum<SeverityLabel> | null | undefined
    >();
    expectTypeOf<NonNullable<FileEvent['file']>['sizeInBytes']>().toEqualTypeOf<number | null | undefined>();
  });
});

describe('FileEventsPageSchema', () => {
  it('validates a page with events, a token and problems', () => {
    const page = {
      fileEvents: [fixture()],
      nextPgToken: null,
      problems: [
        {
          badFilter: { operator: 'IS', term: 'user.email', value: 'ari@example.com' },
          description: 'Request timed out.',
          type: 'SEARCH_FAILED',
        },
      ],
      totalCount: 1,
    };
    expect(v.safeParse(FileEventsPageSchema, page).success).toBe(true);
  });

  it('rejects fileEvents that are not an array', () => {
    expect(issuesOf(FileEventsPageSchema, { fileEvents: { id: 1 } })).toEqual([
      'fileEvents: expected Array, received Object',
    ]);
  });

  it('infers fileEvents as a mutable, nullable array of events', () => {
    expectTypeOf<FileEventsPage['fileEvents']>().toEqualTypeOf<FileEvent[] | null | undefined>();
  });
});

describe('SessionEventsResponseSchema', () => {
  it('accepts a missing or null queryResult and a null fileEvents', () => {
    expect(v.safeParse(SessionEventsResponseSchema, {}).success).toBe(true);
    expect(v.safeParse(SessionEventsResponseSchema, { queryResult: null }).success).toBe(true);
    expect(v.safeParse(SessionEventsResponseSchema, { queryResult: { fileEvents: null } }).success).toBe(true);
  });

  it('validates the wrapped page and names paths through queryResult', () => {
    const ok = { queryResult: { fileEvents: [fixture()], nextPgToken: 'tok', problems: null, totalCount: 1 } };
    expect(v.safeParse(SessionEventsResponseSchema, ok).success).toBe(true);
    const bad = { queryResult: { fileEvents: [fixture(), { event: { relatedEvents: 'none' } }], totalCount: '2' } };
    expect(issuesOf(SessionEventsResponseSchema, bad)).toEqual([
      'queryResult.fileEvents.1.event.relatedEvents: expected Array, received "none"',
      'queryResult.totalCount: expected number, received "2"',
    ]);
  });
});
