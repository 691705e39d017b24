// Original file: proto/nephele/v1/usage.proto

import type { Sla as _nephele_v1_Sla, Sla__Output as _nephele_v1_Sla__Output } from '../../nephele/v1/Sla.js';
import type { Long } from '@grpc/proto-loader';

export interface UsageRow {
  'vmId'?: (string);
  'setId'?: (string);
  'tenant'?: (string);
  'hostId'?: (string);
  'scheme'?: (string);
  'vmClass'?: (string);
  'app'?: (string);
  'userGroup'?: (string);
  'sla'?: (_nephele_v1_Sla);
  'startUnixMs'?: (number | string | Long);
  'endUnixMs'?: (number | string | Long);
  'cpuSeconds'?: (number | string);
  'memoryByteSeconds'?: (number | string);
  'diskReadBytes'?: (number | string | Long);
  'diskWriteBytes'?: (number | string | Long);
  'netRxBytes'?: (number | string | Long);
  'netTxBytes'?: (number | string | Long);
  'uptimeSeconds'?: (number | string);
  'vcpuSeconds'?: (number | string);
  'memoryMibSeconds'?: (number | string);
  'records'?: (number | string | Long);
  'sources'?: ({[key: string]: string});
  'recordId'?: (string);
  'source'?: (string);
  'vcpus'?: (number);
  'memoryMib'?: (number);
  'vmName'?: (string);
  'monitorPolls'?: (number | string | Long);
  'monitorProbeSeconds'?: (number | string);
  'monitorActions'?: (number | string | Long);
  'oomKills'?: (number | string | Long);
  'throttledSeconds'?: (number | string);
}

export interface UsageRow__Output {
  'vmId': (string);
  'setId': (string);
  'tenant': (string);
  'hostId': (string);
  'scheme': (string);
  'vmClass': (string);
  'app': (string);
  'userGroup': (string);
  'sla': (_nephele_v1_Sla__Output);
  'startUnixMs': (number);
  'endUnixMs': (number);
  'cpuSeconds': (number);
  'memoryByteSeconds': (number);
  'diskReadBytes': (number);
  'diskWriteBytes': (number);
  'netRxBytes': (number);
  'netTxBytes': (number);
  'uptimeSeconds': (number);
  'vcpuSeconds': (number);
  'memoryMibSeconds': (number);
  'records': (number);
  'sources': ({[key: string]: string});
  'recordId': (string);
  'source': (string);
  'vcpus': (number);
  'memoryMib': (number);
  'vmName': (string);
  'monitorPolls': (number);
  'monitorProbeSeconds': (number);
  'monitorActions': (number);
  'oomKills': (number);
  'throttledSeconds': (number);
}
