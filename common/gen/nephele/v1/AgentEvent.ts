// Original file: proto/nephele/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface AgentEvent {
  'seq'?: (number | string | Long);
  'timeUnixMs'?: (number | string | Long);
  'type'?: (string);
  'severity'?: (string);
  'message'?: (string);
  'attributes'?: ({[key: string]: string});
  'epoch'?: (string);
}

export interface AgentEvent__Output {
  'seq': (number);
  'timeUnixMs': (number);
  'type': (string);
  'severity': (string);
  'message': (string);
  'attributes': ({[key: string]: string});
  'epoch': (string);
}
