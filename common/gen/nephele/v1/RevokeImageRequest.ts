// Original file: proto/nephele/v1/token.proto

import type { Long } from '@grpc/proto-loader';

export interface RevokeImageRequest {
  'imageId'?: (string);
  'atUnixMs'?: (number | string | Long);
  'reason'?: (string);
  'retireDescendants'?: (boolean);
  'requestId'?: (string);
}

export interface RevokeImageRequest__Output {
  'imageId': (string);
  'atUnixMs': (number);
  'reason': (string);
  'retireDescendants': (boolean);
  'requestId': (string);
}
