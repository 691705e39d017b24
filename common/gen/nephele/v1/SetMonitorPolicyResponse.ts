// Original file: proto/nephele/v1/monitor.proto

import type { MonitorPolicy as _nephele_v1_MonitorPolicy, MonitorPolicy__Output as _nephele_v1_MonitorPolicy__Output } from '../../nephele/v1/MonitorPolicy.js';

export interface SetMonitorPolicyResponse {
  'policy'?: (_nephele_v1_MonitorPolicy | null);
}

export interface SetMonitorPolicyResponse__Output {
  'policy': (_nephele_v1_MonitorPolicy__Output | null);
}
