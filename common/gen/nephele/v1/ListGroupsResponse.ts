// Original file: proto/nephele/v1/host.proto

import type { Group as _nephele_v1_Group, Group__Output as _nephele_v1_Group__Output } from '../../nephele/v1/Group.js';

export interface ListGroupsResponse {
  'groups'?: (_nephele_v1_Group)[];
  'nextPageToken'?: (string);
}

export interface ListGroupsResponse__Output {
  'groups': (_nephele_v1_Group__Output)[];
  'nextPageToken': (string);
}
