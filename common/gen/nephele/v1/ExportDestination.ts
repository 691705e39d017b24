// Original file: proto/nephele/v1/usage.proto


export interface ExportDestination {
  'directory'?: (string);
  'url'?: (string);
  'peer'?: (string);
  'target'?: "directory"|"url"|"peer";
}

export interface ExportDestination__Output {
  'directory'?: (string);
  'url'?: (string);
  'peer'?: (string);
  'target'?: "directory"|"url"|"peer";
}
