import { setFlagsFromString } from 'node:v8';

/**
 * Keep the CLI's memory flat on large exports. Measured on a 200,000-session export: peak RSS about 140 MB with
 * these settings instead of about 190 MB (and about 240 MB before the SDK's compact id set), for about 20 % fewer
 * sessions per second on CPU-bound exports (BENCHMARKS.md). Set before any work, so no heap or WebAssembly module
 * exists yet that they would apply to differently.
 */
export function tuneMemory(): void {
  // undici parses HTTP with llhttp compiled to WebAssembly; the baseline compiler is plenty for that, and the
  // optimising tier alone costs about 35 MB.
  setFlagsFromString('--liftoff-only');
  // A streaming process has little live data and much garbage: V8's default lets the heap grow up to four times
  // past what survives a full collection before collecting again; 20 % keeps the footprint near the live data.
  setFlagsFromString('--heap-growing-percent=20');
}
