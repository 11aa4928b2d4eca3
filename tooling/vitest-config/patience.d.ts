/** The environment variable that carries the factor to the test workers (and that a user may set to override it). */
export declare const SCALE_VARIABLE: string;

/** The factor for this machine (1–12): how much slower a Node start is than on a quiet machine, or the load per core. */
export declare function measureScale(): number;

/** The factor in force: the one the suite measured at start (passed on in the environment), else measured now. */
export declare function timeScale(): number;

/** `ms`, a bound chosen for a quiet machine, scaled to this one. */
export declare function patient(ms: number): number;
