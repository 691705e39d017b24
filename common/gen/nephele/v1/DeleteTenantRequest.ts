// Original file: proto/nephele/v1/auth.proto


export interface DeleteTenantRequest {
  'tenant'?: (string);
}

export interface DeleteTenantRequest__Output {
  'tenant': (string);
}
