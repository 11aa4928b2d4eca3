import { setFlagsFromString } from 'node:v8';

/**
 * Keep the CLI's memory flat on large exports, at some cost in speed on CPU-bound ones (BENCHMARKS.md's export-200k
 * holds the figures and the target). Set before any work, so no heap or WebAssembly module exists yet that they
 * would apply to differently.
 */
export function tuneMemory(): void {
  // undici parses HTTP with llhttp compiled to WebAssembly; the baseline compiler is plenty for that, and the
  // optimising tier would add its own code and memory for no speed that matters here (without this flag a
  // `sessions show` took about 250 ms more CPU, compiling llhttp a second time, and a 200,000-session export
  // peaked above 150 MB).
  setFlagsFromString('--liftoff-only');
  // A streaming process has little live data and much garbage: V8's default lets the heap grow up to four times
  // past what survives a full collection before collecting again; 20 % keeps the footprint near the live data
  // (without it a 200,000-session export peaked near 210 MB instead of 145 MB, for some 8 % less CPU).
  setFlagsFromString('--heap-growing-percent=20');
}
