// Original file: proto/nephele/v1/event.proto


export interface EventFilter {
  'typePrefix'?: (string);
  'hostId'?: (string);
  'auditOnly'?: (boolean);
  'tenant'?: (string);
  'vmId'?: (string);
  'setId'?: (string);
}

export interface EventFilter__Output {
  'typePrefix': (string);
  'hostId': (string);
  'auditOnly': (boolean);
  'tenant': (string);
  'vmId': (string);
  'setId': (string);
}
