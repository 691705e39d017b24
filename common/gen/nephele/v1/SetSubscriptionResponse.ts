// Original file: proto/nephele/v1/monitor.proto

import type { Subscription as _nephele_v1_Subscription, Subscription__Output as _nephele_v1_Subscription__Output } from '../../nephele/v1/Subscription.js';

export interface SetSubscriptionResponse {
  'subscription'?: (_nephele_v1_Subscription | null);
}

export interface SetSubscriptionResponse__Output {
  'subscription': (_nephele_v1_Subscription__Output | null);
}
