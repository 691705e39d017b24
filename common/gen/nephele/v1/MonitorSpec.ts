// Original file: proto/nephele/v1/monitor.proto

import type { Probe as _nephele_v1_Probe, Probe__Output as _nephele_v1_Probe__Output } from '../../nephele/v1/Probe.js';
import type { Thresholds as _nephele_v1_Thresholds, Thresholds__Output as _nephele_v1_Thresholds__Output } from '../../nephele/v1/Thresholds.js';
import type { RogueSignature as _nephele_v1_RogueSignature, RogueSignature__Output as _nephele_v1_RogueSignature__Output } from '../../nephele/v1/RogueSignature.js';

export interface MonitorSpec {
  'enabled'?: (boolean);
  'intervalMs'?: (number);
  'cron'?: (string);
  'jitterPct'?: (number);
  'probes'?: (_nephele_v1_Probe)[];
  'thresholds'?: (_nephele_v1_Thresholds | null);
  'rogue'?: (_nephele_v1_RogueSignature)[];
}

export interface MonitorSpec__Output {
  'enabled': (boolean);
  'intervalMs': (number);
  'cron': (string);
  'jitterPct': (number);
  'probes': (_nephele_v1_Probe__Output)[];
  'thresholds': (_nephele_v1_Thresholds__Output | null);
  'rogue': (_nephele_v1_RogueSignature__Output)[];
}
