import * as list from './list.js';
import * as reset from './reset.js';
import * as show from './show.js';

/** The commands of `incydr sessions checkpoint`, listed (no directory scanning). */
export const commands = [list, show, reset];
