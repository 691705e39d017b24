// Original file: proto/nephele/v1/usage.proto

import type { Long } from '@grpc/proto-loader';

export interface ExportUsageChunk {
  'data'?: (Buffer | Uint8Array | string);
  'records'?: (number | string | Long);
  'totalRecords'?: (number | string | Long);
  'rateCardVersion'?: (number | string | Long);
}

export interface ExportUsageChunk__Output {
  'data': (Buffer);
  'records': (number);
  'totalRecords': (number);
  'rateCardVersion': (number);
}
