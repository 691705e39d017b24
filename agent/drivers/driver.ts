import type { AppActionKind, ApplianceProcess, IoCounters, Licence } from '../../common/model/monitor.js';
import type { BusDelivery } from '../../common/bus.js';

// The driver contract, after Nomad's task drivers: one driver per scheme
// (qemu, process, later libvirt). The runner (agent/runner) owns desired state;
// drivers only do what they are told and report what they observe.

/** What a driver needs to run one VM. Hypervisor-neutral (see DESIGN §5 and §6). */
export interface VmSpec {
  id: string; // VM id (ULID), stable across restarts
  name: string;
  vcpus: number;
  memoryMiB: number;
  diskGiB: number;
  /** Image name; for qemu a directory under the driver's image root. */
  image: string;
  /** Guest TCP port of the appliance, forwarded to a host port on 127.0.0.1. */
  appliancePort: number;
  /** Appliance settings written to its config (qemu: data disk via the guest agent). */
  config: Record<string, string>;
  /**
   * A linked clone of a Nephele image (TokenService): the runner has fetched and
   * verified the base into the agent's image cache; `path` is that file (qemu:
   * a standalone qcow2 or raw data disk, backing the VM's overlay; process: a
   * tar of an appliance dir, extracted into the VM's dir before spec.config).
   * qemu takes kernel + initramfs from the shipped image `bootImage`.
   */
  base?: BaseImage;
  /** A management instance: created without port forwards (see Driver.setHidden). */
  hidden?: boolean;
}

export interface BaseImage {
  imageId: string;
  sha256: string;
  format: 'qcow2' | 'raw' | 'tar';
  bootImage: string;
  path: string;
}

/** A management change applied to a running VM's appliance (config keys, files on its data disk). */
export interface ConfigApply {
  /** '' removes a key. */
  config: Record<string, string>;
  /** path relative to the appliance's data dir (checked by the caller: no '..', no leading '/'). */
  files: { path: string; content: Buffer; mode: number }[];
  applianceVersion: string;
}

/** What a capture produced: a standalone file holding no token, and how that was proved. */
export interface CaptureResult {
  format: 'qcow2' | 'raw' | 'tar';
  sha256: string;
  sizeBytes: number;
  /** e.g. "debugfs: /token not found; 0 occurrences of the token in 67108864 bytes". */
  proof: string;
}

export type VmPhase = 'creating' | 'running' | 'suspended' | 'stopped' | 'failed';

/** Persisted by the runner so a restarted agent can re-attach (recover). */
export interface VmHandle {
  id: string;
  scheme: string;
  spec: VmSpec;
  /** Process of the VM (QEMU, or the supervised appliance); 0 when stopped. */
  pid: number;
  /** /proc/<pid>/stat start time: a reused pid is not our process. */
  pidStartTime: string;
  /** Host port the appliance is reachable on (127.0.0.1), 0 if none. */
  hostPort: number;
  /** Driver-private details (socket paths, overlay file, ...). */
  extra: Record<string, string>;
}

export interface VmStatus {
  phase: VmPhase;
  reason: string;
  /** Guest agent said ready (qemu) / appliance answered (process). */
  guestReady: boolean;
  hostPort: number;
  pid: number;
}

export interface VmStats {
  cpuSeconds: number;
  memoryBytes: number;
  diskReadBytes: number;
  diskWriteBytes: number;
  netRxBytes: number;
  netTxBytes: number;
  uptimeSeconds: number;
  /** Resource pressure, cumulative (reclassification): OOM kills and seconds the CPU quota was exhausted; absent where the scheme has no source. */
  oomKills?: number;
  throttledSeconds?: number;
  /** Where each counter came from (cpu, memory, disk, net: e.g. cgroup, proc, proc-io, qmp, guest:/proc/net/dev, none). */
  sources?: Record<string, string>;
}

/** Counters of a VM that has none to show (not running). */
export const zeroStats = (): VmStats => ({
  cpuSeconds: 0,
  memoryBytes: 0,
  diskReadBytes: 0,
  diskWriteBytes: 0,
  netRxBytes: 0,
  netTxBytes: 0,
  uptimeSeconds: 0,
});

export interface Fingerprint {
  scheme: string;
  healthy: boolean;
  detail: string;
  /** e.g. { accelerator: 'kvm' | 'tcg', version: '7.2.11' } */
  attributes: Record<string, string>;
}

export interface Capabilities {
  suspend: boolean;
  reboot: boolean;
  guestChannel: boolean;
  captureDisk: boolean;
  cloneDisk: boolean;
  portForward: boolean;
  /** tokenPut/tokenHash/tokenRemove/configure/capture/setHidden. */
  management: boolean;
}

/** How a VM's workload ended, where the driver knows (task VMs record their exit status). */
export interface ExitInfo {
  exitCode?: number;
}

/** Called when a VM's process ends without being told to (crash, kill -9, guest poweroff, task finished). */
export type ExitListener = (id: string, reason: string, info?: ExitInfo) => void;

/** A task VM (spec.config.task) runs one command line instead of the appliance and ends with it. */
export function isTask(spec: VmSpec | undefined): boolean {
  return !!spec?.config?.task;
}

/** The reason reported for a task's exit status (undefined: it ended without recording one). */
export function taskExitReason(code: number | undefined): string {
  if (code === 0) return 'task done';
  if (code === undefined) return 'task ended without an exit status (killed)';
  return `task exited with code ${code}`;
}

export interface Driver {
  readonly scheme: string;
  fingerprint(): Promise<Fingerprint>;
  capabilities(): Capabilities;
  /**
   * Creates the VM's disk/state and starts it. Resolves once the process runs (not guest-ready).
   * `importDisk`: a disk file handed over by a cold move, used (moved into place) instead of a fresh one.
   */
  create(spec: VmSpec, opts?: { importDisk?: string }): Promise<VmHandle>;
  /** The disk file of a stopped VM, for a cold move (drivers whose VMs have a disk). */
  diskPath?(id: string): string | undefined;
  /** The file the VM's console is written to (qemu: the serial port; process: stdout and stderr). */
  consolePath?(id: string): string | undefined;
  /**
   * Gives a running VM new vcpus/memory (spec's) without a restart (process:
   * its cgroup limits). Drivers that cannot leave it out: the runner restarts
   * the VM with the new size instead (qemu: new -smp/-m). Returns the new handle.
   */
  resize?(handle: VmHandle, spec: VmSpec): Promise<VmHandle>;
  /** Starts a stopped VM again (same disk). Returns the new handle. */
  start(handle: VmHandle): Promise<VmHandle>;
  /** Re-attaches after an agent restart; false when the VM is no longer running. */
  recover(handle: VmHandle): Promise<boolean>;
  /** Graceful stop, then kill after timeoutMs. Idempotent. Keeps the disk. */
  stop(id: string, timeoutMs: number): Promise<void>;
  /** Stops if needed and removes everything of the VM (disk, sockets, logs). Idempotent. */
  destroy(id: string): Promise<void>;
  suspend(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  reboot(id: string): Promise<void>;
  inspect(id: string): Promise<VmStatus>;
  stats(id: string): Promise<VmStats>;
  /** One request over the guest channel (qemu guest agent line protocol). */
  guestRequest?(id: string, command: string, timeoutMs?: number): Promise<string>;
  onExit(listener: ExitListener): void;
  /**
   * Drivers that learn of a VM's status changing (guest ready, process gone) as
   * it happens notify here, so the runner waits on that instead of polling
   * inspect(). Returns the unsubscribe function.
   */
  onStatusChange?(listener: (id: string) => void): () => void;
  /** Pids of the guests' processes right now (the roots of their process trees), for the owner CPU probe. */
  guestPids?(): number[];
  /** The recorded exit status of a task VM that ended (e.g. while the agent was down); undefined if none. */
  taskExit?(handle: VmHandle): Promise<number | undefined>;
  // ---- management instances (TokenService); drivers without them leave these out ----
  /** Stores the token in the guest (qemu: guest channel token-put; process: a 0600 file in the appliance dir). */
  tokenPut?(id: string, token: string): Promise<void>;
  /** sha256 (hex) of the token the guest holds; '' when it holds none. */
  tokenHash?(id: string): Promise<string>;
  /** Removes the token; resolves once it is checked gone. */
  tokenRemove?(id: string): Promise<void>;
  /** Applies config keys and files to the running VM's appliance and restarts it so it re-reads them. */
  configure?(id: string, change: ConfigApply): Promise<void>;
  /**
   * Quiesces the VM (qemu: guest sync + QMP stop; it is resumed before this
   * resolves, also on failure), writes a standalone copy of its disk to `out`
   * with the token removed, proves the token gone from the copy, and returns
   * what was written. A crash in the middle leaves the VM usable (a restarted
   * agent resumes a VM it finds paused by a capture) and `out` unfinished.
   */
  capture?(id: string, out: string): Promise<CaptureResult>;
  /** Level-triggered from desired state: true removes the VM's port forwards (and peers), false restores them. */
  setHidden?(id: string, hidden: boolean): Promise<void>;
  // ---- the appliance monitor (issue 14); drivers without it leave these out ----
  /** One poll of the VM's appliance. */
  monitorSample?(id: string): Promise<ApplianceSample>;
  /**
   * Runs argv inside the VM (qemu: the guest agent; process: in the VM's own sandbox,
   * never on the host; refused where the host cannot isolate it). Resolves with the
   * exit code and the first 256 bytes of output; a timeout kills it and rejects.
   */
  guestExec?(id: string, argv: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }>;
  /** restart_app / stop_app / update_app / kill_process; resolves with a short detail. */
  appAction?(id: string, a: AppActionRequest): Promise<string>;
  /** Faults and changes the guest reports on its own. Returns the unsubscribe function. */
  onGuestEvent?(listener: (id: string, e: GuestEvent) => void): () => void;
  /** The appliance's nephele-manifest.json as text, '' when it has none (reclassification; common/limits.ts MANIFEST_*). */
  readManifest?(id: string): Promise<string>;
  // ---- the messaging bus (issue 16); drivers without it leave these out ----
  /** VMs' publishes and subscription lists (through their guest channel or local socket). Returns the unsubscribe function. */
  onBus?(listener: BusListener): () => void;
  /** Hands a message to a running VM; false when it was dropped (not running, or the VM's queue is full). */
  busDeliver?(id: string, d: BusDelivery): boolean;
  /** Releases watchers/sockets without touching VMs (agent shutdown). */
  close(): Promise<void>;
}

/** A bus message for a VM (BusDeliver, one VM's copy). */
export type { BusDelivery };

/** What a VM did on the bus. `subscriptions` is level: the VM's whole list. */
export interface BusListener {
  publish(id: string, topic: string, payload: Buffer): void;
  subscriptions(id: string, topics: string[]): void;
}

// ---- the appliance monitor (issue 14) -----------------------------------------------------

/** What a driver reads of a VM's appliance in one monitor poll (bounded: at most 256 processes, 64 users). */
export interface ApplianceSample {
  /** The app itself (qemu: the guest's app-status; process: the supervised appliance process). */
  app: 'running' | 'stopped';
  applianceVersion: string;
  /** sha256 of the appliance's config as the guest holds it ('' when unknown). */
  configHash: string;
  processes: ApplianceProcess[];
  users: string[];
  licence: Licence;
  io: IoCounters;
}

/** A control action carried out in the guest (AgentCommand.app). */
export interface AppActionRequest {
  kind: Exclude<AppActionKind, 'poll'>;
  pid?: number;
  /** kill_process: only when the process's executable still has this sha256 / comm (a reused pid is not it). */
  exeSha256?: string;
  name?: string;
  /** update_app */
  version?: string;
}

/** Something the guest reported on its own (qemu: an `event` line; process: the supervisor). */
export interface GuestEvent {
  /** e.g. fault (the app exited or failed), state (a state change worth a poll). */
  kind: string;
  detail: string;
}

export class DriverError extends Error {
  constructor(
    message: string,
    readonly code: 'INVALID_SPEC' | 'NOT_FOUND' | 'UNSUPPORTED' | 'FAILED' = 'FAILED',
  ) {
    super(message);
    this.name = 'DriverError';
  }
}
