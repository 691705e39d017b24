/** The longest reconnect window an agent takes from its controller. */
const MAX_WINDOW_MS = 600_000;

/**
 * Exponential backoff with full jitter (AWS architecture blog): after a
 * controller restart, a fleet of agents spreads its reconnects over the whole
 * window instead of arriving as a storm. The controller sets a floor under the
 * window, scaled to the fleet (`setWindow`), so a large fleet spreads its
 * first attempts as widely as the controller needs, not only over `baseMs`.
 */
export class Backoff {
  private attempt = 0;
  private floorMs = 0;
  constructor(
    private readonly baseMs = 500,
    private readonly maxMs = 30_000,
    private readonly random: () => number = Math.random,
  ) {}
  next(): number {
    const cap = Math.max(this.floorMs, Math.min(this.maxMs, this.baseMs * 2 ** this.attempt));
    this.attempt = Math.min(this.attempt + 1, 30);
    return Math.max(100, Math.floor(this.random() * cap));
  }
  /** The controller's reconnect window (0: none); every delay is drawn from at least this range. */
  setWindow(ms: number): void {
    this.floorMs = Number.isFinite(ms) ? Math.max(0, Math.min(ms, MAX_WINDOW_MS)) : 0;
  }
  reset(): void {
    this.attempt = 0;
  }
  get attempts(): number {
    return this.attempt;
  }
}
