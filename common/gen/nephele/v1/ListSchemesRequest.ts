// Original file: proto/nephele/v1/scheme.proto


export interface ListSchemesRequest {
}

export interface ListSchemesRequest__Output {
}
