// Original file: proto/nephele/v1/usage.proto

import type { Rate as _nephele_v1_Rate, Rate__Output as _nephele_v1_Rate__Output } from '../../nephele/v1/Rate.js';
import type { Long } from '@grpc/proto-loader';

export interface RateCard {
  'version'?: (number | string | Long);
  'currency'?: (string);
  'rates'?: (_nephele_v1_Rate)[];
  'createdUnixMs'?: (number | string | Long);
}

export interface RateCard__Output {
  'version': (number);
  'currency': (string);
  'rates': (_nephele_v1_Rate__Output)[];
  'createdUnixMs': (number);
}
