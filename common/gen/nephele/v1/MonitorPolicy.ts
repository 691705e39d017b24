// Original file: proto/nephele/v1/monitor.proto

import type { Probe as _nephele_v1_Probe, Probe__Output as _nephele_v1_Probe__Output } from '../../nephele/v1/Probe.js';
import type { Thresholds as _nephele_v1_Thresholds, Thresholds__Output as _nephele_v1_Thresholds__Output } from '../../nephele/v1/Thresholds.js';
import type { RogueSignature as _nephele_v1_RogueSignature, RogueSignature__Output as _nephele_v1_RogueSignature__Output } from '../../nephele/v1/RogueSignature.js';
import type { LicenceRules as _nephele_v1_LicenceRules, LicenceRules__Output as _nephele_v1_LicenceRules__Output } from '../../nephele/v1/LicenceRules.js';
import type { ActionLadders as _nephele_v1_ActionLadders, ActionLadders__Output as _nephele_v1_ActionLadders__Output } from '../../nephele/v1/ActionLadders.js';
import type { Long } from '@grpc/proto-loader';

export interface MonitorPolicy {
  'scope'?: (string);
  'intervalS'?: (number);
  'cron'?: (string);
  'jitterPct'?: (number);
  'probes'?: (_nephele_v1_Probe)[];
  'thresholds'?: (_nephele_v1_Thresholds | null);
  'rogue'?: (_nephele_v1_RogueSignature)[];
  'licence'?: (_nephele_v1_LicenceRules | null);
  'ladders'?: (_nephele_v1_ActionLadders | null);
  'desiredVersion'?: (string);
  'enabled'?: (boolean);
  'version'?: (number | string | Long);
  'updatedUnixMs'?: (number | string | Long);
}

export interface MonitorPolicy__Output {
  'scope': (string);
  'intervalS': (number);
  'cron': (string);
  'jitterPct': (number);
  'probes': (_nephele_v1_Probe__Output)[];
  'thresholds': (_nephele_v1_Thresholds__Output | null);
  'rogue': (_nephele_v1_RogueSignature__Output)[];
  'licence': (_nephele_v1_LicenceRules__Output | null);
  'ladders': (_nephele_v1_ActionLadders__Output | null);
  'desiredVersion': (string);
  'enabled': (boolean);
  'version': (number);
  'updatedUnixMs': (number);
}
