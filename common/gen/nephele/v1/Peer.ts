// Original file: proto/nephele/v1/usage.proto

import type { Long } from '@grpc/proto-loader';

export interface Peer {
  'name'?: (string);
  'address'?: (string);
  'caFingerprint'?: (string);
  'createdUnixMs'?: (number | string | Long);
  'lastPushUnixMs'?: (number | string | Long);
  'lastStatus'?: (string);
  'pushedRecords'?: (number | string | Long);
}

export interface Peer__Output {
  'name': (string);
  'address': (string);
  'caFingerprint': (string);
  'createdUnixMs': (number);
  'lastPushUnixMs': (number);
  'lastStatus': (string);
  'pushedRecords': (number);
}
