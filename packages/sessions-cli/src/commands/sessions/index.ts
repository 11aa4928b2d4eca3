import * as search from './search.js';
import * as show from './show.js';
import * as showEvents from './show-events.js';
import * as update from './update.js';

/** The commands of `incydr sessions`, listed (no directory scanning). */
export const commands = [search, show, showEvents, update];
