import { CliError, EXIT } from './client.js';

/** Polls `step` every `everyMs` until it returns a value; past `timeoutMs` a CliError with exit code 3. */
export async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  step: () => Promise<T | undefined>,
  everyMs = 300,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await step();
    if (v !== undefined) return v;
    if (Date.now() >= deadline)
      throw new CliError(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}`, EXIT.timeout);
    await new Promise((ok) => setTimeout(ok, everyMs));
  }
}
