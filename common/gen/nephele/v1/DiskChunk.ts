// Original file: proto/nephele/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface DiskChunk {
  'transferId'?: (string);
  'data'?: (Buffer | Uint8Array | string);
  'offset'?: (number | string | Long);
  'last'?: (boolean);
  'sha256'?: (string);
}

export interface DiskChunk__Output {
  'transferId': (string);
  'data': (Buffer);
  'offset': (number);
  'last': (boolean);
  'sha256': (string);
}
