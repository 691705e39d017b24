// Original file: proto/nephele/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface BusPublish {
  'vmId'?: (string);
  'topic'?: (string);
  'payload'?: (Buffer | Uint8Array | string);
  'localSeq'?: (number | string | Long);
}

export interface BusPublish__Output {
  'vmId': (string);
  'topic': (string);
  'payload': (Buffer);
  'localSeq': (number);
}
