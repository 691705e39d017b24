// Original file: proto/nephele/v1/usage.proto


export interface DeleteExportScheduleResponse {
}

export interface DeleteExportScheduleResponse__Output {
}
