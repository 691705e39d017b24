// Original file: proto/nephele/v1/reclass.proto


export interface ListClassesRequest {
}

export interface ListClassesRequest__Output {
}
