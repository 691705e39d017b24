import type { Clock } from '../../../common/clock.js';

/**
 * Runs `attempt` until it answers ok or `budgetMs` has passed, `pollMs` apart;
 * returns the last answer (ok or not). For checks of something that may be
 * coming back, like an appliance restarting to take new config.
 */
export async function untilOk<R extends { ok: boolean }>(
  clock: Clock,
  budgetMs: number,
  pollMs: number,
  attempt: () => Promise<R>,
): Promise<R> {
  const deadline = clock.now() + budgetMs;
  for (;;) {
    const r = await attempt();
    if (r.ok || clock.now() + pollMs > deadline) return r;
    await new Promise<void>((done) => clock.setTimeout(done, pollMs));
  }
}
