// Original file: proto/nephele/v1/event.proto

import type { Event as _nephele_v1_Event, Event__Output as _nephele_v1_Event__Output } from '../../nephele/v1/Event.js';
import type { Long } from '@grpc/proto-loader';

export interface ListEventsResponse {
  'events'?: (_nephele_v1_Event)[];
  'nextPageToken'?: (string);
  'lastSeq'?: (number | string | Long);
}

export interface ListEventsResponse__Output {
  'events': (_nephele_v1_Event__Output)[];
  'nextPageToken': (string);
  'lastSeq': (number);
}
