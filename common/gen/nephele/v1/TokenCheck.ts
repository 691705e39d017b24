// Original file: proto/nephele/v1/agent.proto


export interface TokenCheck {
}

export interface TokenCheck__Output {
}
