// Original file: proto/nephele/v1/reclass.proto

import type { ApplyWhen as _nephele_v1_ApplyWhen, ApplyWhen__Output as _nephele_v1_ApplyWhen__Output } from '../../nephele/v1/ApplyWhen.js';
import type { Long } from '@grpc/proto-loader';

export interface ApplyRecommendationRequest {
  'id'?: (string);
  'when'?: (_nephele_v1_ApplyWhen);
  'atUnixMs'?: (number | string | Long);
  'dryRun'?: (boolean);
  'requestId'?: (string);
}

export interface ApplyRecommendationRequest__Output {
  'id': (string);
  'when': (_nephele_v1_ApplyWhen__Output);
  'atUnixMs': (number);
  'dryRun': (boolean);
  'requestId': (string);
}
