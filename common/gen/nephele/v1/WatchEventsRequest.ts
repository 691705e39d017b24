// Original file: proto/nephele/v1/event.proto

import type { EventFilter as _nephele_v1_EventFilter, EventFilter__Output as _nephele_v1_EventFilter__Output } from '../../nephele/v1/EventFilter.js';
import type { Long } from '@grpc/proto-loader';

export interface WatchEventsRequest {
  'sinceSeq'?: (number | string | Long);
  'filter'?: (_nephele_v1_EventFilter | null);
}

export interface WatchEventsRequest__Output {
  'sinceSeq': (number);
  'filter': (_nephele_v1_EventFilter__Output | null);
}
