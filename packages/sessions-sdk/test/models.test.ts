import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, ResponseValidationError, currentState, maxSeverity } from '../src/index.js';
import { clientOptions, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let client: Client;

beforeEach(async () => {
  server = await startTestServer();
  client = new Client(clientOptions(server));
});

afterEach(async () => {
  await client.close();
  await server.close();
});

// Compact JSON as a server sends it: odd key order, nulls, unknown keys and an enum value this release does not know.
const sessionText =
  '{"sessionId":"u1_1714557600000","zNewTopLevel":{"nested":[1,2]},"actorId":"u1","actorName":null,' +
  '"type":"INSIDER_SOMETHING_NEW","beginTime":1714557600000,"endTime":1714561200000,' +
  '"contentInspectionResults":{"status":"DONE","eventResults":[{"x":1}]},"notes":[],' +
  '"riskIndicatorsAlertedOn":["Cloud storage"],' +
  '"scores":[{"score":12,"severity":2,"sourceTimestamp":1714557700000,"model":"v9"},' +
  '{"score":80,"severity":4,"sourceTimestamp":1714557800000}],' +
  '"states":[{"sourceTimestamp":1714557900000,"state":"OPEN","stateV2":"ESCALATED_TO_LEGAL","userId":"an-1"}]}';

describe('models', () => {
  it('returns sessions byte-identical to the server JSON, unknown keys and enum values included', async () => {
    server.on('GET /v1/sessions', () => ({ text: `{"totalCount":1,"items":[${sessionText}],"extra":true}` }));
    server.on('GET /v1/sessions/u1_1714557600000', () => ({ text: sessionText }));
    const page = await client.sessions.v1.getPage();
    expect(JSON.stringify(page.items?.[0])).toBe(sessionText);
    expect(JSON.stringify(page)).toBe(`{"totalCount":1,"items":[${sessionText}],"extra":true}`);
    const all = [];
    for await (const session of client.sessions.v1.iterAll()) all.push(JSON.stringify(session));
    expect(all).toEqual([sessionText]);
    const details = await client.sessions.v1.getSessionDetails('u1_1714557600000');
    expect(JSON.stringify(details)).toBe(sessionText);
    expect(currentState(details)).toBe('ESCALATED_TO_LEGAL');
    expect(maxSeverity(details)).toBe(4);
  });

  it('keeps unknown fields of file events', async () => {
    const event =
      '{"@timestamp":"2024-05-01T10:00:00.000Z","event":{"id":"e1","action":"file-uploaded","brandNew":1},' +
      '"file":{"name":"plan.xlsx","hash":{"sha256":"ab","md5":null}},"risk":{"severity":"SEVERE_NEW"},"galaxy":{}}';
    server.on('GET /v1/sessions/s1/events', () => ({
      text: `{"queryResult":{"fileEvents":[${event}],"totalCount":1}}`,
    }));
    const page = await client.sessions.v1.getSessionEvents('s1');
    expect(JSON.stringify(page.fileEvents[0])).toBe(event);
  });

  it('names the field of a malformed response', async () => {
    server.on('GET /v1/sessions', () => ({
      json: { items: [{ sessionId: 'ok' }, { sessionId: 'bad', beginTime: 'yesterday' }], totalCount: 2 },
    }));
    const error = await client.sessions.v1.getPage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).issues[0]).toMatch(/^items\.1\.beginTime: /);
    expect((error as Error).message).toContain('items.1.beginTime');
    expect((error as Error).message).toContain(`GET ${server.url}/v1/sessions`);
  });

  it("reports an answer whose status HTTP does not have as the server's error, once, not as a lost connection", async () => {
    server.on('GET /v1/sessions/s1', () => ({ status: 600, json: {} }));
    const error = await client.sessions.v1.getSessionDetails('s1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as Error).message).toContain('HTTP status 600 is not a final HTTP status');
    expect(server.requests).toHaveLength(1);
  });

  it('reports a page whose items are not a list, and a body that is not JSON', async () => {
    server.on('GET /v1/sessions', () => ({ json: { items: { sessionId: 'x' } } }));
    server.on('GET /v1/sessions/s1', () => ({ text: '<html>maintenance</html>' }));
    await expect(client.sessions.v1.getPage()).rejects.toThrow(/items: /);
    await expect(client.sessions.v1.getSessionDetails('s1')).rejects.toThrow(/not JSON: "<html>maintenance/);
  });
});
