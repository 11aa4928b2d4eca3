import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { patient } from '@x/vitest-config/patience';

const run = promisify(execFile);

/** A certificate and its key, as PEM text and as files. */
export interface CertPair {
  cert: string;
  key: string;
  certPath: string;
  keyPath: string;
}

/** Throwaway test PKI: a CA and the certificates the TLS failure tests need. */
export interface TestPki {
  dir: string;
  /** The CA that signs every certificate below except `selfSigned`. */
  ca: CertPair;
  /** Server certificate for `localhost` and IP 127.0.0.1. */
  server: CertPair;
  /** Server certificate for `localhost` only (no IP address): verifies against 127.0.0.1 only with a servername. */
  localhostOnly: CertPair;
  /** Server certificate for `wrong.example`. */
  wrongHost: CertPair;
  /** Server certificate for `localhost`/127.0.0.1 valid from 2020-01-01 to 2020-01-02. */
  expired: CertPair;
  /** Self-signed certificate for `localhost`/127.0.0.1, not from the CA. */
  selfSigned: CertPair;
  /** Client certificate for mutual TLS, signed by the CA. */
  client: CertPair;
  /** Remove the directory. */
  cleanup(): Promise<void>;
}

// EC keys: generating them takes milliseconds, RSA keys take noticeably longer.
const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd, timeout: patient(30_000) });
  } catch (error) {
    const { code, stderr } = error as { code?: unknown; stderr?: string };
    if (code === 'ENOENT') {
      throw new Error(
        'the TLS tests generate throwaway certificates with the openssl command, which is not installed: ' +
          'install it (apt-get install -y openssl); CI installs it',
        { cause: error },
      );
    }
    throw new Error(`openssl ${args.join(' ')} failed: ${stderr ?? String(error)}`, { cause: error });
  }
}

async function pair(dir: string, name: string): Promise<CertPair> {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  return { cert: await readFile(certPath, 'utf8'), key: await readFile(keyPath, 'utf8'), certPath, keyPath };
}

/** Write an extension file and a key + CSR for `cn`. */
async function request(dir: string, name: string, cn: string, extensions: string[]): Promise<void> {
  await writeFile(join(dir, `${name}.ext`), `${extensions.join('\n')}\n`);
  await openssl(
    ['req', '-new', ...NEW_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`],
    dir,
  );
}

/** Sign `name.csr` with the CA for two days. */
async function sign(dir: string, name: string): Promise<void> {
  const serial = `0x${Date.now().toString(16)}${Math.floor(Math.random() * 0xffff).toString(16)}`;
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-set_serial',
      serial,
      '-days',
      '2',
      '-sha256',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    ],
    dir,
  );
}

const SERVER_EXT = ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth'];

/** Generate the test PKI into a new temporary directory (about 100 ms with OpenSSL 3). */
export async function createTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'syslog-out-pki-'));
  try {
    await openssl(
      [
        'req',
        '-x509',
        ...NEW_KEY,
        '-keyout',
        'ca.key',
        '-out',
        'ca.crt',
        '-days',
        '2',
        '-subj',
        '/CN=syslog-out test CA',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      dir,
    );
    const both = 'subjectAltName=DNS:localhost,IP:127.0.0.1';
    await Promise.all([
      request(dir, 'server', 'localhost', [...SERVER_EXT, both]),
      request(dir, 'localhost-only', 'localhost', [...SERVER_EXT, 'subjectAltName=DNS:localhost']),
      request(dir, 'wrong-host', 'wrong.example', [...SERVER_EXT, 'subjectAltName=DNS:wrong.example']),
      request(dir, 'expired', 'localhost', [...SERVER_EXT, both]),
      request(dir, 'client', 'syslog-out test client', [
        'basicConstraints=CA:FALSE',
        'keyUsage=critical,digitalSignature',
        'extendedKeyUsage=clientAuth',
      ]),
      openssl(
        [
          'req',
          '-x509',
          ...NEW_KEY,
          '-keyout',
          'self-signed.key',
          '-out',
          'self-signed.crt',
          '-days',
          '2',
          '-subj',
          '/CN=localhost',
          '-addext',
          both,
        ],
        dir,
      ),
    ]);
    await Promise.all(['server', 'localhost-only', 'wrong-host', 'client'].map((name) => sign(dir, name)));
    await signExpired(dir);
    const [ca, server, localhostOnly, wrongHost, expired, selfSigned, client] = await Promise.all(
      ['ca', 'server', 'localhost-only', 'wrong-host', 'expired', 'self-signed', 'client'].map((name) =>
        pair(dir, name),
      ),
    );
    return {
      dir,
      ca: ca as CertPair,
      server: server as CertPair,
      localhostOnly: localhostOnly as CertPair,
      wrongHost: wrongHost as CertPair,
      expired: expired as CertPair,
      selfSigned: selfSigned as CertPair,
      client: client as CertPair,
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** `openssl x509` of OpenSSL 3.0 cannot set past dates; `openssl ca` can, with a minimal CA database. */
async function signExpired(dir: string): Promise<void> {
  const ca = join(dir, 'ca-db');
  await mkdir(join(ca, 'new'), { recursive: true });
  await writeFile(join(ca, 'index.txt'), '');
  await writeFile(join(ca, 'serial'), '1000\n');
  await writeFile(
    join(ca, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = test_ca',
      '[test_ca]',
      `database = ${join(ca, 'index.txt')}`,
      `new_certs_dir = ${join(ca, 'new')}`,
      `serial = ${join(ca, 'serial')}`,
      `certificate = ${join(dir, 'ca.crt')}`,
      `private_key = ${join(dir, 'ca.key')}`,
      'default_md = sha256',
      'policy = policy_any',
      'unique_subject = no',
      'copy_extensions = none',
      '[policy_any]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  await openssl(
    [
      'ca',
      '-batch',
      '-notext',
      '-config',
      join(ca, 'ca.cnf'),
      '-startdate',
      '20200101000000Z',
      '-enddate',
      '20200102000000Z',
      '-extfile',
      'expired.ext',
      '-in',
      'expired.csr',
      '-out',
      'expired.crt',
    ],
    dir,
  );
}
