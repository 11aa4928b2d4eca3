export {
  createSyslogSender,
  UDP_SAFE_BYTES,
  type Delivery,
  type SyslogSender,
  type SyslogSenderOptions,
  type SyslogStats,
} from './stream-sender.js';
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
} from './errors.js';
