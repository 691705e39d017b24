// Original file: proto/nephele/v1/token.proto

import type { LineageNode as _nephele_v1_LineageNode, LineageNode__Output as _nephele_v1_LineageNode__Output } from '../../nephele/v1/LineageNode.js';

export interface GetImageLineageResponse {
  'nodes'?: (_nephele_v1_LineageNode)[];
  'rootImageId'?: (string);
}

export interface GetImageLineageResponse__Output {
  'nodes': (_nephele_v1_LineageNode__Output)[];
  'rootImageId': (string);
}
