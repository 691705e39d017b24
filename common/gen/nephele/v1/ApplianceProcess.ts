// Original file: proto/nephele/v1/monitor.proto


export interface ApplianceProcess {
  'pid'?: (number);
  'name'?: (string);
  'cmdline'?: (string);
  'exeSha256'?: (string);
}

export interface ApplianceProcess__Output {
  'pid': (number);
  'name': (string);
  'cmdline': (string);
  'exeSha256': (string);
}
