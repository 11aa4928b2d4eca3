/** A code block of a README, and which README it came from. */
export interface CodeBlock {
  source: string;
  code: string;
}

/** What a run of an example gave; `code` is null when a signal or the timeout ended it. */
export interface ExampleRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The ```lang blocks of a markdown file; `onlyFor` keeps those whose first import is that package. */
export declare function codeBlocks(file: string, lang: string, onlyFor?: string): CodeBlock[];

/** The items of the first `- ` list after the first line of a markdown file that contains `marker`. */
export declare function listAfter(file: string, marker: string): string[];

/** A folder for README examples: see {@link exampleFolder}. */
export interface ExampleFolder {
  dir: string;
  /** Write `example-N.mjs` with `code` and run it with Node (PATH, HOME = the folder, and `env`). */
  run(n: number, code: string, env?: Record<string, string>): Promise<ExampleRun>;
  remove(): void;
}

/** A temporary folder whose node_modules links each package name to its folder. */
export declare function exampleFolder(prefix: string, packages: Record<string, string>): ExampleFolder;

/** Run `command args…` in `dir` with exactly `env`, bounded in time; never rejects for a non-zero exit. */
export declare function runIn(
  dir: string,
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs?: number,
): Promise<ExampleRun>;

/** Every block matches exactly one expectation and every expectation exactly one block. */
export declare function expectPaired(
  blocks: readonly CodeBlock[],
  expectations: ReadonlyArray<{ match: RegExp }>,
): void;

/** A TCP receiver on 127.0.0.1 for examples that send syslog. */
export interface ByteReceiver {
  port: number;
  /** Bytes of every connection that ended, in order. */
  streams: Buffer[];
  close(): Promise<void>;
}

/** Start a {@link ByteReceiver}; it closes its side after a sender's end of stream (what a confirm waits for). */
export declare function startByteReceiver(): Promise<ByteReceiver>;

/** Split RFC 6587 octet-counted frames (`LEN SP MSG`). */
export declare function octetFrames(bytes: Buffer): string[];
