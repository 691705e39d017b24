import type { HostKind, TokenKind } from '../../common/model/enums.js';

/** A join or API token as stored (collection `tokens`): the secret itself never, only its hash. */
export interface TokenRecord {
  id: string;
  kind: TokenKind;
  description: string;
  createdUnixMs: number;
  expiresUnixMs: number;
  revoked: boolean;
  usedUnixMs: number;
  usedByHost: string;
  createdBy: string;
  /** Join tokens: the kind of host they enrol (`undefined`: the agent says). */
  hostKind?: HostKind;
  role: string;
  tenant: string;
  grants: string[];
  secretHash: string;
  /** API tokens: default usage user group of the VMs it creates (absent in older records: ''). */
  userGroup?: string;
}
