import type { Inventory__Output } from '../../common/gen/nephele/v1/Inventory.js';
import type { HostKind, HostState, OwnerState } from '../../common/model/enums.js';

/**
 * The inventory is stored as the agent reported it (after checkInventory): a
 * document of facts with no enums and no logic keyed on its field names
 * beyond the capacity figures, which `inventory/map.ts` owns on the agent.
 */
export type StoredInventory = Inventory__Output;

/** A scheme's fingerprint attributes from the agent (e.g. process: isolation=full). */
export interface SchemeInfo {
  scheme: string;
  attributes: Record<string, string>;
}

/** A host as the controller stores it (collection `hosts`); live figures (load, free, peer) stay in memory. */
export interface HostRecord {
  id: string;
  name: string;
  kind: HostKind;
  state: HostState;
  stateReason: string;
  stateChangedUnixMs: number;
  cordoned: boolean;
  cordonReason: string;
  groups: string[];
  addresses: string[];
  agentVersion: string;
  schemes: string[];
  inventory: StoredInventory | null;
  enrolledUnixMs: number;
  lastSeenUnixMs: number;
  labels: Record<string, string>;
  revoked: boolean;
  revokedReason: string;
  certNotAfterUnixMs: number;
  owner: OwnerState;
  offersGuarantees: boolean;
  /** From the agent's Hello (absent before its first session, and in records older than the field). */
  schemeInfo?: SchemeInfo[];
  certSerial: string;
  /** Accepted until the agent first connects with the renewed certificate. */
  previousCertSerial?: string;
}
