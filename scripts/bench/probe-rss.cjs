// Loaded with `node --require` into a measured child: on exit it writes the process's peak resident set size
// (process.resourceUsage().maxRSS, KiB) and its own CPU time (user and system, µs) as JSON to the file named by
// BENCH_RSS_FILE. Needs nothing but Node.
'use strict';
const { writeFileSync } = require('node:fs');

const file = process.env.BENCH_RSS_FILE;
if (file) {
  // Processes the child starts must not overwrite the figure.
  delete process.env.BENCH_RSS_FILE;
  process.on('exit', () => {
    try {
      const usage = process.resourceUsage();
      writeFileSync(file, JSON.stringify({ maxRssKiB: usage.maxRSS, cpuUs: usage.userCPUTime + usage.systemCPUTime }));
    } catch {
      // A missing figure is reported by the runner; the child's exit code must not change.
    }
  });
}
