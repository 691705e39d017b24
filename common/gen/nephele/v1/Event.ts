// Original file: proto/nephele/v1/types.proto

import type { Long } from '@grpc/proto-loader';

export interface Event {
  'seq'?: (number | string | Long);
  'timeUnixMs'?: (number | string | Long);
  'type'?: (string);
  'severity'?: (string);
  'message'?: (string);
  'hostId'?: (string);
  'actor'?: (string);
  'audit'?: (boolean);
  'attributes'?: ({[key: string]: string});
  'tenant'?: (string);
}

export interface Event__Output {
  'seq': (number);
  'timeUnixMs': (number);
  'type': (string);
  'severity': (string);
  'message': (string);
  'hostId': (string);
  'actor': (string);
  'audit': (boolean);
  'attributes': ({[key: string]: string});
  'tenant': (string);
}
