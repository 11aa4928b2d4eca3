// `@x/syslog-out/check` promises a light entry: checking options loads no socket or TLS module (a command line checks
// its flags before any work). Reads the built entry: the test task builds first.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadedModules } from '@x/vitest-config/modules';
import { patient } from '@x/vitest-config/patience';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('the check entry', () => {
  it(
    'checks options, IPv6 targets included, without loading node:net, node:tls or node:dgram',
    async () => {
      const code =
        `const { checkSenderOptions } = await import('@x/syslog-out/check');` +
        `checkSenderOptions({ target: 'UDP:[::1]:514' });` +
        `checkSenderOptions({ target: 'TLS-TCP:[fe80::1]:6514', ca: 'ca.pem' });`;
      const run = await loadedModules(['--input-type=module', '-e', code], { cwd: packageDir });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const builtins = run.urls.filter((url) => url.startsWith('node:'));
      expect(builtins).not.toContain('node:net');
      expect(builtins).not.toContain('node:tls');
      expect(builtins).not.toContain('node:dgram');
    },
    patient(30_000),
  );
});
