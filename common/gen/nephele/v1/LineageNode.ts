// Original file: proto/nephele/v1/token.proto

import type { Image as _nephele_v1_Image, Image__Output as _nephele_v1_Image__Output } from '../../nephele/v1/Image.js';

export interface LineageNode {
  'image'?: (_nephele_v1_Image | null);
  'depth'?: (number);
  'setIds'?: (string)[];
  'childImageIds'?: (string)[];
}

export interface LineageNode__Output {
  'image': (_nephele_v1_Image__Output | null);
  'depth': (number);
  'setIds': (string)[];
  'childImageIds': (string)[];
}
