import { describe, expect, it } from 'vitest';
import { forwardedLine } from './syslog.js';

describe('forwardedLine', () => {
  it('counts in the singular for one record and in the plural otherwise', () => {
    expect(forwardedLine({ sent: 1, resent: 0 }, 'session', 'TCP:siem:601')).toBe('Sent 1 session to TCP:siem:601.');
    expect(forwardedLine({ sent: 0, resent: 0 }, 'file event', 'siem')).toBe('Sent 0 file events to siem.');
    expect(forwardedLine({ sent: 2, resent: 1 }, 'session', 'siem')).toMatch(
      /^Sent 2 sessions to siem\. \(1 sent again /,
    );
  });
});
