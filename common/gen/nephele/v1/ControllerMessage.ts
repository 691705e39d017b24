// Original file: proto/nephele/v1/agent.proto

import type { Welcome as _nephele_v1_Welcome, Welcome__Output as _nephele_v1_Welcome__Output } from '../../nephele/v1/Welcome.js';
import type { Ack as _nephele_v1_Ack, Ack__Output as _nephele_v1_Ack__Output } from '../../nephele/v1/Ack.js';
import type { CertificateIssued as _nephele_v1_CertificateIssued, CertificateIssued__Output as _nephele_v1_CertificateIssued__Output } from '../../nephele/v1/CertificateIssued.js';
import type { DesiredState as _nephele_v1_DesiredState, DesiredState__Output as _nephele_v1_DesiredState__Output } from '../../nephele/v1/DesiredState.js';
import type { ConsoleOpen as _nephele_v1_ConsoleOpen, ConsoleOpen__Output as _nephele_v1_ConsoleOpen__Output } from '../../nephele/v1/ConsoleOpen.js';
import type { AgentCommand as _nephele_v1_AgentCommand, AgentCommand__Output as _nephele_v1_AgentCommand__Output } from '../../nephele/v1/AgentCommand.js';
import type { BusDeliver as _nephele_v1_BusDeliver, BusDeliver__Output as _nephele_v1_BusDeliver__Output } from '../../nephele/v1/BusDeliver.js';

export interface ControllerMessage {
  'welcome'?: (_nephele_v1_Welcome | null);
  'ack'?: (_nephele_v1_Ack | null);
  'certificate'?: (_nephele_v1_CertificateIssued | null);
  'desiredState'?: (_nephele_v1_DesiredState | null);
  'consoleOpen'?: (_nephele_v1_ConsoleOpen | null);
  'command'?: (_nephele_v1_AgentCommand | null);
  'busDeliver'?: (_nephele_v1_BusDeliver | null);
  'body'?: "welcome"|"ack"|"certificate"|"desiredState"|"consoleOpen"|"command"|"busDeliver";
}

export interface ControllerMessage__Output {
  'welcome'?: (_nephele_v1_Welcome__Output | null);
  'ack'?: (_nephele_v1_Ack__Output | null);
  'certificate'?: (_nephele_v1_CertificateIssued__Output | null);
  'desiredState'?: (_nephele_v1_DesiredState__Output | null);
  'consoleOpen'?: (_nephele_v1_ConsoleOpen__Output | null);
  'command'?: (_nephele_v1_AgentCommand__Output | null);
  'busDeliver'?: (_nephele_v1_BusDeliver__Output | null);
  'body'?: "welcome"|"ack"|"certificate"|"desiredState"|"consoleOpen"|"command"|"busDeliver";
}
