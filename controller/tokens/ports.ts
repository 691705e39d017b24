// The seams between the parts of the token capability (issue 13), so each is
// built and tested on its own: the image store (controller/images), the
// management instances and agent commands (controller/tokens), and the update
// cycle (controller/tokens/cycle). Implementations live with their owners; tests
// use in-memory fakes of these.
import type { AgentCommand } from '../../common/gen/nephele/v1/AgentCommand.js';
import type { CommandResult__Output } from '../../common/gen/nephele/v1/CommandResult.js';
import type { Op } from '../../common/store/index.js';
import type {
  ConfigRequest,
  CycleRecord,
  ImageFormat,
  ImageRecord,
  ImageRef,
  ManagementRecord,
  SetRequest,
  VmRecord,
  VmSpec,
} from '../model/index.js';

/** undefined = every tenant (admins), else the only tenant the caller may touch (as UnaryCtx.scope). */
export type Scope = string | undefined;

// ---- controller/images (the image store) -----------------------------------------------

/** A file staged under the image store's dir, checked against its sha256 as it arrived. */
export interface StagedBlob {
  path: string;
  sha256: string;
  sizeBytes: number;
}

export interface CapturedImage {
  name: string;
  tenant: string;
  scheme: string;
  format: ImageFormat;
  spec: VmSpec;
  manifest: Record<string, string>;
  parentImageId: string;
  tokenId: string;
  setId: string;
  sourceVmId: string;
  configVersion: number;
}

export interface ImageStore {
  /** NOT_FOUND ('image') for an unknown image or one outside `scope`. */
  get(id: string, scope: Scope): Promise<{ image: ImageRecord; version: number }>;
  /**
   * The base a new clone of `id` gets. FAILED_PRECONDITION naming `field` when the
   * image is revoked (or its revocation time has passed); NOT_FOUND outside scope.
   */
  refForClone(id: string, scope: Scope, field: string): Promise<{ image: ImageRecord; ref: ImageRef }>;
  /**
   * Expects the upload of a capture: resolves when host `hostId` has sent the
   * whole file under `transferId` with AgentService.PutImage (checked: order,
   * size, sha256, and a format inspection — qcow2 standalone, no backing, no
   * data file; tar: no links, no absolute or `..` paths, no token file). Rejects
   * after `timeoutMs`, or at once when the upload fails. A transfer id not
   * expected, or sent by another host, is refused on the PutImage call.
   */
  expectUpload(transferId: string, hostId: string, timeoutMs: number): Promise<StagedBlob>;
  /** Drops a staged upload (the capture failed or was abandoned). Idempotent. */
  discardUpload(transferId: string): void;
  /**
   * Registers a captured image from its staged upload: moves the blob into the
   * content-addressed store, writes the image record and its indexes and charges
   * the tenant's `images` quota, in ONE batch with `extraOps` (the caller's
   * management/cycle records). RESOURCE_EXHAUSTED when over quota.
   */
  registerCaptured(c: CapturedImage, blob: StagedBlob, extraOps: Op[]): Promise<ImageRecord>;
}

// ---- controller/tokens (management instances, agent commands) -------------------------

export type CommandOp = NonNullable<AgentCommand['op']>;

export interface AgentCommands {
  /**
   * Sends `cmd` to the host over its live session and waits for its
   * CommandResult. UNAVAILABLE when the host has no session (or loses it before
   * answering), DEADLINE_EXCEEDED after `timeoutMs`. A result with ok=false is
   * returned as is (the caller decides). Idempotent on cmd.commandId.
   */
  run(hostId: string, cmd: AgentCommand, timeoutMs: number): Promise<CommandResult__Output>;
}

export type ManagementTarget = { setId: string } | { vmId: string } | { imageId: string };

export interface HealthProbe {
  path: string;
  expect: string;
  timeoutMs: number;
}

/** The management operations, as RPC handlers and the update cycle use them. */
export interface Management {
  /** Returns the plaintext token once; the store keeps only its sha256. */
  begin(
    target: ManagementTarget,
    scope: Scope,
    opts?: { cycleId?: string },
  ): Promise<{ token: string; record: ManagementRecord; vm: VmRecord }>;
  configure(token: string, change: ConfigRequest, scope: Scope): Promise<ManagementRecord>;
  capture(token: string, name: string, scope: Scope, opts?: { cycleId?: string }): Promise<ImageRecord>;
  end(token: string, scope: Scope): Promise<{ record: ManagementRecord; vm: VmRecord }>;
  /**
   * Ends a management instance by token id (the update cycle keeps no plaintext
   * token across a restart: it ends or reverts by id). Idempotent.
   */
  endById(tokenId: string): Promise<void>;
  /** A new set of linked clones of the image (a CreateVmSet request with spec.image = the image id). */
  populate(imageId: string, count: number, request: SetRequest, scope: Scope): Promise<{ setId: string }>;
  /** One HTTP probe of a running VM's appliance, through its host's agent. */
  probe(vmId: string, p: HealthProbe): Promise<{ ok: boolean; status: number; detail: string }>;
}

// ---- controller/tokens/cycle (update cycles) ---------------------------------------------

export interface Cycles {
  start(setId: string, changes: ConfigRequest, options: CycleRecord['options'], scope: Scope): Promise<CycleRecord>;
  get(id: string, scope: Scope): Promise<{ cycle: CycleRecord; version: number }>;
}
