// Original file: proto/nephele/v1/scheme.proto

import type { Topic as _nephele_v1_Topic, Topic__Output as _nephele_v1_Topic__Output } from '../../nephele/v1/Topic.js';

export interface ListTopicsResponse {
  'topics'?: (_nephele_v1_Topic)[];
  'nextPageToken'?: (string);
}

export interface ListTopicsResponse__Output {
  'topics': (_nephele_v1_Topic__Output)[];
  'nextPageToken': (string);
}
