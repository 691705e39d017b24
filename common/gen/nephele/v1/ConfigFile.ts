// Original file: proto/nephele/v1/vm.proto


export interface ConfigFile {
  'path'?: (string);
  'content'?: (Buffer | Uint8Array | string);
  'mode'?: (number);
}

export interface ConfigFile__Output {
  'path': (string);
  'content': (Buffer);
  'mode': (number);
}
