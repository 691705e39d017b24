// Original file: proto/nephele/v1/usage.proto

import type { Peer as _nephele_v1_Peer, Peer__Output as _nephele_v1_Peer__Output } from '../../nephele/v1/Peer.js';

export interface AddPeerResponse {
  'peer'?: (_nephele_v1_Peer | null);
}

export interface AddPeerResponse__Output {
  'peer': (_nephele_v1_Peer__Output | null);
}
