// Original file: proto/nephele/v1/monitor.proto

import type { Subscription as _nephele_v1_Subscription, Subscription__Output as _nephele_v1_Subscription__Output } from '../../nephele/v1/Subscription.js';

export interface SetSubscriptionRequest {
  'subscription'?: (_nephele_v1_Subscription | null);
  'requestId'?: (string);
}

export interface SetSubscriptionRequest__Output {
  'subscription': (_nephele_v1_Subscription__Output | null);
  'requestId': (string);
}
