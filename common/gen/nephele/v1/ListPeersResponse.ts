// Original file: proto/nephele/v1/usage.proto

import type { Peer as _nephele_v1_Peer, Peer__Output as _nephele_v1_Peer__Output } from '../../nephele/v1/Peer.js';

export interface ListPeersResponse {
  'peers'?: (_nephele_v1_Peer)[];
}

export interface ListPeersResponse__Output {
  'peers': (_nephele_v1_Peer__Output)[];
}
