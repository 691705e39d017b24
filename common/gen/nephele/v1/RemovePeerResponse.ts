// Original file: proto/nephele/v1/usage.proto


export interface RemovePeerResponse {
}

export interface RemovePeerResponse__Output {
}
