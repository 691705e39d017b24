// Original file: proto/nephele/v1/agent.proto


export interface BusSubscription {
  'vmId'?: (string);
  'topics'?: (string)[];
}

export interface BusSubscription__Output {
  'vmId': (string);
  'topics': (string)[];
}
