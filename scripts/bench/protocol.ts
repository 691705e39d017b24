// What the heartbeat benchmark and its load generator say to each other (IPC).

import type { Identity } from '../../test/helpers/sim-agent.js';

export type { Identity };

/** One run of the load against one server (by one generator: its share of the sessions). */
export interface RunConfig {
  label: string;
  /** host:port of the server under test. */
  target: string;
  /** Use the first this many identities. */
  sessions: number;
  /** Sessions being opened at once. */
  connectConcurrency: number;
  /** The connect phase ends after this long: sessions not open by then are not used. */
  connectTimeoutS: number;
  warmupS: number;
  windowS: number;
  maxWarmupS: number;
  maxWindowS: number;
}

export type Phase = 'steady' | 'max';

export interface PhaseStats {
  seconds: number;
  sent: number;
  acked: number;
  ratePerS: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Load generator's own CPU over the window (100 = one core). */
  loadgenCpuPct: number;
  /** p99 event-loop delay of the load generator: how late it may have seen acks itself. */
  loadgenLoopP99Ms: number;
  /** Sessions still open at the end of the window. */
  openSessions: number;
  /** Every ack latency of the window (ms), so that generators' windows can be merged. */
  latencies: number[];
}

export interface ConnectStats {
  opened: number;
  failed: number;
  /** Not open when the connect phase ran out of time (not tried, or still connecting). */
  skipped: number;
  seconds: number;
  firstError?: string;
}

export interface RunResult {
  connect: ConnectStats;
  steady: PhaseStats;
  max: PhaseStats;
  /** Sessions refused, or lost after their Welcome. */
  errors: number;
  firstError?: string;
}

/** Benchmark → load generator. */
export type LoadgenCommand =
  | { type: 'identities'; ids: Identity[] }
  | { type: 'run'; run: RunConfig }
  /** Every generator's sessions are open: start the warm-up (so that all measure the same window). */
  | { type: 'go' }
  | { type: 'exit' };

/** Load generator → benchmark. */
export type LoadgenMessage =
  /** Sessions open; the generator waits for 'go'. */
  | { type: 'connected'; stats: ConnectStats }
  | { type: 'window'; phase: Phase; edge: 'start' | 'end' }
  | { type: 'result'; result: RunResult }
  /** Every session of the run is closed again. */
  | { type: 'closed' };
