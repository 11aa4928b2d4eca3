export { startEmulator, type Emulator, type EmulatorOptions, type SessionDump } from './emulator.js';
export { noFaults, type FaultSettings } from './faults.js';
export type { LoggedRequest } from './server.js';
export type { ActivityReport } from './data/activity.js';
export {
  SESSION_STATES,
  CONTENT_INSPECTION_STATUSES,
  currentState,
  latestScore,
  type ApiSession,
  type SessionRecord,
  type SessionState,
  type ContentInspectionStatus,
} from './model.js';
