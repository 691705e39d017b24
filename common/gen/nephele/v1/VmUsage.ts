// Original file: proto/nephele/v1/usage.proto

import type { Long } from '@grpc/proto-loader';

export interface VmUsage {
  'vmId'?: (string);
  'startUnixMs'?: (number | string | Long);
  'endUnixMs'?: (number | string | Long);
  'cpuSeconds'?: (number | string);
  'memoryByteSeconds'?: (number | string);
  'diskReadBytes'?: (number | string | Long);
  'diskWriteBytes'?: (number | string | Long);
  'netRxBytes'?: (number | string | Long);
  'netTxBytes'?: (number | string | Long);
  'uptimeSeconds'?: (number | string);
  'sources'?: ({[key: string]: string});
  'generation'?: (number | string | Long);
  'monitorPolls'?: (number | string | Long);
  'monitorProbeSeconds'?: (number | string);
  'oomKills'?: (number | string | Long);
  'throttledSeconds'?: (number | string);
}

export interface VmUsage__Output {
  'vmId': (string);
  'startUnixMs': (number);
  'endUnixMs': (number);
  'cpuSeconds': (number);
  'memoryByteSeconds': (number);
  'diskReadBytes': (number);
  'diskWriteBytes': (number);
  'netRxBytes': (number);
  'netTxBytes': (number);
  'uptimeSeconds': (number);
  'sources': ({[key: string]: string});
  'generation': (number);
  'monitorPolls': (number);
  'monitorProbeSeconds': (number);
  'oomKills': (number);
  'throttledSeconds': (number);
}
