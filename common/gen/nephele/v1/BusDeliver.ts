// Original file: proto/nephele/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface BusDeliver {
  'vmIds'?: (string)[];
  'topic'?: (string);
  'seq'?: (number | string | Long);
  'payload'?: (Buffer | Uint8Array | string);
  'fromVmId'?: (string);
  'fromScheme'?: (string);
  'timeUnixMs'?: (number | string | Long);
}

export interface BusDeliver__Output {
  'vmIds': (string)[];
  'topic': (string);
  'seq': (number);
  'payload': (Buffer);
  'fromVmId': (string);
  'fromScheme': (string);
  'timeUnixMs': (number);
}
