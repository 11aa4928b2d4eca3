// A light entry (no sockets, no TLS): check options early, as a command line does before any work.
export { checkSenderOptions, type SyslogSenderOptions } from './options.js';
export { SyslogAbortError, SyslogConfigError, SyslogError, type SyslogErrorReason } from './errors.js';
