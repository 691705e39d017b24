// What ImportVm and ExportVm are built from (a slice of SchemeDeps plus bounds).
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/logger.js';
import type { Store } from '../../../common/store/index.js';
import type { EventLog } from '../../events/log.js';
import type { Planner } from '../../planner/planner.js';
import type { Tenants } from '../../tenancy/tenants.js';
import type { DiskTransfers } from '../../vms/transfers.js';
import type { VmRegistry } from '../../vms/registry.js';
import type { Scratch } from '../disk/scratch.js';

export interface TransferDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  events: EventLog;
  planner: Pick<Planner, 'createVm'>;
  tenants: Pick<Tenants, 'exists' | 'prepareAdmit'>;
  vms: VmRegistry;
  transfers: DiskTransfers;
  /** Pushes a host's desired state now (ExportVm asks the VM's host for its disk). */
  push: (hostId: string) => void;
  scratch: Scratch;
  qemuImg?: string;
  /** Largest uploaded disk file. */
  maxDiskBytes: number;
  /** A sender quiet this long is cut off. */
  idleMs: number;
  /** Imports (and, separately, exports) at once: each holds scratch files and a qemu-img. */
  maxAtOnce: number;
  /** How long an export waits for the VM's host to hand over its disk. */
  exportWaitMs: number;
}
