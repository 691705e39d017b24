// Original file: proto/nephele/v1/monitor.proto

import type { AppActionKind as _nephele_v1_AppActionKind, AppActionKind__Output as _nephele_v1_AppActionKind__Output } from '../../nephele/v1/AppActionKind.js';

export interface AppAction {
  'kind'?: (_nephele_v1_AppActionKind);
  'pid'?: (number);
  'exeSha256'?: (string);
  'name'?: (string);
  'version'?: (string);
}

export interface AppAction__Output {
  'kind': (_nephele_v1_AppActionKind__Output);
  'pid': (number);
  'exeSha256': (string);
  'name': (string);
  'version': (string);
}
