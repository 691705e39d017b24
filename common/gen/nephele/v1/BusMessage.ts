// Original file: proto/nephele/v1/scheme.proto

import type { Long } from '@grpc/proto-loader';

export interface BusMessage {
  'topic'?: (string);
  'seq'?: (number | string | Long);
  'payload'?: (Buffer | Uint8Array | string);
  'fromVmId'?: (string);
  'fromScheme'?: (string);
  'timeUnixMs'?: (number | string | Long);
}

export interface BusMessage__Output {
  'topic': (string);
  'seq': (number);
  'payload': (Buffer);
  'fromVmId': (string);
  'fromScheme': (string);
  'timeUnixMs': (number);
}
