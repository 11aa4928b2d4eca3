/** Write what errors.ts says of a failed run to `stderr` (nothing for a quiet failure) and give its exit code. */
export async function reportFailure(error: unknown, stderr: NodeJS.WritableStream): Promise<number> {
  const { describeError } = await import('./errors.js');
  const { message, exitCode, details = [] } = describeError(error);
  if (message !== '') stderr.write(`incydr: ${message}\n${details.map((line) => `${line}\n`).join('')}`);
  return exitCode;
}
