// What the planner-e2e benchmark says to its children over IPC: the simulated
// agents (planner-agents.ts) and the bare server (planner-bare-server.ts).
import type { Identity } from './protocol.js';

/** Guest capacity each simulated agent reports in its inventory. */
export interface Guest {
  vcpus: number;
  memoryBytes: number;
  diskBytes: number;
}

/** Benchmark → simulated agents. */
export type AgentsCommand =
  | { type: 'identities'; ids: Identity[] }
  /** Open a Session for the first `sessions` identities against `target`. */
  | { type: 'connect'; target: string; sessions: number; concurrency: number; timeoutS: number; guest: Guest }
  | { type: 'stats' }
  /** Close every session (the next connect starts afresh: nothing confirmed yet). */
  | { type: 'close' }
  | { type: 'exit' };

export interface AgentsStats {
  open: number;
  /** DesiredState messages received. */
  desired: number;
  /** VmStatusReports sent, by state word (running, destroyed). */
  reports: Record<string, number>;
  /** Acks of durable seqs received. */
  seqAcks: number;
  beats: number;
  beatAcks: number;
  /** Distinct heartbeat intervals in use now (ms → sessions). */
  intervals: Record<string, number>;
  errors: number;
  firstError?: string;
}

/** Simulated agents → benchmark. */
export type AgentsMessage =
  | { type: 'connected'; opened: number; failed: number; late: number; seconds: number; firstError?: string }
  | { type: 'stats'; stats: AgentsStats }
  | { type: 'closed' };

/** Benchmark → bare server. */
export type BareCommand =
  /** Push every open session a DesiredState of `perSession` VMs; report once `expect` status reports came back. */
  { type: 'push'; perSession: number; expect: number; timeoutS: number };

/** Bare server → benchmark. */
export type BareMessage =
  | { type: 'ready'; port: number }
  | { type: 'pushed'; sessions: number; vms: number }
  | { type: 'done'; reports: number; ms: number; pushMs: number }
  | { type: 'timeout'; reports: number; ms: number };
