// Original file: proto/nephele/v1/reclass.proto

import type { VmAnalysis as _nephele_v1_VmAnalysis, VmAnalysis__Output as _nephele_v1_VmAnalysis__Output } from '../../nephele/v1/VmAnalysis.js';
import type { Long } from '@grpc/proto-loader';

export interface AnalyzeResponse {
  'analyses'?: (_nephele_v1_VmAnalysis)[];
  'nextPageToken'?: (string);
  'windowStartUnixMs'?: (number | string | Long);
  'windowEndUnixMs'?: (number | string | Long);
}

export interface AnalyzeResponse__Output {
  'analyses': (_nephele_v1_VmAnalysis__Output)[];
  'nextPageToken': (string);
  'windowStartUnixMs': (number);
  'windowEndUnixMs': (number);
}
