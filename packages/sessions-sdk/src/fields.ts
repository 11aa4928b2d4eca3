// The field lists of the models, as data: a program can name columns without loading the schemas (and valibot).
// fields.test.ts checks them against the schemas' entries, so the two cannot drift apart.

function under(prefix: string, names: readonly string[]): string[] {
  return names.map((name) => `${prefix}.${name}`);
}

/**
 * Every leaf field of a `Session`, as a dotted path of API keys in the API's order: nested objects are descended
 * (`contentInspectionResults.status`), arrays are one field (`scores`).
 */
export const SESSION_FIELDS: readonly string[] = Object.freeze([
  'actorId',
  'actorName',
  'type',
  'beginTime',
  ...under('contentInspectionResults', ['detectedOnAlerts', 'status', 'eventResults']),
  'contextSummary',
  'criticalEvents',
  'highEvents',
  'moderateEvents',
  'lowEvents',
  'noRiskEvents',
  'endTime',
  'exfiltrationSummary',
  'firstObserved',
  'lastUpdated',
  'notes',
  'riskIndicators',
  'scores',
  'sessionId',
  'states',
  'tenantId',
  'triggeredAlerts',
  'userId',
]);

const REMOVABLE_MEDIA = [
  'busType',
  'capacity',
  'mediaName',
  'name',
  'partitionId',
  'serialNumber',
  'vendor',
  'volumeName',
];

// The fields file events' source and destination share.
function endpoint(side: string): string[] {
  return [
    ...under(side, ['category', 'name', 'domain', 'domains', 'ip', 'privateIp', 'operatingSystem']),
    ...under(`${side}.removableMedia`, REMOVABLE_MEDIA),
    `${side}.tabs`,
    `${side}.user.email`,
    ...under(side, ['accountName', 'accountType', 'remoteHostname']),
  ];
}

/**
 * Every leaf field of a `FileEvent`, as a dotted path of API keys in the API's order (`@timestamp`,
 * `destination.category`, …).
 */
export const FILE_EVENT_FIELDS: readonly string[] = Object.freeze([
  '@timestamp',
  ...endpoint('destination'),
  ...under('destination', ['email.recipients', 'email.subject', 'printJobName', 'printerName']),
  'destination.printedFilesBackupPath',
  ...under('event', ['action', 'id', 'ingested', 'inserted', 'observer', 'detectorDisplayName', 'relatedEvents']),
  ...under('event', ['shareType', 'vector', 'xfcEventId']),
  ...under('file', ['name', 'directory', 'category', 'categoryByBytes', 'categoryByExtension', 'mimeType']),
  ...under('file', ['mimeTypeByBytes', 'mimeTypeByExtension', 'sizeInBytes', 'owner', 'created', 'modified']),
  ...under('file.hash', ['md5', 'sha256', 'md5Error', 'sha256Error']),
  ...under('file', ['id', 'url', 'changeType', 'classifications', 'acquiredFrom', 'archiveId', 'parentArchiveId']),
  ...under('file', ['passwordProtected', 'cloudDriveId', 'directoryId', 'originalDirectory', 'originalName']),
  ...under('process', ['executable', 'owner', 'extension.browser', 'extension.version', 'extension.loggedInUser']),
  ...under('report', ['id', 'name', 'description', 'headers', 'count', 'type']),
  ...under('responseControls', ['preventativeControl', 'userJustification.reason', 'userJustification.text']),
  ...under('risk', ['score', 'severity', 'indicators', 'trusted', 'trustReason']),
  ...under('risk.untrustedValues', ['accountNames', 'domains', 'gitRepositoryUris', 'slackWorkspaces', 'urlPaths']),
  ...endpoint('source'),
  ...under('source', ['email.from', 'email.sender']),
  ...under('user', ['email', 'id', 'deviceUid', 'department', 'groups']),
  ...under('git', ['eventId', 'lastCommitHash', 'repositoryEmail', 'repositoryEndpointPath', 'repositoryUri']),
  'git.repositoryUser',
]);
