// Original file: proto/nephele/v1/scheme.proto

import type { ExportVmHeader as _nephele_v1_ExportVmHeader, ExportVmHeader__Output as _nephele_v1_ExportVmHeader__Output } from '../../nephele/v1/ExportVmHeader.js';
import type { ConvertProgress as _nephele_v1_ConvertProgress, ConvertProgress__Output as _nephele_v1_ConvertProgress__Output } from '../../nephele/v1/ConvertProgress.js';
import type { Long } from '@grpc/proto-loader';

export interface ExportVmChunk {
  'header'?: (_nephele_v1_ExportVmHeader | null);
  'data'?: (Buffer | Uint8Array | string);
  'offset'?: (number | string | Long);
  'last'?: (boolean);
  'sha256'?: (string);
  'progress'?: (_nephele_v1_ConvertProgress | null);
}

export interface ExportVmChunk__Output {
  'header': (_nephele_v1_ExportVmHeader__Output | null);
  'data': (Buffer);
  'offset': (number);
  'last': (boolean);
  'sha256': (string);
  'progress': (_nephele_v1_ConvertProgress__Output | null);
}
