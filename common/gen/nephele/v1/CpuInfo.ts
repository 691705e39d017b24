// Original file: proto/nephele/v1/types.proto


export interface CpuInfo {
  'vendor'?: (string);
  'model'?: (string);
  'cores'?: (number);
  'threads'?: (number);
  'sockets'?: (number);
  'speedGhz'?: (number | string);
  'flags'?: (string)[];
  'virtualization'?: (string);
}

export interface CpuInfo__Output {
  'vendor': (string);
  'model': (string);
  'cores': (number);
  'threads': (number);
  'sockets': (number);
  'speedGhz': (number);
  'flags': (string)[];
  'virtualization': (string);
}
