import { Writable } from 'node:stream';
import type { RequestBudget } from '@x/sessions-sdk';
import { run as search } from '../commands/sessions/search.js';
import { createContext, RUN_IO, type Context, type GlobalArgs } from '../context.js';
import { describeError } from '../errors.js';
import { ExitError, InterruptedError } from '../failures.js';
import { budgetOf } from './budgets.js';
import type { Pipeline } from './config.js';

/** How one pipeline's run ended. */
export interface PipelineOutcome {
  name: string;
  exitCode: number;
}

/**
 * Run every pipeline once, all at the same time, each as `incydr sessions search --checkpoint NAME --output TARGET`
 * with its own API client: one that fails (receiver down, API error) neither stops nor slows the others. Each line a
 * pipeline writes for people goes to stderr prefixed with its name. Throws when any failed (exit 1) or on an
 * interrupt (exit 130, every pipeline having saved what it delivered).
 */
export async function runOnce(pipelines: readonly Pipeline[], globals: GlobalArgs, ctx: Context): Promise<void> {
  const budget = budgetOf(globals);
  const outcomes = await Promise.all(
    pipelines.map((pipeline) => runPipeline(pipeline, globals, ctx, budget(pipeline))),
  );
  if (ctx.signal.aborted) throw new InterruptedError('interrupted');
  const failed = outcomes.filter((outcome) => outcome.exitCode !== 0).map((outcome) => outcome.name);
  if (failed.length > 0) {
    throw new ExitError(`${failed.length} of ${pipelines.length} pipelines failed: ${failed.join(', ')}`);
  }
}

/**
 * One run of one pipeline, as `incydr sessions search --checkpoint NAME --output TARGET` with its own context and
 * client (drawing on `budget` when given), stopped by `parent.signal`; every line it writes for people goes to
 * `parent` prefixed with its name. Never throws: a failure is said and given as its exit code.
 */
export async function runPipeline(
  pipeline: Pipeline,
  globals: GlobalArgs,
  parent: Context,
  budget?: RequestBudget,
): Promise<PipelineOutcome> {
  const say = (line: string): void => parent.note(`${pipeline.name}: ${line.replace(/^incydr: /, '')}`);
  const ctx = createContext({
    ...globals,
    [RUN_IO]: {
      stdout: parent.stdout,
      // Not a terminal: no progress line is drawn for a pipeline, its notes come through whole.
      stderr: linesTo(say),
      env: pipeline.settings.env,
      signal: parent.signal,
      envFile: pipeline.settings.envFile,
      ...(budget === undefined ? {} : { requestBudget: budget }),
    },
  });
  try {
    await search(pipeline.args, ctx);
    return { name: pipeline.name, exitCode: 0 };
  } catch (error) {
    const { message, exitCode } = describeError(error);
    if (message !== '') say(message);
    return { name: pipeline.name, exitCode };
  } finally {
    ctx.progress.stop();
  }
}

/** A stream that hands each complete line written to it to `line`. */
function linesTo(line: (text: string) => void): Writable {
  let rest = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const text of lines) if (text.trim() !== '') line(text);
      done();
    },
    final(done) {
      if (rest.trim() !== '') line(rest);
      done();
    },
  });
}
