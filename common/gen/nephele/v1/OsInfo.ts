// Original file: proto/nephele/v1/types.proto


export interface OsInfo {
  'platform'?: (string);
  'distro'?: (string);
  'release'?: (string);
  'kernel'?: (string);
  'arch'?: (string);
  'hostname'?: (string);
}

export interface OsInfo__Output {
  'platform': (string);
  'distro': (string);
  'release': (string);
  'kernel': (string);
  'arch': (string);
  'hostname': (string);
}
