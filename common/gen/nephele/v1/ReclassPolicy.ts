// Original file: proto/nephele/v1/reclass.proto

import type { RecommendationKind as _nephele_v1_RecommendationKind, RecommendationKind__Output as _nephele_v1_RecommendationKind__Output } from '../../nephele/v1/RecommendationKind.js';
import type { Long } from '@grpc/proto-loader';

export interface ReclassPolicy {
  'setId'?: (string);
  'autoApply'?: (boolean);
  'windowCron'?: (string);
  'windowMinutes'?: (number);
  'kinds'?: (_nephele_v1_RecommendationKind)[];
  'updatedUnixMs'?: (number | string | Long);
}

export interface ReclassPolicy__Output {
  'setId': (string);
  'autoApply': (boolean);
  'windowCron': (string);
  'windowMinutes': (number);
  'kinds': (_nephele_v1_RecommendationKind__Output)[];
  'updatedUnixMs': (number);
}
