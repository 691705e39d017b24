// Original file: proto/nephele/v1/event.proto

import type { EventFilter as _nephele_v1_EventFilter, EventFilter__Output as _nephele_v1_EventFilter__Output } from '../../nephele/v1/EventFilter.js';
import type { Long } from '@grpc/proto-loader';

export interface ListEventsRequest {
  'sinceSeq'?: (number | string | Long);
  'pageSize'?: (number);
  'pageToken'?: (string);
  'filter'?: (_nephele_v1_EventFilter | null);
  'newestFirst'?: (boolean);
}

export interface ListEventsRequest__Output {
  'sinceSeq': (number);
  'pageSize': (number);
  'pageToken': (string);
  'filter': (_nephele_v1_EventFilter__Output | null);
  'newestFirst': (boolean);
}
