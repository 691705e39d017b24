// Original file: proto/nephele/v1/monitor.proto


export interface GetSubscriptionRequest {
  'scope'?: (string);
}

export interface GetSubscriptionRequest__Output {
  'scope': (string);
}
