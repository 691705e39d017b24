/**
 * Polls until `fn` returns a truthy value; rejects with `message` (and the last error) on timeout.
 * Without `intervalMs` the pause starts at 50 ms and grows by a quarter per poll up to 250 ms:
 * a condition that holds soon is seen soon, and a long wait (an agent enrolling, a guest
 * booting) does not spend the CPU both test jobs share on a poll every 50 ms (many polls are a
 * gRPC call or a CLI run).
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  opts: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  let lastErr: unknown;
  let pause = opts.intervalMs ?? 50;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > deadline) {
      const why = lastErr ? ` (last error: ${(lastErr as Error).message ?? String(lastErr)})` : '';
      throw new Error(`timed out waiting for ${opts.message ?? 'condition'}${why}`);
    }
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(pause, deadline - Date.now()))));
    if (opts.intervalMs === undefined) pause = Math.min(250, pause * 1.25);
  }
}
