// Original file: proto/nephele/v1/agent.proto

import type { Hello as _nephele_v1_Hello, Hello__Output as _nephele_v1_Hello__Output } from '../../nephele/v1/Hello.js';
import type { InventoryReport as _nephele_v1_InventoryReport, InventoryReport__Output as _nephele_v1_InventoryReport__Output } from '../../nephele/v1/InventoryReport.js';
import type { Heartbeat as _nephele_v1_Heartbeat, Heartbeat__Output as _nephele_v1_Heartbeat__Output } from '../../nephele/v1/Heartbeat.js';
import type { AgentEvent as _nephele_v1_AgentEvent, AgentEvent__Output as _nephele_v1_AgentEvent__Output } from '../../nephele/v1/AgentEvent.js';
import type { RenewCertificate as _nephele_v1_RenewCertificate, RenewCertificate__Output as _nephele_v1_RenewCertificate__Output } from '../../nephele/v1/RenewCertificate.js';
import type { VmStatusReport as _nephele_v1_VmStatusReport, VmStatusReport__Output as _nephele_v1_VmStatusReport__Output } from '../../nephele/v1/VmStatusReport.js';
import type { UsageBatch as _nephele_v1_UsageBatch, UsageBatch__Output as _nephele_v1_UsageBatch__Output } from '../../nephele/v1/UsageBatch.js';
import type { CommandResult as _nephele_v1_CommandResult, CommandResult__Output as _nephele_v1_CommandResult__Output } from '../../nephele/v1/CommandResult.js';
import type { ApplianceReport as _nephele_v1_ApplianceReport, ApplianceReport__Output as _nephele_v1_ApplianceReport__Output } from '../../nephele/v1/ApplianceReport.js';
import type { BusPublish as _nephele_v1_BusPublish, BusPublish__Output as _nephele_v1_BusPublish__Output } from '../../nephele/v1/BusPublish.js';
import type { BusSubscription as _nephele_v1_BusSubscription, BusSubscription__Output as _nephele_v1_BusSubscription__Output } from '../../nephele/v1/BusSubscription.js';

export interface AgentMessage {
  'hello'?: (_nephele_v1_Hello | null);
  'inventory'?: (_nephele_v1_InventoryReport | null);
  'heartbeat'?: (_nephele_v1_Heartbeat | null);
  'event'?: (_nephele_v1_AgentEvent | null);
  'renew'?: (_nephele_v1_RenewCertificate | null);
  'vmStatus'?: (_nephele_v1_VmStatusReport | null);
  'usage'?: (_nephele_v1_UsageBatch | null);
  'commandResult'?: (_nephele_v1_CommandResult | null);
  'appliance'?: (_nephele_v1_ApplianceReport | null);
  'busPublish'?: (_nephele_v1_BusPublish | null);
  'busSubscription'?: (_nephele_v1_BusSubscription | null);
  'body'?: "hello"|"inventory"|"heartbeat"|"event"|"renew"|"vmStatus"|"usage"|"commandResult"|"appliance"|"busPublish"|"busSubscription";
}

export interface AgentMessage__Output {
  'hello'?: (_nephele_v1_Hello__Output | null);
  'inventory'?: (_nephele_v1_InventoryReport__Output | null);
  'heartbeat'?: (_nephele_v1_Heartbeat__Output | null);
  'event'?: (_nephele_v1_AgentEvent__Output | null);
  'renew'?: (_nephele_v1_RenewCertificate__Output | null);
  'vmStatus'?: (_nephele_v1_VmStatusReport__Output | null);
  'usage'?: (_nephele_v1_UsageBatch__Output | null);
  'commandResult'?: (_nephele_v1_CommandResult__Output | null);
  'appliance'?: (_nephele_v1_ApplianceReport__Output | null);
  'busPublish'?: (_nephele_v1_BusPublish__Output | null);
  'busSubscription'?: (_nephele_v1_BusSubscription__Output | null);
  'body'?: "hello"|"inventory"|"heartbeat"|"event"|"renew"|"vmStatus"|"usage"|"commandResult"|"appliance"|"busPublish"|"busSubscription";
}
