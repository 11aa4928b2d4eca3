import { describe, expectTypeOf, it } from 'vitest';
import {
  Client,
  currentState,
  type ApiError,
  type CallOutcome,
  type ConnectionError,
  type IncydrError,
  type NotFoundError,
  type RateLimitedError,
  type RequestBudget,
  type TimeoutError,
  type ClientOptions,
  type FileEvent,
  type OpenEnum,
  type RequestOptions,
  type Session,
  type SessionEvents,
  type SessionSearch,
  type SessionState,
  type SessionsPage,
  type SessionsV1,
} from './index.js';

describe('ClientOptions', () => {
  it('takes every setting as optional, so `new Client()` reads them from the environment', () => {
    expectTypeOf<ClientOptions>().toMatchTypeOf<{ url?: string; timeoutMs?: number; concurrency?: number }>();
    expectTypeOf(Client).constructorParameters.toEqualTypeOf<[options?: ClientOptions | undefined]>();
    expectTypeOf<ClientOptions['envFile']>().toEqualTypeOf<string | null | undefined>();
  });

  it('refuses settings of the wrong type', () => {
    // @ts-expect-error timeoutMs is a number of milliseconds
    const options: ClientOptions = { timeoutMs: '30s' };
    expectTypeOf(options).toEqualTypeOf<ClientOptions>();
  });

  it('gives the rotated refresh token to onRefreshToken', () => {
    expectTypeOf<NonNullable<ClientOptions['onRefreshToken']>>()
      .parameter(0)
      .toEqualTypeOf<{ tokenValue: string; expiresAt: string | null }>();
  });
});

describe('Client', () => {
  it('exposes the sessions resource as a type only, built by the client', () => {
    expectTypeOf<Client['sessions']['v1']>().toEqualTypeOf<SessionsV1>();
    expectTypeOf<SessionsV1['getPage']>().returns.resolves.toEqualTypeOf<SessionsPage>();
    expectTypeOf<SessionsV1['getSessionDetails']>().returns.resolves.toEqualTypeOf<Session>();
    expectTypeOf<SessionsV1['getSessionEvents']>().returns.resolves.toEqualTypeOf<SessionEvents>();
    expectTypeOf<SessionsV1['iterAll']>().returns.toEqualTypeOf<AsyncGenerator<Session, void, undefined>>();
  });

  it('takes a signal and a timeout per call', () => {
    expectTypeOf<RequestOptions>().toMatchTypeOf<{ signal?: AbortSignal; timeoutMs?: number }>();
  });

  it('takes a request budget that other clients may share', () => {
    expectTypeOf<ClientOptions['requestBudget']>().toEqualTypeOf<RequestBudget | undefined>();
    expectTypeOf<RequestBudget['maxRequestsPerMinute']>().toEqualTypeOf<number>();
  });
});

describe('Session model types', () => {
  it('type every field as optional and nullable', () => {
    expectTypeOf<Session['sessionId']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<Session['beginTime']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<NonNullable<Session['scores']>[number]['severity']>().toEqualTypeOf<number | null | undefined>();
  });

  it('type enum fields as open: known values autocomplete, any string is accepted', () => {
    expectTypeOf<NonNullable<Session['states']>[number]['stateV2']>().toEqualTypeOf<
      OpenEnum<SessionState> | null | undefined
    >();
    expectTypeOf<'OPEN'>().toMatchTypeOf<OpenEnum<SessionState>>();
    expectTypeOf<'A_STATE_ADDED_LATER'>().toMatchTypeOf<OpenEnum<SessionState>>();
    expectTypeOf(currentState).returns.toEqualTypeOf<OpenEnum<SessionState> | undefined>();
  });

  it('type file events with their documented groups', () => {
    expectTypeOf<NonNullable<FileEvent['file']>['sizeInBytes']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<FileEvent['@timestamp']>().toEqualTypeOf<string | null | undefined>();
  });

  it('accept a single value where search filters take a list', () => {
    expectTypeOf<{ states: 'OPEN'; severities: ['HIGH', 3] }>().toMatchTypeOf<SessionSearch>();
    // @ts-expect-error pageNum belongs to getPage, not to a search
    const search: SessionSearch = { pageNum: 1 };
    expectTypeOf(search).toEqualTypeOf<SessionSearch>();
  });
});

describe('errors', () => {
  it('share the base class, and the HTTP errors carry the exchange', () => {
    expectTypeOf<ApiError>().toMatchTypeOf<IncydrError>();
    expectTypeOf<NotFoundError>().toMatchTypeOf<ApiError>();
    expectTypeOf<ApiError>().toMatchTypeOf<{ status: number; method: string; url: string; body: string }>();
    expectTypeOf<RateLimitedError['retryAfterMs']>().toEqualTypeOf<number | undefined>();
  });

  it('say whether a failed call may have been applied', () => {
    expectTypeOf<CallOutcome>().toEqualTypeOf<'not-applied' | 'unknown'>();
    expectTypeOf<ApiError['outcome']>().toEqualTypeOf<CallOutcome>();
    expectTypeOf<ConnectionError['outcome']>().toEqualTypeOf<CallOutcome>();
    expectTypeOf<TimeoutError['outcome']>().toEqualTypeOf<CallOutcome>();
    expectTypeOf<ApiError['retries']>().toEqualTypeOf<number>();
  });
});
