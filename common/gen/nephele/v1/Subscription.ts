// Original file: proto/nephele/v1/monitor.proto

import type { SubscriptionState as _nephele_v1_SubscriptionState, SubscriptionState__Output as _nephele_v1_SubscriptionState__Output } from '../../nephele/v1/SubscriptionState.js';
import type { Long } from '@grpc/proto-loader';

export interface Subscription {
  'scope'?: (string);
  'startUnixMs'?: (number | string | Long);
  'endUnixMs'?: (number | string | Long);
  'graceS'?: (number);
  'warnS'?: (number);
  'state'?: (_nephele_v1_SubscriptionState);
  'version'?: (number | string | Long);
  'updatedUnixMs'?: (number | string | Long);
}

export interface Subscription__Output {
  'scope': (string);
  'startUnixMs': (number);
  'endUnixMs': (number);
  'graceS': (number);
  'warnS': (number);
  'state': (_nephele_v1_SubscriptionState__Output);
  'version': (number);
  'updatedUnixMs': (number);
}
