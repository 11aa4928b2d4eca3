/** An unpacked syslog-ng-core that runs here. */
export interface SyslogNg {
  /** `usr/sbin/syslog-ng` of the unpacked package. */
  binary: string;
  /** Its shared libraries, for `LD_LIBRARY_PATH`. */
  libDir: string;
  /** Its modules, for `--module-path` (holds the `cef` module). */
  moduleDir: string;
  /** `Installer-Version` of `syslog-ng --version`, e.g. `3.38.1`. */
  version: string;
  /** The Debian revision downloaded, e.g. `3.38.1-5+deb12u1`. */
  revision: string | undefined;
}

/** Debian's package holding syslog-ng's daemon and its `format-cef-extension` template function. */
export declare const SYSLOG_NG_PACKAGE: string;

/** The shared libraries syslog-ng-core needs beyond a base system, as Debian packages. */
export declare const SYSLOG_NG_LIBRARIES: readonly string[];

/** The command that fills the cache, as the tests' skip lines name it. */
export declare const FETCH_COMMAND: string;

/** Where the unpacked package is kept: `INCYDR_SYSLOG_NG_DIR`, else the user's cache folder. */
export declare function syslogNgCacheDir(env?: NodeJS.ProcessEnv): string;

/** The unpacked syslog-ng in `cacheDir` when it runs, or `{ missing }` saying why not. */
export declare function cachedSyslogNg(cacheDir?: string): Promise<SyslogNg | { missing: string }>;

/** Make Debian's syslog-ng-core available unpacked in `cacheDir`; rejects with a message naming the step. */
export declare function fetchSyslogNg(cacheDir?: string): Promise<{ syslogNg: SyslogNg; note: string }>;
