// Original file: proto/nephele/v1/monitor.proto


export interface RogueSignature {
  'name'?: (string);
  'nameRegex'?: (string);
  'cmdlineRegex'?: (string);
  'exeSha256'?: (string);
}

export interface RogueSignature__Output {
  'name': (string);
  'nameRegex': (string);
  'cmdlineRegex': (string);
  'exeSha256': (string);
}
