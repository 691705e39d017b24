import type * as grpc from '@grpc/grpc-js';
import type { Capacity } from '../../common/gen/nephele/v1/Capacity.js';
import type { ConsoleOpen__Output as ConsoleOpen } from '../../common/gen/nephele/v1/ConsoleOpen.js';
import type { AgentCommand__Output as AgentCommand } from '../../common/gen/nephele/v1/AgentCommand.js';
import type { BusDeliver__Output as BusDeliver } from '../../common/gen/nephele/v1/BusDeliver.js';
import type { CommandResult } from '../../common/gen/nephele/v1/CommandResult.js';
import type { DesiredVm } from '../../common/grpc/convert.js';
import type { Logger } from '../../common/logger.js';
import type { HostKind, OwnerState } from '../../common/model/enums.js';
import type { Clock } from '../../common/clock.js';
import type { Reserve } from '../inventory/capacity.js';
import type { InventoryCollector } from '../inventory/collect.js';
import type { Outbox } from '../outbox.js';
import { CLIENT_CHANNEL_OPTIONS } from '../../common/grpc/options.js';

// What the agent's session is made with (agent/session.ts).

export const CHANNEL_OPTIONS = {
  ...CLIENT_CHANNEL_OPTIONS,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.initial_reconnect_backoff_ms': 500,
  'grpc.max_reconnect_backoff_ms': 10_000,
};

export interface SessionDeps {
  /** Renews the client certificate over the session before it expires (absent in --insecure mode). */
  renewal?: CertificateRenewal;
  controller: string;
  hostId: string;
  credentials: grpc.ChannelCredentials;
  insecure: boolean;
  outbox: Outbox;
  collector: InventoryCollector;
  reserve: Reserve;
  log: Logger;
  agentVersion: string;
  kind: HostKind;
  hostname: string;
  /** Re-collect the inventory this often; it is sent only when its hash changed. */
  inventoryIntervalMs: number;
  /** Allocated to guests (the runner's VMs). */
  allocated?: () => Capacity;
  /** The controller's full desired state for this host arrived. */
  onDesired?: (vms: DesiredVm[]) => void;
  /** A session was welcomed (first or after a reconnect): level state (the monitor's) is sent again. */
  onEstablished?: () => void;
  /** The controller's re-placement window (down-after + replace-after) from Welcome; 0 if it did not say. */
  onReplaceWindow?: (ms: number) => void;
  /** Schemes this host offers (driver fingerprints). */
  schemes?: () => string[];
  /** Per scheme, its driver's fingerprint attributes (sent in Hello; the planner reads process isolation). */
  schemeInfo?: () => { scheme: string; attributes: Record<string, string> }[];
  /** A management command from the controller; its answer is sent back on the session. */
  onCommand?: (cmd: AgentCommand) => Promise<CommandResult>;
  /** A bus message for VMs on this host (agent/bus/relay.ts). */
  onBusDeliver?: (m: BusDeliver) => void;
  /** The controller asked for a VM's console (answer with putConsole()). */
  onConsoleOpen?: (o: ConsoleOpen) => void;
  /** Operator labels (--label k=v), sent in Hello. */
  labels?: Record<string, string>;
  /** Ad-hoc host that takes guaranteed work despite its owner (--offer-guarantees). */
  offersGuarantees?: boolean;
  /** Ad-hoc hosts: the owner policy's state now; absent on dedicated hosts. */
  owner?: () => { state: OwnerState };
  /** The agent's own clock (tests: a skewed one); the controller's is learned from it. */
  localClock?: Clock;
}

/**
 * Outbox entries written to a stream ahead of their ack. A backlog (days of
 * usage while the controller was away) then goes at the pace the controller
 * stores it, within its per-host message rate, not all at once.
 */
export const MAX_IN_FLIGHT = 256;

export interface CertificateRenewal {
  /** When to ask for a new certificate (two thirds into the current one's life). */
  renewAt(): number;
  /** A CSR for a fresh key; the key is kept pending until the certificate arrives. */
  request(): Promise<string>;
  /** Stores the new certificate with its key; returns fresh channel credentials. */
  install(certPem: string): grpc.ChannelCredentials;
}
