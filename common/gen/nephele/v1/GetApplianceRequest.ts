// Original file: proto/nephele/v1/monitor.proto


export interface GetApplianceRequest {
  'vmId'?: (string);
}

export interface GetApplianceRequest__Output {
  'vmId': (string);
}
