// Original file: proto/nephele/v1/types.proto

import type { Long } from '@grpc/proto-loader';

export interface FilesystemInfo {
  'mount'?: (string);
  'fsType'?: (string);
  'sizeBytes'?: (number | string | Long);
  'availableBytes'?: (number | string | Long);
}

export interface FilesystemInfo__Output {
  'mount': (string);
  'fsType': (string);
  'sizeBytes': (number);
  'availableBytes': (number);
}
