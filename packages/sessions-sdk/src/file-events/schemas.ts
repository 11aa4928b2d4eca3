import * as v from 'valibot';
import { SEVERITY_LABELS } from '../sessions/enums.js';
import { openEnum } from '../sessions/open-enum.js';

// Like the session schemas: validation only (no transforms, defaults or fallbacks), every field may be missing or
// null, unknown keys are kept. Only fields whose type is documented are typed; the API adds fields often.

const optionalString = v.nullish(v.string());
const optionalNumber = v.nullish(v.number());
const optionalBoolean = v.nullish(v.boolean());
const optionalStrings = v.nullish(v.array(v.string()));

const TabSchema = v.looseObject({
  title: optionalString,
  url: optionalString,
  titleError: optionalString,
  urlError: optionalString,
});

const tabs = v.nullish(v.array(TabSchema));

const RemovableMediaSchema = v.looseObject({
  busType: optionalString,
  /** Bytes. */
  capacity: optionalNumber,
  mediaName: optionalString,
  name: optionalString,
  partitionId: optionalStrings,
  serialNumber: optionalString,
  vendor: optionalString,
  volumeName: optionalStrings,
});

// Fields source and destination share.
const endpointEntries = {
  category: optionalString,
  name: optionalString,
  domain: optionalString,
  domains: optionalStrings,
  ip: optionalString,
  privateIp: optionalStrings,
  operatingSystem: optionalString,
  removableMedia: v.nullish(RemovableMediaSchema),
  tabs,
  user: v.nullish(v.looseObject({ email: optionalStrings })),
  accountName: optionalString,
  accountType: optionalString,
  remoteHostname: optionalString,
};

const SourceSchema = v.looseObject({
  ...endpointEntries,
  email: v.nullish(v.looseObject({ from: optionalString, sender: optionalString })),
});

const DestinationSchema = v.looseObject({
  ...endpointEntries,
  email: v.nullish(v.looseObject({ recipients: optionalStrings, subject: optionalString })),
  printJobName: optionalString,
  printerName: optionalString,
  printedFilesBackupPath: optionalString,
});

const RelatedEventSchema = v.looseObject({
  agentTimestamp: optionalString,
  eventAction: optionalString,
  id: optionalString,
  sourceCategory: optionalString,
  sourceName: optionalString,
  tabs,
  userEmail: optionalString,
});

const EventSchema = v.looseObject({
  action: optionalString,
  id: optionalString,
  /** ISO-8601. */
  ingested: optionalString,
  /** ISO-8601. */
  inserted: optionalString,
  observer: optionalString,
  detectorDisplayName: optionalString,
  relatedEvents: v.nullish(v.array(RelatedEventSchema)),
  shareType: optionalStrings,
  vector: optionalString,
  xfcEventId: optionalString,
});

const AcquiredFromSchema = v.looseObject({
  eventId: optionalString,
  eventAction: optionalString,
  agentTimestamp: optionalString,
  fileName: optionalString,
  md5: optionalString,
  sourceAccountName: optionalString,
  sourceAccountType: optionalString,
  sourceCategory: optionalString,
  sourceDomains: optionalStrings,
  sourceName: optionalString,
  sourceUser: v.nullish(v.looseObject({ email: optionalStrings })),
  tabs,
  userEmail: optionalString,
  git: v.nullish(
    v.looseObject({ repositoryEmail: optionalString, repositoryUri: optionalString, repositoryUser: optionalString }),
  ),
});

const FileSchema = v.looseObject({
  name: optionalString,
  directory: optionalString,
  category: optionalString,
  categoryByBytes: optionalString,
  categoryByExtension: optionalString,
  mimeType: optionalString,
  mimeTypeByBytes: optionalString,
  mimeTypeByExtension: optionalString,
  sizeInBytes: optionalNumber,
  owner: optionalString,
  /** ISO-8601. */
  created: optionalString,
  /** ISO-8601. */
  modified: optionalString,
  hash: v.nullish(
    v.looseObject({
      md5: optionalString,
      sha256: optionalString,
      md5Error: optionalString,
      sha256Error: optionalString,
    }),
  ),
  id: optionalString,
  url: optionalString,
  changeType: optionalString,
  classifications: v.nullish(v.array(v.looseObject({ value: optionalString, vendor: optionalString }))),
  acquiredFrom: v.nullish(v.array(AcquiredFromSchema)),
  archiveId: optionalString,
  parentArchiveId: optionalString,
  passwordProtected: optionalBoolean,
  cloudDriveId: optionalString,
  directoryId: optionalStrings,
  originalDirectory: optionalString,
  originalName: optionalString,
});

const ProcessSchema = v.looseObject({
  executable: optionalString,
  owner: optionalString,
  extension: v.nullish(
    v.looseObject({ browser: optionalString, version: optionalString, loggedInUser: optionalString }),
  ),
});

const RiskSchema = v.looseObject({
  score: optionalNumber,
  severity: v.nullish(openEnum(SEVERITY_LABELS)),
  indicators: v.nullish(v.array(v.looseObject({ name: optionalString, id: optionalString, weight: optionalNumber }))),
  trusted: optionalBoolean,
  trustReason: optionalString,
  untrustedValues: v.nullish(
    v.looseObject({
      accountNames: optionalStrings,
      domains: optionalStrings,
      gitRepositoryUris: optionalStrings,
      slackWorkspaces: optionalStrings,
      urlPaths: optionalStrings,
    }),
  ),
});

const UserSchema = v.looseObject({
  email: optionalString,
  id: optionalString,
  deviceUid: optionalString,
  department: optionalString,
  groups: v.nullish(v.array(v.unknown())),
});

const ReportSchema = v.looseObject({
  id: optionalString,
  name: optionalString,
  description: optionalString,
  headers: optionalStrings,
  count: optionalNumber,
  type: optionalString,
});

const ResponseControlsSchema = v.looseObject({
  preventativeControl: optionalString,
  userJustification: v.nullish(v.looseObject({ reason: optionalString, text: optionalString })),
});

const GitSchema = v.looseObject({
  eventId: optionalString,
  lastCommitHash: optionalString,
  repositoryEmail: optionalString,
  repositoryEndpointPath: optionalString,
  repositoryUri: optionalString,
  repositoryUser: optionalString,
});

/** A file event (FileEventV2): `@timestamp` (ISO-8601) and groups of metadata, each an object or null. */
export const FileEventSchema = v.looseObject({
  '@timestamp': optionalString,
  destination: v.nullish(DestinationSchema),
  event: v.nullish(EventSchema),
  file: v.nullish(FileSchema),
  process: v.nullish(ProcessSchema),
  report: v.nullish(ReportSchema),
  responseControls: v.nullish(ResponseControlsSchema),
  risk: v.nullish(RiskSchema),
  source: v.nullish(SourceSchema),
  user: v.nullish(UserSchema),
  git: v.nullish(GitSchema),
});

/** A file event as the server sent it; every field may be missing or null, unknown fields are kept. */
export type FileEvent = v.InferOutput<typeof FileEventSchema>;

/** A problem the server found with an event query. */
const FileEventsProblemSchema = v.looseObject({
  badFilter: v.nullish(v.looseObject({ operator: optionalString, term: optionalString, value: optionalString })),
  description: optionalString,
  type: optionalString,
});

/** A problem the server found with an event query. */
export type FileEventsProblem = v.InferOutput<typeof FileEventsProblemSchema>;

/** A page of file events. */
export const FileEventsPageSchema = v.looseObject({
  fileEvents: v.nullish(v.array(FileEventSchema)),
  nextPgToken: optionalString,
  problems: v.nullish(v.array(FileEventsProblemSchema)),
  totalCount: optionalNumber,
});

/** A page of file events. */
export type FileEventsPage = v.InferOutput<typeof FileEventsPageSchema>;

/** Answer of `GET /v1/sessions/{id}/events`: the page under `queryResult`, which may be null or missing. */
export const SessionEventsResponseSchema = v.looseObject({
  queryResult: v.nullish(FileEventsPageSchema),
});

/** Answer of `GET /v1/sessions/{id}/events`. */
export type SessionEventsResponse = v.InferOutput<typeof SessionEventsResponseSchema>;
