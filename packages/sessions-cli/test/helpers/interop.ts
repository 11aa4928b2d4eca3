// The syslog-out package's test helpers for a real rsyslogd and a throwaway PKI, loaded at run time: a static
// import would pull files outside this package into its type-check (rootDir), so their shapes are declared here.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_DIR } from './run.js';

const HELPERS = join(PACKAGE_DIR, '..', 'syslog-out', 'test', 'helpers');

/** A certificate and its key, as PEM text and as files. */
export interface CertPair {
  cert: string;
  key: string;
  certPath: string;
  keyPath: string;
}

/** The parts of syslog-out's test PKI these tests use. */
export interface TestPki {
  /** The CA that signs `server`. */
  ca: CertPair;
  /** Server certificate for `localhost` and 127.0.0.1, signed by `ca`. */
  server: CertPair;
  /** Self-signed certificate for `localhost` and 127.0.0.1. */
  selfSigned: CertPair;
  cleanup(): Promise<void>;
}

/** What rsyslog parsed out of one record. */
export interface RsyslogProps {
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  facility: string;
  severity: string;
  protocolVersion: string;
  msg: string;
}

/** A private rsyslogd with plain TCP, TLS and UDP inputs on 127.0.0.1. */
export interface RsyslogReceiver {
  readonly tcpPort: number;
  readonly tlsPort: number;
  readonly udpPort: number;
  waitForLines(n: number, timeoutMs?: number): Promise<string[]>;
  waitForProps(n: number, timeoutMs?: number): Promise<RsyslogProps[]>;
  stop(): Promise<void>;
}

/** The rsyslog helpers, or why they cannot run here. */
export interface RsyslogHelpers {
  /** Why rsyslog tests cannot run on this machine, or undefined. */
  rsyslogMissing: string | undefined;
  startRsyslog(options: { tls: { caFile: string; certFile: string; keyFile: string } }): Promise<RsyslogReceiver>;
}

/** Load syslog-out's rsyslog helper; a missing helper counts as rsyslog missing. */
export async function loadRsyslogHelpers(): Promise<RsyslogHelpers> {
  const file = join(HELPERS, 'rsyslog.ts');
  if (!existsSync(file)) {
    return {
      rsyslogMissing: `the rsyslog test helper ${file} is not there`,
      startRsyslog: () => Promise.reject(new Error('rsyslog helper missing')),
    };
  }
  return (await import(file)) as RsyslogHelpers;
}

/** Create a throwaway PKI with syslog-out's helper (runs `openssl`). */
export async function createTestPki(): Promise<TestPki> {
  const helpers = (await import(join(HELPERS, 'certs.ts'))) as { createTestPki(): Promise<TestPki> };
  return helpers.createTestPki();
}
