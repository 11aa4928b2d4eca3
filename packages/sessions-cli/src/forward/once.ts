import type { RequestBudget } from '@x/sessions-sdk';
import { run as search } from '../commands/sessions/search.js';
import { createContext, RUN_IO, type Context, type GlobalArgs } from '../context.js';
import { describeError } from '../errors.js';
import { ExitError, InterruptedError } from '../failures.js';
import type { RunObserver } from '../observer.js';
import { budgetOf } from './budgets.js';
import type { Pipeline } from './config.js';
import { linesTo, type ForwardLog, type LineLevel } from './log.js';

/** How one pipeline's run ended. */
export interface PipelineOutcome {
  name: string;
  exitCode: number;
}

/**
 * Run every pipeline once, all at the same time, each as `incydr sessions search --checkpoint NAME --output TARGET`
 * with its own API client: one that fails (receiver down, API error) neither stops nor slows the others. Each line a
 * pipeline writes for people goes to `log` with its name. Throws when any failed (exit 1) or on an interrupt (exit
 * 130, every pipeline having saved what it delivered).
 */
export async function runOnce(
  pipelines: readonly Pipeline[],
  globals: GlobalArgs,
  ctx: Context,
  log: ForwardLog,
): Promise<void> {
  const budget = budgetOf(globals);
  const outcomes = await Promise.all(
    pipelines.map((pipeline) =>
      runPipeline(pipeline, globals, ctx, {
        budget: budget(pipeline),
        observer: { summary: (summary) => log.summary(pipeline.name, summary) },
        say: (line, level) => log.pipeline(pipeline.name, line, level),
      }),
    ),
  );
  if (ctx.signal.aborted) throw new InterruptedError('interrupted');
  const failed = outcomes.filter((outcome) => outcome.exitCode !== 0).map((outcome) => outcome.name);
  if (failed.length > 0) {
    throw new ExitError(`${failed.length} of ${pipelines.length} pipelines failed: ${failed.join(', ')}`);
  }
}

/** What a run of a pipeline may be given besides its settings. */
export interface PipelineRunOptions {
  /** The request budget its client draws on. */
  budget?: RequestBudget | undefined;
  /** Told what the run does (metrics). */
  observer?: RunObserver | undefined;
  /** Where its lines for people go, without the `incydr: ` prefix (the log names the pipeline). */
  say: (line: string, level?: LineLevel) => void;
}

/**
 * One run of one pipeline, as `incydr sessions search --checkpoint NAME --output TARGET` with its own context and
 * client, stopped by `parent.signal`; every line it writes for people goes to `options.say`. Never throws: a failure
 * is said and given as its exit code.
 */
export async function runPipeline(
  pipeline: Pipeline,
  globals: GlobalArgs,
  parent: Context,
  options: PipelineRunOptions,
): Promise<PipelineOutcome> {
  const { budget, observer } = options;
  const say = (line: string, level?: LineLevel): void => options.say(line.replace(/^incydr: /, ''), level);
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
      ...(observer === undefined ? {} : { observer }),
    },
  });
  try {
    await search(pipeline.args, ctx);
    return { name: pipeline.name, exitCode: 0 };
  } catch (error) {
    const { message, exitCode } = describeError(error);
    if (message !== '') say(message, exitCode === 130 ? 'info' : 'error');
    return { name: pipeline.name, exitCode };
  } finally {
    ctx.progress.stop();
  }
}
