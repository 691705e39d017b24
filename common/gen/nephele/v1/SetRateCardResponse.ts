// Original file: proto/nephele/v1/usage.proto

import type { RateCard as _nephele_v1_RateCard, RateCard__Output as _nephele_v1_RateCard__Output } from '../../nephele/v1/RateCard.js';

export interface SetRateCardResponse {
  'card'?: (_nephele_v1_RateCard | null);
}

export interface SetRateCardResponse__Output {
  'card': (_nephele_v1_RateCard__Output | null);
}
