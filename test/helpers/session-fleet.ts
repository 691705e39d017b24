import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { AgentSession } from '../../agent/session.js';
import { InventoryCollector } from '../../agent/inventory/collect.js';
import type { RawSi } from '../../agent/inventory/map.js';
import type { Outbox } from '../../agent/outbox.js';
import { enrolAll, type Identity } from './sim-agent.js';

// Many real AgentSessions (agent/session.ts: its reconnects and backoff) in one
// process against a real controller, with a fixture inventory and an outbox
// that holds nothing: what a fleet does when the controller restarts.

// Enrolment lives with the simulated agent; re-exported for this fleet's users.
export { enrolAll, type Identity };

/** An outbox with nothing in it: these agents report no events. */
const emptyOutbox = {
  add: async (e: object) => ({ ...e, seq: 0 }),
  addVmStatus: async () => ({}),
  ack: async () => 0,
  reconcile: async () => ({ delivered: 0, renumbered: 0 }),
  lastSeq: () => 0,
  pendingMessages: async () => [],
  pending: async () => [],
  size: async () => 0,
} as unknown as Outbox;

const raw = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../../test/fixtures/si/local.json', import.meta.url)), 'utf8'),
) as RawSi;
const reserve = { vcpus: 1, memoryBytes: 0, diskBytes: 0 };

export interface SimAgent {
  id: Identity;
  session: AgentSession;
  /** performance.now() of each Welcome (a session established). */
  welcomes: number[];
  /** The reconnect window the controller gave this agent last. */
  windowMs: number;
  /** Why sessions ended, as the agent logged it (code and detail). */
  losses: { at: number; code?: string; detail?: string; retryInMs?: number }[];
}

export class SessionFleet {
  readonly agents: SimAgent[];

  constructor(address: string, caPem: Buffer, ids: Identity[]) {
    const collector = new InventoryCollector({
      reserve,
      schemes: ['process'],
      readRaw: async () => raw,
      detect: async () => [],
      guestVcpus: 8,
    });
    this.agents = ids.map((id, i) => {
      const a = { id, welcomes: [], losses: [], windowMs: 0 } as Omit<SimAgent, 'session'> as SimAgent;
      // The agent's own log lines tell when it was welcomed and why it lost a session.
      const log = pino(
        { level: 'debug' },
        {
          write: (line: string) => {
            const m = JSON.parse(line) as {
              msg: string;
              code?: string;
              detail?: string;
              retry_in_ms?: number;
              reconnect_window_ms?: number;
            };
            if (m.reconnect_window_ms !== undefined) a.windowMs = m.reconnect_window_ms;
            if (m.msg === 'session established') a.welcomes.push(performance.now());
            else if (m.msg === 'session lost; reconnecting')
              a.losses.push({ at: performance.now(), code: m.code, detail: m.detail, retryInMs: m.retry_in_ms });
          },
        },
      );
      a.session = new AgentSession({
        controller: address,
        hostId: id.hostId,
        credentials: grpc.credentials.createSsl(caPem, Buffer.from(id.keyPem), Buffer.from(id.certPem)),
        insecure: false,
        outbox: emptyOutbox,
        collector,
        reserve,
        log,
        agentVersion: 'sim',
        kind: 'dedicated',
        hostname: `sim-${i}`,
        inventoryIntervalMs: 3_600_000,
      });
      return a;
    });
  }

  /** Starts every session; resolves once each was welcomed. */
  async start(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.session.start()));
    await Promise.all(this.agents.map((a) => a.session.connected));
  }

  /** Agents whose latest session began after `t` (performance.now()). */
  welcomedSince(t: number): number {
    return this.agents.filter((a) => (a.welcomes.at(-1) ?? -1) > t).length;
  }

  stop(): void {
    for (const a of this.agents) a.session.stop();
  }
}
