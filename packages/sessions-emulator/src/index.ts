export { startEmulator, type Emulator, type EmulatorOptions, type SessionDump } from './emulator.js';
export type { FaultSettings } from './faults.js';
export type { LoggedRequest } from './server.js';
export type { ActivityReport } from './data/activity.js';
export type { ApiSession, ContentInspectionStatus } from './model.js';
