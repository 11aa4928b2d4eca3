import { describe, expect, it } from 'vitest';
import { parseRetryAfter, serverMessage } from './http-errors.js';

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores what it cannot read', () => {
    const now = Date.UTC(2024, 4, 1, 10, 0, 0);
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Wed, 01 May 2024 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 01 May 2024 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('serverMessage', () => {
  it('prefers a JSON message field and falls back to the text', () => {
    expect(serverMessage('{"message":"Session not found"}')).toBe('Session not found');
    expect(serverMessage('{"error":"invalid_client","error_description":"bad secret"}')).toBe('bad secret');
    expect(serverMessage('{"code":7}')).toBe('{"code":7}');
    expect(serverMessage('  Service\n Unavailable ')).toBe('Service Unavailable');
    expect(serverMessage('x'.repeat(2000)).length).toBeLessThan(600);
  });

  it("reads msg, the field of the API's documented error body, before any other", () => {
    expect(serverMessage('{"msg":"Session not found"}')).toBe('Session not found');
    expect(serverMessage('{"message":"other","msg":"  the documented one "}')).toBe('the documented one');
    expect(serverMessage(`{"msg":"${'y'.repeat(2000)}"}`)).toMatch(/^y{500}… \(1500 more characters\)$/);
    expect(serverMessage('{"msg":"","message":"fallback"}')).toBe('fallback');
    expect(serverMessage('{"msg":null}')).toBe('{"msg":null}');
  });
});
