import * as completion from './completion.js';
import * as forward from './forward.js';
import * as sessions from './sessions.js';

/** The top-level commands of `incydr`. */
export const commands = [sessions, forward, completion];
