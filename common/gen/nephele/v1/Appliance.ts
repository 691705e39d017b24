// Original file: proto/nephele/v1/monitor.proto

import type { AppState as _nephele_v1_AppState, AppState__Output as _nephele_v1_AppState__Output } from '../../nephele/v1/AppState.js';
import type { ApplianceProcess as _nephele_v1_ApplianceProcess, ApplianceProcess__Output as _nephele_v1_ApplianceProcess__Output } from '../../nephele/v1/ApplianceProcess.js';
import type { IoCounters as _nephele_v1_IoCounters, IoCounters__Output as _nephele_v1_IoCounters__Output } from '../../nephele/v1/IoCounters.js';
import type { ProbeResult as _nephele_v1_ProbeResult, ProbeResult__Output as _nephele_v1_ProbeResult__Output } from '../../nephele/v1/ProbeResult.js';
import type { Licence as _nephele_v1_Licence, Licence__Output as _nephele_v1_Licence__Output } from '../../nephele/v1/Licence.js';
import type { UpdateSource as _nephele_v1_UpdateSource, UpdateSource__Output as _nephele_v1_UpdateSource__Output } from '../../nephele/v1/UpdateSource.js';
import type { Long } from '@grpc/proto-loader';

export interface Appliance {
  'vmId'?: (string);
  'vmName'?: (string);
  'setId'?: (string);
  'tenant'?: (string);
  'hostId'?: (string);
  'applianceVersion'?: (string);
  'configHash'?: (string);
  'appState'?: (_nephele_v1_AppState);
  'fault'?: (string);
  'processes'?: (_nephele_v1_ApplianceProcess)[];
  'rogue'?: (string)[];
  'io'?: (_nephele_v1_IoCounters | null);
  'probes'?: (_nephele_v1_ProbeResult)[];
  'licence'?: (_nephele_v1_Licence | null);
  'users'?: (string)[];
  'updatedUnixMs'?: (number | string | Long);
  'source'?: (_nephele_v1_UpdateSource);
  'lastPollUnixMs'?: (number | string | Long);
  'polls'?: (number | string | Long);
  'monitored'?: (boolean);
  'licenceProblem'?: (string);
}

export interface Appliance__Output {
  'vmId': (string);
  'vmName': (string);
  'setId': (string);
  'tenant': (string);
  'hostId': (string);
  'applianceVersion': (string);
  'configHash': (string);
  'appState': (_nephele_v1_AppState__Output);
  'fault': (string);
  'processes': (_nephele_v1_ApplianceProcess__Output)[];
  'rogue': (string)[];
  'io': (_nephele_v1_IoCounters__Output | null);
  'probes': (_nephele_v1_ProbeResult__Output)[];
  'licence': (_nephele_v1_Licence__Output | null);
  'users': (string)[];
  'updatedUnixMs': (number);
  'source': (_nephele_v1_UpdateSource__Output);
  'lastPollUnixMs': (number);
  'polls': (number);
  'monitored': (boolean);
  'licenceProblem': (string);
}
