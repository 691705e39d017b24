// Original file: proto/nephele/v1/agent.proto


export interface ReadManifest {
}

export interface ReadManifest__Output {
}
