import { describe, expect, it } from 'vitest';
import type { Session } from '../sessions/schemas.js';
import { escapeCefExtensionValue, escapeCefHeader, formatCefExtension } from './cef-escape.js';
import { CEF_RECORD_VERSION, toCef, toCefFields } from './cef.js';
import { SIEM_RECORDS, toSiemRecord } from './records.js';

const session: Session = {
  sessionId: 'ses-1',
  actorId: 'act-1',
  actorName: 'zoe@example.com',
  type: 'STANDARD',
  tenantId: 'ten-1',
  beginTime: 1_700_000_000_000,
  endTime: 1_700_000_600_000,
  firstObserved: 1_700_000_000_500,
  lastUpdated: 1_700_000_900_000,
  contextSummary: 'Zip uploaded',
  exfiltrationSummary: '3 files',
  criticalEvents: 1,
  highEvents: 2,
  moderateEvents: 0,
  lowEvents: 3,
  noRiskEvents: 4,
  notes: [{ content: 'a' }],
  riskIndicators: [{ name: 'Zip upload' }, { name: 'Off hours' }],
  scores: [
    { score: 9, severity: 4, sourceTimestamp: 1 },
    { score: 7, severity: 3, sourceTimestamp: 2 },
  ],
  states: [{ stateV2: 'OPEN', sourceTimestamp: 1 }],
  triggeredAlerts: [{ ruleName: 'Departing' }, { ruleName: 'Cloud' }, { ruleName: 'Leaver' }],
  userId: 'usr-1',
};

describe('toCefFields', () => {
  it('gives CEF severities 0, 3, 5, 8, 10 to NO_RISK … CRITICAL, and 0 without a severity 0–4', () => {
    const severityOf = (severity: number | null): number =>
      toCefFields({ scores: [{ severity, score: 1, sourceTimestamp: 1 }] }).severity;
    expect([0, 1, 2, 3, 4].map(severityOf)).toEqual([0, 3, 5, 8, 10]);
    expect(severityOf(null)).toBe(0);
    expect(severityOf(7)).toBe(0);
    expect(toCefFields({}).severity).toBe(0);
  });

  it('names the event by its first rule, the count of the others and the state', () => {
    expect(toCefFields(session)).toMatchObject({
      signatureId: 'incydr-session-OPEN',
      name: 'Incydr session: Departing and 2 more (OPEN)',
    });
    expect(toCefFields({ triggeredAlerts: [{ ruleName: 'Cloud' }] }).name).toBe('Incydr session: Cloud');
    expect(toCefFields({ states: [{ stateV2: 'WHATEVER' }] })).toMatchObject({
      signatureId: 'incydr-session-WHATEVER',
      name: 'Incydr session (WHATEVER)',
    });
    expect(toCefFields({})).toMatchObject({ signatureId: 'incydr-session', name: 'Incydr session' });
  });

  it('maps the session onto standard keys, labelled custom slots and incydr keys, in a fixed order', () => {
    const fields = toCefFields(session, { apiUrl: 'https://api.us.code42.com', change: 'changed' });
    expect(fields.extension).toEqual([
      ['externalId', 'ses-1'],
      ['rt', '1700000900000'],
      ['start', '1700000000000'],
      ['end', '1700000600000'],
      ['deviceCustomDate1', '1700000000500'],
      ['deviceCustomDate1Label', 'firstObserved'],
      ['suser', 'zoe@example.com'],
      ['suid', 'act-1'],
      ['cat', 'STANDARD'],
      ['msg', 'Zip uploaded'],
      ['deviceExternalId', 'ten-1'],
      ['dvchost', 'api.us.code42.com'],
      ['cs1', 'OPEN'],
      ['cs1Label', 'state'],
      ['cs2', '["Departing","Cloud","Leaver"]'],
      ['cs2Label', 'ruleNames'],
      ['cs3', '["Zip upload","Off hours"]'],
      ['cs3Label', 'riskIndicatorNames'],
      ['cs4', 'HIGH'],
      ['cs4Label', 'severity'],
      ['cs5', 'CRITICAL'],
      ['cs5Label', 'highestSeverity'],
      ['cs6', 'https://console.us.code42.com/app/#/alerts/review-alerts/ses-1'],
      ['cs6Label', 'consoleUrl'],
      ['cn1', '7'],
      ['cn1Label', 'riskScore'],
      ['cn2', '10'],
      ['cn2Label', 'totalEvents'],
      ['cn3', '1'],
      ['cn3Label', 'noteCount'],
      ['incydrSeverity', '3'],
      ['incydrHighestSeverity', '4'],
      ['incydrCriticalEvents', '1'],
      ['incydrHighEvents', '2'],
      ['incydrModerateEvents', '0'],
      ['incydrLowEvents', '3'],
      ['incydrNoRiskEvents', '4'],
      ['incydrExfiltrationSummary', '3 files'],
      ['incydrUserId', 'usr-1'],
      ['incydrChange', 'changed'],
    ]);
  });

  it('leaves out a key (and its label) whose value is missing, null or empty', () => {
    const empty = { sessionId: '', actorName: null, states: null, scores: [], notes: null } as Session;
    expect(toCefFields(empty).extension).toEqual([
      ['cn3', '0'],
      ['cn3Label', 'noteCount'],
    ]);
  });
});

describe('toCef', () => {
  it('writes one CEF:0 line with the vendor, product, record version and escaped header fields', () => {
    const line = toCef({ sessionId: 'a=b', states: [{ stateV2: 'X|Y\\Z' }], scores: [{ severity: 2 }] });
    expect(line).toBe(
      `CEF:0|Mimecast|Incydr|${CEF_RECORD_VERSION}|incydr-session-X\\|Y\\\\Z|Incydr session (X\\|Y\\\\Z)|5|` +
        'externalId=a\\=b cs1=X|Y\\\\Z cs1Label=state cs4=MODERATE cs4Label=severity cs5=MODERATE ' +
        'cs5Label=highestSeverity cn3=0 cn3Label=noteCount incydrSeverity=2 incydrHighestSeverity=2',
    );
    expect(line).not.toMatch(/[\r\n]/);
  });

  it('is the cef record of toSiemRecord', () => {
    expect(SIEM_RECORDS).toContain('cef');
    expect(toSiemRecord('cef', session)).toBe(toCef(session));
  });
});

describe('CEF escaping', () => {
  it('escapes a header field’s backslash and pipe and puts a space for each line break', () => {
    expect(escapeCefHeader('a|b\\c')).toBe('a\\|b\\\\c');
    expect(escapeCefHeader('one\r\ntwo\nthree\rfour\tfive')).toBe('one two three four five');
    expect(escapeCefHeader('Zoë 山田 = x')).toBe('Zoë 山田 = x');
  });

  it('escapes an extension value’s backslash, equals sign, line breaks and other control characters', () => {
    expect(escapeCefExtensionValue('a=b\\c|d')).toBe('a\\=b\\\\c|d');
    expect(escapeCefExtensionValue('one\r\ntwo\n')).toBe('one\\r\\ntwo\\n');
    expect(escapeCefExtensionValue('\t\x00\x1b\x7f')).toBe('\\u0009\\u0000\\u001b\x7f');
  });

  it('refuses an extension key that is not ASCII letters and digits', () => {
    expect(
      formatCefExtension([
        ['a1', 'x'],
        ['B', ''],
      ]),
    ).toBe('a1=x B=');
    expect(() => formatCefExtension([['a b', 'x']])).toThrow('not a b');
    expect(() => formatCefExtension([['', 'x']])).toThrow(TypeError);
  });
});
