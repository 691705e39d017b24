// Original file: proto/nephele/v1/scheme.proto


export interface PublishRequest {
  'topic'?: (string);
  'payload'?: (Buffer | Uint8Array | string);
  'tenant'?: (string);
  'requestId'?: (string);
}

export interface PublishRequest__Output {
  'topic': (string);
  'payload': (Buffer);
  'tenant': (string);
  'requestId': (string);
}
