// Original file: proto/nephele/v1/agent.proto


export interface ConsoleChunk {
  'streamId'?: (string);
  'data'?: (Buffer | Uint8Array | string);
  'error'?: (string);
}

export interface ConsoleChunk__Output {
  'streamId': (string);
  'data': (Buffer);
  'error': (string);
}
