// Original file: proto/nephele/v1/auth.proto


export interface GetTenantRequest {
  'tenant'?: (string);
}

export interface GetTenantRequest__Output {
  'tenant': (string);
}
