// Original file: proto/nephele/v1/agent.proto


export interface TokenRemove {
}

export interface TokenRemove__Output {
}
