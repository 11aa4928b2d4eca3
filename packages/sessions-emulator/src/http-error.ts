/** An HTTP error the emulator answers with the API's JSON error body `{msg}` (plus `status` and `error`). */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/** 400 with a message naming what is wrong. */
export function badRequest(message: string): HttpError {
  return new HttpError(400, message);
}
