// Original file: proto/nephele/v1/types.proto


export interface SoftwareInfo {
  'name'?: (string);
  'version'?: (string);
}

export interface SoftwareInfo__Output {
  'name': (string);
  'version': (string);
}
