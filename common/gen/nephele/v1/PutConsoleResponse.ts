// Original file: proto/nephele/v1/agent.proto


export interface PutConsoleResponse {
}

export interface PutConsoleResponse__Output {
}
