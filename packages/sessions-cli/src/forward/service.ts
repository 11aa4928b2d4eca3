import { describeError } from '../errors.js';
import { ExitError } from '../failures.js';
import type { Pipeline } from './config.js';
import { PipelineLoop, type LoopClock, type RunPipeline } from './pipeline-loop.js';

/** How long a stop may take before the service gives up waiting and exits 1 naming the pipelines still running. */
export const STOP_BOUND_MS = 30_000;

/** What the service works with: the process's in `incydr forward`, fakes in its unit tests. */
export interface ServiceDeps {
  /** The config file (for messages). */
  file: string;
  /** Read and check the config file again (SIGHUP); throws as `loadForwardConfig` does. */
  load: () => Pipeline[];
  run: RunPipeline;
  clock: LoopClock;
  random: () => number;
  /** A line for people on stderr. */
  note: (line: string) => void;
  /** A line for people about one pipeline. @default `note` with the pipeline's name in front */
  pipelineNote?: (pipeline: string, line: string) => void;
  /** Told which pipelines run: at the start and after each reload of a file without problems. */
  onPipelines?: (pipelines: readonly Pipeline[]) => void;
  /** Aborted by SIGTERM or SIGINT: every pipeline stops after its current record. */
  signal: AbortSignal;
  /** Call `listener` on each SIGHUP; gives the function that stops doing so. */
  onHangup: (listener: () => void) => () => void;
  /** @default STOP_BOUND_MS */
  stopBoundMs?: number;
}

/**
 * Run every pipeline on its own schedule until `deps.signal` aborts, then wait for each to stop after its current
 * record (having confirmed and saved what it delivered) and return. Throws an exit 1 when some did not stop within
 * the bound. Each SIGHUP reloads the file: added pipelines start, removed ones stop after their current run, changed
 * ones take their new settings at their next run; a file with problems changes nothing and its problems are said.
 */
export async function runService(initial: readonly Pipeline[], deps: ServiceDeps): Promise<void> {
  const loops = new Map<string, PipelineLoop>();
  /** Loops of removed pipelines, until their last run is over. */
  const leaving = new Set<PipelineLoop>();
  const start = (pipeline: Pipeline): PipelineLoop => {
    // A pipeline added back (or renamed) while its removed loop finishes a run would find the checkpoint locked by
    // that run: its first run waits for it.
    const holders = [...leaving].filter((loop) => loop.pipeline.checkpoint === pipeline.checkpoint);
    const loop = new PipelineLoop(pipeline, {
      after: Promise.all(holders.map((holder) => holder.done)),
      run: deps.run,
      clock: deps.clock,
      random: deps.random,
      say: (line) =>
        deps.pipelineNote === undefined
          ? deps.note(`${pipeline.name}: ${line}`)
          : deps.pipelineNote(pipeline.name, line),
    });
    loops.set(pipeline.name, loop);
    return loop;
  };
  // A stop that came while the file was being read starts nothing.
  if (!deps.signal.aborted) for (const pipeline of initial) start(pipeline);
  deps.onPipelines?.(initial);
  deps.note(
    `incydr: forwarding ${initial.length === 1 ? '1 pipeline' : `${initial.length} pipelines`} from ${deps.file} ` +
      '(SIGTERM or Ctrl-C stops them, SIGHUP reloads the file)',
  );

  const reload = (): void => {
    if (deps.signal.aborted) return;
    let pipelines: Pipeline[];
    try {
      pipelines = deps.load();
    } catch (error) {
      const { message, details } = describeError(error);
      const what = details === undefined ? message : message.replace(/; nothing was started$/, '');
      deps.note(`incydr: reload failed, the running pipelines go on unchanged: ${what}`);
      for (const line of details ?? []) deps.note(line);
      return;
    }
    const wanted = new Map(pipelines.map((pipeline) => [pipeline.name, pipeline]));
    const added: string[] = [];
    const removed: string[] = [];
    const changed: string[] = [];
    for (const [name, loop] of loops) {
      if (wanted.has(name)) continue;
      loop.stop();
      loops.delete(name);
      leaving.add(loop);
      void loop.done.then(() => leaving.delete(loop));
      removed.push(name);
    }
    for (const pipeline of pipelines) {
      const loop = loops.get(pipeline.name);
      if (loop === undefined) {
        start(pipeline);
        added.push(pipeline.name);
      } else if (JSON.stringify(loop.pipeline) !== JSON.stringify(pipeline)) {
        loop.update(pipeline);
        changed.push(pipeline.name);
      }
    }
    deps.onPipelines?.(pipelines);
    const list = (names: string[]): string => (names.length === 0 ? '' : ` (${names.join(', ')})`);
    const unchanged = pipelines.length - added.length - changed.length;
    deps.note(
      `incydr: reloaded ${deps.file}: ${added.length} added${list(added)}, ${removed.length} removed${list(removed)}, ` +
        `${changed.length} changed${list(changed)}, ${unchanged} unchanged`,
    );
  };
  // Held until every loop has stopped: a SIGHUP while stopping is ignored by `reload`, never left to end the process.
  const stopListening = deps.onHangup(reload);
  try {
    await new Promise<void>((resolve) => {
      if (deps.signal.aborted) resolve();
      else deps.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await stopAll([...loops.values(), ...leaving], deps);
  } finally {
    stopListening();
  }
  deps.note('incydr: stopped; every pipeline saved what it delivered');
}

/** Stop every loop and wait for them within the bound; an exit 1 naming those still running after it. */
async function stopAll(all: readonly PipelineLoop[], deps: ServiceDeps): Promise<void> {
  for (const loop of all) loop.stop();
  const boundMs = deps.stopBoundMs ?? STOP_BOUND_MS;
  const bound = new AbortController();
  const inTime = await Promise.race([
    Promise.all(all.map((loop) => loop.done)).then(() => true),
    deps.clock.sleep(boundMs, bound.signal).then(() => false),
  ]);
  bound.abort();
  if (!inTime) {
    const running = all.filter((loop) => !loop.ended).map((loop) => loop.pipeline.name);
    throw new ExitError(
      `${running.join(', ')} did not stop within ${Math.round(boundMs / 1000)} s; ` +
        'what they delivered since their last confirmed batch is sent again by the next run',
    );
  }
}
