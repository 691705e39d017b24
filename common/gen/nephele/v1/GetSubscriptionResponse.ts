// Original file: proto/nephele/v1/monitor.proto

import type { Subscription as _nephele_v1_Subscription, Subscription__Output as _nephele_v1_Subscription__Output } from '../../nephele/v1/Subscription.js';

export interface GetSubscriptionResponse {
  'subscription'?: (_nephele_v1_Subscription | null);
}

export interface GetSubscriptionResponse__Output {
  'subscription': (_nephele_v1_Subscription__Output | null);
}
