// Original file: proto/nephele/v1/vm.proto


export interface ConsoleOutput {
  'data'?: (Buffer | Uint8Array | string);
}

export interface ConsoleOutput__Output {
  'data': (Buffer);
}
