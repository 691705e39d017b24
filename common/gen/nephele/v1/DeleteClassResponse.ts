// Original file: proto/nephele/v1/reclass.proto


export interface DeleteClassResponse {
}

export interface DeleteClassResponse__Output {
}
