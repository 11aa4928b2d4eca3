import * as bulkUpdateState from './bulk-update-state.js';
import * as checkpoint from './checkpoint.js';
import * as search from './search.js';
import * as show from './show.js';
import * as showEvents from './show-events.js';
import * as update from './update.js';
import * as updateByCriteria from './update-by-criteria.js';

/** The commands of `incydr sessions`, listed (no directory scanning). */
export const commands = [search, show, showEvents, update, bulkUpdateState, updateByCriteria, checkpoint];
