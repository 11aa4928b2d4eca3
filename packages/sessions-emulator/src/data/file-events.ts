// File events (api.md §5, FileEventV2) behind a session's alerts, generated on demand and deterministic per session.
import {
  DEPARTMENTS,
  EMAIL_DOMAIN,
  FILE_KINDS,
  JUSTIFICATIONS,
  OPERATING_SYSTEMS,
  VECTORS,
  type IndicatorEntry,
  type VectorEntry,
} from './catalog.js';
import { DAY_MS, GENERIC_IDS, HOUR_MS, MINUTE_MS, VECTOR_INDICATOR, severityLabel, sessionVectorKind } from './draw.js';
import { randomHex, randomUuid } from './ids.js';
import { createRandom, type Random } from './random.js';
import type { ApiSession, SessionRecord } from '../model.js';

/** A file event as the API serves it; typed loosely because clients must keep what they do not know. */
export type FileEvent = Record<string, unknown>;

interface DeviceContext {
  email: string;
  username: string;
  userId: string;
  deviceUid: string;
  guid: string;
  host: string;
  os: string;
  publicIp: string;
  privateIp: string;
  personalEmail: string;
  maxSeverity: number;
}

const TAB_TITLES = ['Upload', 'Home', 'Files'];
const AI_TOOLS = ['ChatGPT', 'Copilot', 'Gemini'];

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function publicIp(rng: Random): string {
  return '203.0.113.' + String(rng.int(1, 254));
}

function deviceContext(rng: Random, session: ApiSession): DeviceContext {
  const email = session.actorName ?? session.actorId + '@' + EMAIL_DOMAIN;
  const username = email.slice(0, email.indexOf('@'));
  let maxSeverity = 0;
  for (const score of session.scores) maxSeverity = Math.max(maxSeverity, score.severity);
  return {
    email,
    username,
    userId: session.userId,
    deviceUid: '1' + String(rng.int(100_000_000, 999_999_999)) + String(rng.int(100_000_000, 999_999_999)),
    guid: randomUuid(rng),
    host: username.replace('.', '').toUpperCase().slice(0, 10) + '-' + rng.pick(['LAPTOP', 'MBP', 'DESKTOP', 'LT01']),
    os: rng.pick(OPERATING_SYSTEMS),
    publicIp: publicIp(rng),
    privateIp: '10.' + String(rng.int(0, 255)) + '.' + String(rng.int(0, 255)) + '.' + String(rng.int(1, 254)),
    personalEmail: username.replace('.', '') + rng.pick(['.home', '1987', '.personal', '.me']) + '@gmail.com',
    maxSeverity,
  };
}

function fileGroup(rng: Random, device: DeviceContext, vector: VectorEntry, atMs: number): Record<string, unknown> {
  const kind = rng.pick(FILE_KINDS);
  const mismatch = rng.chance(0.03) ? rng.pick(FILE_KINDS) : kind;
  const windows = device.os.startsWith('Windows');
  const folder = rng.pick(['Documents', 'Downloads', 'Desktop', 'Projects', 'Documents/Work']);
  const created = atMs - rng.int(HOUR_MS, 200 * DAY_MS);
  const cloud = vector.observer !== 'Endpoint';
  const cloudId = cloud ? randomHex(rng, 32) : null;
  return {
    name: rng.pick(kind.names) + '.' + kind.extension,
    directory: cloud ? '/' : (windows ? 'C:/Users/' : '/Users/') + device.username + '/' + folder + '/',
    category: kind.category,
    categoryByBytes: mismatch.category,
    categoryByExtension: kind.category,
    mimeType: kind.mimeType,
    mimeTypeByBytes: mismatch.mimeType,
    mimeTypeByExtension: kind.mimeType,
    sizeInBytes: rng.int(kind.minBytes, kind.maxBytes),
    owner: cloud ? device.email : device.username,
    created: iso(created),
    modified: iso(rng.int(created, atMs)),
    hash: { md5: randomHex(rng, 32), sha256: randomHex(rng, 64), md5Error: null, sha256Error: null },
    id: cloudId,
    url: cloudId === null ? null : 'https://' + (vector.domain ?? 'drive.google.com') + '/file/d/' + cloudId + '/view',
    changeType: rng.pick(['CREATED', 'MODIFIED', 'UNCHANGED']),
    classifications: rng.chance(0.15) ? [{ value: 'Confidential', vendor: 'MICROSOFT INFORMATION PROTECTION' }] : [],
    acquiredFrom: [],
    archiveId: null,
    passwordProtected: kind.category === 'Archive' && rng.chance(0.2),
  };
}

function sourceGroup(device: DeviceContext, vector: VectorEntry): Record<string, unknown> {
  const cloud = vector.observer !== 'Endpoint';
  return {
    category: cloud ? 'Cloud Storage' : 'Device',
    name: cloud ? vector.name : device.host,
    domain: cloud ? vector.domain : device.host + '.corp.' + EMAIL_DOMAIN,
    ip: cloud ? null : device.publicIp,
    privateIp: cloud ? [] : [device.privateIp, '127.0.0.1'],
    operatingSystem: cloud ? null : device.os,
    email: null,
    removableMedia: null,
    tabs: [],
    user: { email: [] },
    accountName: cloud ? device.email : null,
    accountType: cloud ? 'CORPORATE' : null,
    remoteHostname: null,
  };
}

function destinationGroup(rng: Random, device: DeviceContext, vector: VectorEntry): Record<string, unknown> {
  const personal = vector.accountType === 'PERSONAL';
  const media = vector.removable;
  const path = rng.pick(['upload', 'home', 'new', 'u/0/']);
  const url = vector.domain === null ? null : 'https://' + vector.domain + '/' + path;
  return {
    category: vector.category,
    name: vector.name,
    domain: vector.domain,
    ip: vector.domain === null ? null : publicIp(rng),
    privateIp: [],
    operatingSystem: null,
    email:
      vector.kind === 'personal-email'
        ? { recipients: [device.personalEmail], subject: rng.pick(['fwd', 'stuff for later', 'docs', '']) }
        : null,
    removableMedia:
      media === null
        ? null
        : {
            busType: media.busType,
            capacity: media.capacity,
            mediaName: media.mediaName,
            name: media.vendor + ' ' + media.mediaName,
            partitionId: [randomUuid(rng)],
            serialNumber: randomHex(rng, 16).toUpperCase(),
            vendor: media.vendor,
            volumeName: [media.vendor.toUpperCase()],
          },
    tabs:
      vector.browser === null || url === null
        ? []
        : [{ title: vector.name + ' - ' + rng.pick(TAB_TITLES), url, titleError: null, urlError: null }],
    user: { email: personal ? [device.personalEmail] : [] },
    accountName: personal ? device.personalEmail : null,
    accountType: vector.accountType,
    remoteHostname: null,
  };
}

function fileEvent(
  rng: Random,
  session: ApiSession,
  device: DeviceContext,
  vector: VectorEntry,
  alerted: boolean,
): {
  atMs: number;
  event: FileEvent;
} {
  const atMs = session.beginTime + Math.floor(rng.next() * (session.endTime - session.beginTime + 1));
  const ingested = atMs + rng.int(5_000, 3 * MINUTE_MS);
  const severity = alerted ? Math.max(1, device.maxSeverity) : rng.int(0, device.maxSeverity);
  const own = VECTOR_INDICATOR.get(vector.kind) as IndicatorEntry;
  const indicators = [{ name: own.name, id: own.id, weight: own.weight }];
  let score = own.weight;
  for (const indicator of session.riskIndicators) {
    if (indicator.id === own.id || !GENERIC_IDS.has(indicator.id) || !rng.chance(0.5)) continue;
    indicators.push({ name: indicator.name, id: indicator.id, weight: indicator.weight });
    score += indicator.weight;
  }
  const endpoint = vector.observer === 'Endpoint';
  const tabUrl = vector.browser !== null && vector.domain !== null ? vector.domain + '/upload' : null;
  const event: FileEvent = {
    '@timestamp': iso(atMs),
    event: {
      id: '0_' + device.guid + '_' + device.userId + '_' + device.deviceUid + '_' + String(rng.int(1, 999_999)),
      action: vector.action,
      observer: vector.observer,
      ingested: iso(ingested),
      inserted: iso(ingested + rng.int(1_000, 30_000)),
      detectorDisplayName: vector.detector,
      relatedEvents: [],
      shareType: vector.kind === 'public-link' ? ['SharedViaLink'] : [],
      vector: vector.vector,
      xfcEventId: endpoint ? null : randomUuid(rng),
    },
    file: fileGroup(rng, device, vector, atMs),
    source: sourceGroup(device, vector),
    destination: destinationGroup(rng, device, vector),
    process: endpoint
      ? {
          executable: vector.executable,
          owner: device.username,
          extension:
            vector.browser === null
              ? null
              : {
                  browser: vector.browser,
                  version: '1.' + String(rng.int(4, 9)) + '.0',
                  loggedInUser: device.personalEmail,
                },
        }
      : null,
    risk: {
      score,
      severity: severityLabel(severity),
      indicators,
      trusted: false,
      trustReason: null,
      untrustedValues: {
        accountNames: vector.accountType === 'PERSONAL' ? [device.personalEmail] : [],
        domains: vector.domain === null ? [] : [vector.domain],
        gitRepositoryUris: [],
        slackWorkspaces: [],
        urlPaths: tabUrl === null ? [] : [tabUrl],
      },
    },
    user: rng.chance(0.1)
      ? { email: device.email, id: device.userId, deviceUid: device.deviceUid, department: rng.pick(DEPARTMENTS) }
      : { email: device.email, id: device.userId, deviceUid: device.deviceUid },
    report: null,
    responseControls:
      endpoint && vector.vector === 'UPLOADED' && rng.chance(0.2)
        ? rng.chance(0.5)
          ? { preventativeControl: 'BLOCKED', userJustification: null }
          : { preventativeControl: 'ALLOWED_WITH_JUSTIFICATION', userJustification: rng.pick(JUSTIFICATIONS) }
        : null,
    git: null,
  };
  if (rng.chance(0.05)) {
    event.ai = { tool: rng.pick(AI_TOOLS), promptCount: rng.int(1, 12), containsCode: rng.chance(0.5) };
  }
  return { atMs, event };
}

const MAX_FILE_EVENTS = 25;

/** The session's file events (E3), oldest first: one per triggered alert plus a few; none without alerts. */
export function generateFileEvents(record: SessionRecord, seed: number): FileEvent[] {
  const session = record.session;
  const alerts = session.triggeredAlerts;
  if (alerts.length === 0) return [];
  const base = createRandom(seed).fork('file-events').fork(record.ordinal);
  const extra = base.int(1, 4);
  const device = deviceContext(base, session);
  const kind = sessionVectorKind(session);
  const primary = VECTORS.filter((v) => v.kind === kind);
  const fallback = base.pick(VECTORS);
  const total = Math.min(MAX_FILE_EVENTS, alerts.length + extra);
  const drawn: Array<{ atMs: number; event: FileEvent }> = [];
  for (let i = 0; i < total; i++) {
    const alert = alerts[i];
    // Each event has its own stream keyed by its alert, so a new alert adds an event without changing the others.
    const rng = alert === undefined ? base.fork('extra-' + String(i - alerts.length)) : base.fork(alert.alertId);
    let vector = fallback;
    if (primary.length > 0) vector = alert !== undefined || rng.chance(0.7) ? rng.pick(primary) : rng.pick(VECTORS);
    drawn.push(fileEvent(rng, session, device, vector, alert !== undefined));
  }
  drawn.sort((a, b) => a.atMs - b.atMs);
  return drawn.map((d) => d.event);
}
