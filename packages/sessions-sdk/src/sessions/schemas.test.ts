import * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { issuesOf, loadFixture } from '../../test/helpers/schemas.js';
import type { OpenEnum, SessionState } from './enums.js';
import {
  ChangeStatesResponseSchema,
  RefreshTokenResponseSchema,
  SessionSchema,
  SessionsPageSchema,
  TokenResponseSchema,
  type Session,
} from './schemas.js';

const fixture = (): Record<string, unknown> => loadFixture('session.json');

const API_KEYS = [
  'actorId',
  'actorName',
  'type',
  'beginTime',
  'contentInspectionResults',
  'contextSummary',
  'criticalEvents',
  'highEvents',
  'moderateEvents',
  'lowEvents',
  'noRiskEvents',
  'endTime',
  'exfiltrationSummary',
  'firstObserved',
  'lastUpdated',
  'notes',
  'riskIndicators',
  'scores',
  'sessionId',
  'states',
  'tenantId',
  'triggeredAlerts',
  'userId',
];

describe('SessionSchema', () => {
  it('types every documented key, in the API order', () => {
    expect(Object.keys(SessionSchema.entries)).toEqual(API_KEYS);
  });

  it('has a fixture holding every documented key in API order plus the unknown riskIndicatorsAlertedOn', () => {
    const keys = Object.keys(fixture());
    expect(keys.filter((key) => key !== 'riskIndicatorsAlertedOn')).toEqual(API_KEYS);
    expect(keys).toContain('riskIndicatorsAlertedOn');
  });

  it('validates the realistic fixture', () => {
    const result = v.safeParse(SessionSchema, fixture());
    expect(result.issues).toBeUndefined();
    expect(result.success).toBe(true);
  });

  it('keeps unknown keys, top-level and nested, in its output', () => {
    const parsed = v.parse(SessionSchema, fixture());
    expect(parsed['riskIndicatorsAlertedOn']).toEqual([
      { id: 'c1d2e3f4-0000-4000-8000-000000000007', name: 'Personal cloud storage upload' },
    ]);
    expect(parsed.scores?.[1]?.['scoreReason']).toBe('RISK_INDICATOR_ADDED');
    const json = JSON.stringify(parsed);
    expect(json).toContain('"riskIndicatorsAlertedOn":');
    expect(json).toContain('"scoreReason":"RISK_INDICATOR_ADDED"');
  });

  it('outputs a value deeply equal to its input: no transform, default or dropped field', () => {
    const raw = fixture();
    expect(v.parse(SessionSchema, raw)).toEqual(raw);
  });

  it('leaves the raw object untouched, so returning it keeps the server keys, order and nulls', () => {
    const raw = fixture();
    const before = Object.keys(raw);
    expect(v.safeParse(SessionSchema, raw).success).toBe(true);
    expect(Object.keys(raw)).toEqual(before);
    expect(JSON.stringify(raw)).toBe(JSON.stringify(fixture()));
    const scores = raw['scores'] as Record<string, unknown>[];
    expect(Object.keys(scores[1] ?? {})).toEqual(['score', 'severity', 'sourceTimestamp', 'scoreReason']);
  });

  it('accepts enum values this release does not know', () => {
    const session = {
      type: 'INSIDER_COLLUSION',
      contentInspectionResults: { status: 'SCANNING', eventResults: [{ eventId: 'e1', piiType: ['SSN'] }] },
      states: [{ sourceTimestamp: 1, state: 'ARCHIVED', stateV2: 'SOME_FUTURE_STATE', userId: 'u1' }],
    };
    const parsed = v.parse(SessionSchema, session);
    expect(parsed.states?.[0]?.stateV2).toBe('SOME_FUTURE_STATE');
    expect(parsed.type).toBe('INSIDER_COLLUSION');
  });

  it('accepts a session whose every field is null', () => {
    const session = Object.fromEntries(API_KEYS.map((key) => [key, null]));
    expect(v.safeParse(SessionSchema, session).success).toBe(true);
  });

  it('accepts an empty session and entries whose every field is null', () => {
    expect(v.safeParse(SessionSchema, {}).success).toBe(true);
    const session = {
      contentInspectionResults: { detectedOnAlerts: null, status: null, eventResults: null },
      notes: [{ content: null, id: null, sourceTimestamp: null, userId: null }],
      riskIndicators: [{ eventCount: null, id: null, name: null, weight: null }],
      scores: [{ score: null, severity: null, sourceTimestamp: null }],
      states: [{ sourceTimestamp: null, state: null, stateV2: null, userId: null }],
      triggeredAlerts: [{ alertId: null, lessonId: null, ruleId: null, ruleName: null }],
    };
    expect(v.safeParse(SessionSchema, session).success).toBe(true);
  });

  it('accepts non-integer times rather than failing a whole search', () => {
    expect(v.safeParse(SessionSchema, { beginTime: 1715068800000.5 }).success).toBe(true);
  });

  it('rejects a malformed session and names each failing field', () => {
    const session = { ...fixture(), beginTime: 'abc', notes: 'none', sessionId: 42 };
    expect(issuesOf(SessionSchema, session)).toEqual([
      'beginTime: expected number, received "abc"',
      'notes: expected Array, received "none"',
      'sessionId: expected string, received 42',
    ]);
  });

  it('names the index of a note that is not an object, and nested fields by their full path', () => {
    const raw = fixture();
    const session = {
      ...raw,
      notes: [(raw.notes as unknown[])[0], 7],
      states: [{ sourceTimestamp: '2024-05-07', stateV2: 3 }],
    };
    expect(issuesOf(SessionSchema, session)).toEqual([
      'notes.1: expected Object, received 7',
      'states.0.sourceTimestamp: expected number, received "2024-05-07"',
      'states.0.stateV2: expected string, received 3',
    ]);
  });

  it('rejects a session that is not an object', () => {
    expect(issuesOf(SessionSchema, 'oops')).toEqual(['(root): expected Object, received "oops"']);
    expect(issuesOf(SessionSchema, null)).toEqual(['(root): expected Object, received null']);
  });

  it('infers an output type equal to the raw input type', () => {
    expectTypeOf<v.InferOutput<typeof SessionSchema>>().toEqualTypeOf<v.InferInput<typeof SessionSchema>>();
    expectTypeOf<Session['beginTime']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<NonNullable<Session['states']>[number]['stateV2']>().toEqualTypeOf<
      OpenEnum<SessionState> | null | undefined
    >();
  });
});

describe('SessionsPageSchema', () => {
  it('validates a page of realistic sessions', () => {
    const page = { items: [fixture(), fixture()], totalCount: 2 };
    expect(v.safeParse(SessionsPageSchema, page).success).toBe(true);
  });

  it('accepts a page with null items and count', () => {
    expect(v.safeParse(SessionsPageSchema, { items: null, totalCount: null }).success).toBe(true);
    expect(v.safeParse(SessionsPageSchema, {}).success).toBe(true);
  });

  it('rejects items that are not an array, naming items', () => {
    expect(issuesOf(SessionsPageSchema, { items: { sessionId: 's1' }, totalCount: 1 })).toEqual([
      'items: expected Array, received Object',
    ]);
  });

  it('names the index and field of a bad session inside a page', () => {
    const items = [fixture(), fixture(), fixture(), { ...fixture(), beginTime: 'abc' }];
    expect(issuesOf(SessionsPageSchema, { items, totalCount: '4' })).toEqual([
      'items.3.beginTime: expected number, received "abc"',
      'totalCount: expected number, received "4"',
    ]);
  });
});

describe('ChangeStatesResponseSchema', () => {
  it('accepts a token, a null token and a missing token', () => {
    expect(v.parse(ChangeStatesResponseSchema, { continuationToken: 'abc' }).continuationToken).toBe('abc');
    expect(v.safeParse(ChangeStatesResponseSchema, { continuationToken: null }).success).toBe(true);
    expect(v.safeParse(ChangeStatesResponseSchema, {}).success).toBe(true);
  });

  it('rejects a token that is not a string', () => {
    expect(issuesOf(ChangeStatesResponseSchema, { continuationToken: 5 })).toEqual([
      'continuationToken: expected string, received 5',
    ]);
  });
});

describe('TokenResponseSchema', () => {
  it('accepts the documented answer and keeps unknown keys', () => {
    const body = { token_type: 'bearer', expires_in: 900, access_token: 'eyJ.a.b', scope: 'sessions' };
    expect(v.parse(TokenResponseSchema, body)).toEqual(body);
    expect(v.safeParse(TokenResponseSchema, { expires_in: 900, access_token: 't' }).success).toBe(true);
  });

  it('requires a non-empty access_token and a numeric expires_in', () => {
    expect(issuesOf(TokenResponseSchema, { token_type: 'bearer', expires_in: '900' })).toEqual([
      'expires_in: expected number, received "900"',
      'access_token: required but missing',
    ]);
    expect(issuesOf(TokenResponseSchema, { expires_in: 900, access_token: '' })).toEqual([
      'access_token: expected a non-empty string, received ""',
    ]);
    expect(issuesOf(TokenResponseSchema, { expires_in: null, access_token: null })).toEqual([
      'expires_in: expected number, received null',
      'access_token: expected string, received null',
    ]);
  });
});

describe('RefreshTokenResponseSchema', () => {
  const token = (tokenValue: unknown, expiresAt: unknown = '2024-05-07T08:15:00Z') => ({ tokenValue, expiresAt });

  it('accepts the documented answer, with expiries missing or null', () => {
    expect(v.safeParse(RefreshTokenResponseSchema, { accessToken: token('a'), refreshToken: token('r') }).success).toBe(
      true,
    );
    expect(
      v.safeParse(RefreshTokenResponseSchema, { accessToken: { tokenValue: 'a' }, refreshToken: token('r', null) })
        .success,
    ).toBe(true);
  });

  it('accepts an answer without a rotated refresh token', () => {
    expect(v.safeParse(RefreshTokenResponseSchema, { accessToken: token('a') }).success).toBe(true);
  });

  it('requires the access token and non-empty token values', () => {
    expect(issuesOf(RefreshTokenResponseSchema, { refreshToken: token('r') })).toEqual([
      'accessToken: required but missing',
    ]);
    expect(issuesOf(RefreshTokenResponseSchema, { accessToken: token(''), refreshToken: { expiresAt: null } })).toEqual(
      [
        'accessToken.tokenValue: expected a non-empty string, received ""',
        'refreshToken.tokenValue: required but missing',
      ],
    );
  });
});
