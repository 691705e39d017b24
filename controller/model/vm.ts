import type { DesiredState, Sla, VmState } from '../../common/model/enums.js';
import type { Op } from '../../common/store/index.js';
import type { ImageRef } from './image.js';

/** What a VM is made of. Same fields as the wire's VmSpec, but ours: stored records never depend on generated types. */
export interface VmSpec {
  scheme: string;
  vcpus: number;
  memoryMib: number;
  diskGib: number;
  image: string;
  appliancePort: number;
  config: Record<string, string>;
  /** Usage/rate-card class; absent or '' = derived from the shape (usage/model.ts classOf). */
  vmClass?: string;
  /** Set by the controller when `image` names a Nephele image: the base this VM is a linked clone of. */
  base?: ImageRef;
}

/** A VM as the controller stores it (collection `vms`). */
export interface VmRecord {
  id: string;
  name: string;
  tenant: string;
  /** '' while it waits for a host (evacuated with nowhere to go). */
  hostId: string;
  setId: string;
  spec: VmSpec;
  sla: Sla;
  desired: DesiredState;
  state: VmState;
  stateReason: string;
  stateChangedUnixMs: number;
  createdUnixMs: number;
  /** Bumped by every move: reports from an older generation are fenced. */
  generation: number;
  rebootCount: number;
  hostPort: number;
  guestReady: boolean;
  placedUnixMs: number;
  confirmedUnixMs: number;
  placementAttempts: number;
  taskDone: boolean;
  /** Came up on its current host (a later failure is the VM's, not a refusal by the host). */
  ran?: boolean;
  /**
   * Hosts this VM was placed on before (re-placement avoids them; the last 16).
   * Also who may still hold a stale copy: reports from any other host are ignored.
   */
  tried?: string[];
  /** Cold move in progress: its host stops it and uploads the disk under this transfer id. */
  exportDisk?: string;
  /** The export under exportDisk is ExportVm's: the host folds the base in (a standalone disk) before uploading. */
  exportFlat?: boolean;
  /** Cold move: its (new) host creates it from this transferred disk. */
  importDisk?: string;
  /** Usage dimensions (absent in records written before metering: ''). */
  app?: string;
  userGroup?: string;
  /** Token id while the VM is a management instance (hidden; out of its set's counts). */
  managed?: string;
  /** Stopped by a hard power-off (virsh destroy, qm stop): its host kills it without a graceful shutdown. */
  hardStop?: boolean;
  /** Reclassification's cold move: where it goes once its disk is exported (features to offer, its new size). */
  moveChange?: {
    features: string[];
    size?: { vcpus: number; memoryMib: number; vmClass: string };
    /** Migration: the host it goes to and its scheme there. */
    hostId?: string;
    scheme?: string;
    /** Migration id: the migration re-places it itself once the disk is exported (finishExport leaves it). */
    migration?: string;
  };
  /**
   * A migration under way (controller/schemes/migrate): its moved disk's transfer is kept
   * until it runs healthy where it went (a rollback re-imports it), and a refusal there is
   * the migration's to answer (rollback), not a re-placement elsewhere.
   */
  migration?: { id: string; transfer: string };
}

/** A host's report of one VM's observed state, as the controller applies it (checked at the session edge). */
export interface VmReport {
  vmId: string;
  state: VmState;
  reason: string;
  generation: number;
  hostPort: number;
  guestReady: boolean;
  timeUnixMs: number;
  taskDone: boolean;
}

/** A VM outside any set, on the host the planner chose for it (VmRegistry.create). */
export interface NewVm {
  name: string;
  hostId: string;
  tenant: string;
  spec: VmSpec;
  sla: 'guaranteed' | 'best_effort';
  app?: string;
  userGroup?: string;
}

/** An imported VM (ImportVm): its id chosen first, created from a disk transfer, with the transfer's record in the same batch. */
export interface CreateExtra {
  id?: string;
  desired?: DesiredState;
  importDisk?: string;
  ops?: Op[];
}
