// Original file: proto/nephele/v1/agent.proto

import type { Inventory as _nephele_v1_Inventory, Inventory__Output as _nephele_v1_Inventory__Output } from '../../nephele/v1/Inventory.js';

export interface InventoryReport {
  'inventory'?: (_nephele_v1_Inventory | null);
}

export interface InventoryReport__Output {
  'inventory': (_nephele_v1_Inventory__Output | null);
}
