// Original file: proto/nephele/v1/agent.proto


export interface ConsoleOpen {
  'streamId'?: (string);
  'vmId'?: (string);
  'tailBytes'?: (number);
  'follow'?: (boolean);
}

export interface ConsoleOpen__Output {
  'streamId': (string);
  'vmId': (string);
  'tailBytes': (number);
  'follow': (boolean);
}
