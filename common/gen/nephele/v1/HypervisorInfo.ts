// Original file: proto/nephele/v1/types.proto


export interface HypervisorInfo {
  'name'?: (string);
  'binary'?: (string);
  'version'?: (string);
  'kvmDevice'?: (boolean);
  'detail'?: (string);
  'accelerator'?: (string);
  'acceleratorReason'?: (string);
}

export interface HypervisorInfo__Output {
  'name': (string);
  'binary': (string);
  'version': (string);
  'kvmDevice': (boolean);
  'detail': (string);
  'accelerator': (string);
  'acceleratorReason': (string);
}
