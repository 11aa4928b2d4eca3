import { setFlagsFromString } from 'node:v8';

let tuned = false;

/**
 * Keep the CLI's memory flat on large exports, at some cost in speed on CPU-bound ones (BENCHMARKS.md's export-200k
 * holds the figures and the target). Called once the API client's code is loaded and before its first request: V8
 * checks its flags before it takes Node's built-in modules from their compile cache, so every built-in compiled after
 * a flag change is compiled from scratch (set first thing, this cost `sessions show` some 17 ms of CPU). Later calls
 * do nothing.
 */
export function tuneMemory(): void {
  if (tuned) return;
  tuned = true;
  // undici parses HTTP with llhttp compiled to WebAssembly (the npm undici of a proxied client); the baseline
  // compiler is plenty for that, and the optimising tier would add its own code and memory for no speed that matters
  // here (it compiled llhttp a second time, and a 200,000-session export peaked above 150 MB).
  setFlagsFromString('--liftoff-only');
  // A streaming process has little live data and much garbage: V8's default lets the heap grow up to four times
  // past what survives a full collection before collecting again; 20 % keeps the footprint near the live data
  // (without it a 200,000-session export peaked near 210 MB instead of 145 MB, for some 8 % less CPU).
  setFlagsFromString('--heap-growing-percent=20');
}
