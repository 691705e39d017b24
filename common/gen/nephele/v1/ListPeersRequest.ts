// Original file: proto/nephele/v1/usage.proto


export interface ListPeersRequest {
}

export interface ListPeersRequest__Output {
}
