export { createSyslogSender, type SyslogSender, type SyslogStats } from './sender.js';
export { checkSenderOptions, type Delivery, type SyslogSenderOptions } from './options.js';
export { UDP_SAFE_BYTES } from './udp-sender.js';
export { parseTarget, DEFAULT_PORT, type Protocol, type Target } from './target.js';
export {
  createFormatter,
  FACILITIES,
  SEVERITIES,
  type Formatter,
  type Framing,
  type HeaderOptions,
  type HeaderStyle,
} from './format.js';
export {
  SyslogError,
  SyslogAbortError,
  SyslogConfigError,
  SyslogConnectionError,
  SyslogDeliveryError,
  SyslogMessageError,
  SyslogTimeoutError,
  SyslogTlsError,
  type SyslogErrorReason,
} from './errors.js';
