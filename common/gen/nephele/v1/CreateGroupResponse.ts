// Original file: proto/nephele/v1/host.proto

import type { Group as _nephele_v1_Group, Group__Output as _nephele_v1_Group__Output } from '../../nephele/v1/Group.js';

export interface CreateGroupResponse {
  'group'?: (_nephele_v1_Group | null);
}

export interface CreateGroupResponse__Output {
  'group': (_nephele_v1_Group__Output | null);
}
