import type { OutputRecord } from '../output/writer.js';

/** A record a sink sends: an object (written as JSON), or a line of text (a CEF record). */
export type SinkRecord = OutputRecord;

/**
 * Where records go: stdout in a format (./stdout.ts), or a syslog receiver (./syslog.ts); driven by the one loop in
 * ./deliver.ts. Await each call before the next.
 */
export interface RecordSink {
  /** Send one record; false when the sink skipped it (an oversize syslog record with `--oversize skip`). */
  send(record: SinkRecord): Promise<boolean>;
  /** Send records at once, none skipped (stdout: one write for a page); where absent, each goes through `send`. */
  sendMany?(records: readonly SinkRecord[]): Promise<void>;
  /** Resolve once every record sent so far is delivered: written to stdout, or confirmed by the syslog receiver. */
  confirm(): Promise<void>;
  /** Deliver what is left, then release; returns the records sent. After a failure, call `abort()` instead. */
  close(): Promise<number>;
  /**
   * Release after the run failed: nothing more goes out (stdout gets no `No results found.`); a syslog sender still
   * confirms what it was given, bounded in time. Never throws.
   */
  abort(): Promise<void>;
  /** Records sent again within this run (a syslog connection lost before confirming them): possible duplicates. */
  readonly resent: number;
  /**
   * What `confirm()` proves: 'confirmed', the syslog receiver read the records and closed its side; 'written', they
   * were handed over (stdout, UDP, `--delivery written`).
   */
  readonly delivery: 'confirmed' | 'written';
}
