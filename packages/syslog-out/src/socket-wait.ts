import type { Socket } from 'node:net';
import { SyslogConnectionError, type SyslogError } from './errors.js';

/**
 * Call `then` once the event loop has run two whole poll phases: three turns of its check phase, since the first may
 * come right after the poll phase under way. Socket events that had arrived by the call are seen by then, and so is
 * a close that a receiver in this very process makes in reaction to bytes it reads in the first of them. The
 * immediates stay referenced: unreferenced ones let the poll phase block until some other timer or I/O is due.
 */
export function afterTwoPollPhases(then: () => void): void {
  setImmediate(() => setImmediate(() => setImmediate(then)));
}

/**
 * Resolve on `event`, reject on 'error', 'close', an abort or the timeout (then destroy); `unref`: the timer holds no
 * process.
 */
export async function settle(
  socket: Socket,
  event: string,
  unref: boolean,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  onTimeout: () => SyslogError,
): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off(event, onEvent);
      socket.off('error', onError);
      socket.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      cleanup();
      socket.on('error', () => undefined);
      socket.destroy();
      reject(new SyslogConnectionError('the connection attempt was aborted', { cause: signal?.reason }));
    };
    const onEvent = (): void => {
      cleanup();
      resolve();
    };
    const onError = (error: Error): void => {
      cleanup();
      // Keep a listener: a late second error must not become an uncaught exception.
      socket.on('error', () => undefined);
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(Object.assign(new Error('connection closed before it was established'), { code: 'ECONNRESET' }));
    };
    const timer = setTimeout(() => {
      cleanup();
      socket.on('error', () => undefined);
      socket.destroy();
      reject(onTimeout());
    }, timeoutMs);
    if (unref) timer.unref();
    socket.once(event, onEvent);
    socket.once('error', onError);
    socket.once('close', onClose);
    if (signal?.aborted === true) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
