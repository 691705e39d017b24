// Original file: proto/nephele/v1/host.proto


export interface GetVersionRequest {
}

export interface GetVersionRequest__Output {
}
