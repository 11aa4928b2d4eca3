/** Whether a checkpointed run sends a session for the first time (`new`) or again after it changed (`changed`). */
export type RecordChange = 'new' | 'changed';

/** What a SIEM record needs beyond the session itself; every field is optional. */
export interface SiemContext {
  /**
   * The console's base URL (`https://console.us.code42.com`) for the session's link; when absent it comes from
   * `apiUrl` by {@link CONSOLE_HOSTS}, and without either the record has no link.
   */
  readonly consoleUrl?: string | undefined;
  /** The API's base URL the session came from (`https://api.us.code42.com`). */
  readonly apiUrl?: string | undefined;
  /** Set by a checkpointed run: the session is new, or changed since it was last delivered. */
  readonly change?: RecordChange | undefined;
}
