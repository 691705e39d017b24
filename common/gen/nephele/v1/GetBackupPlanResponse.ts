// Original file: proto/nephele/v1/usage.proto

import type { BackupDemand as _nephele_v1_BackupDemand, BackupDemand__Output as _nephele_v1_BackupDemand__Output } from '../../nephele/v1/BackupDemand.js';
import type { Plan as _nephele_v1_Plan, Plan__Output as _nephele_v1_Plan__Output } from '../../nephele/v1/Plan.js';

export interface GetBackupPlanResponse {
  'demands'?: (_nephele_v1_BackupDemand)[];
  'plans'?: (_nephele_v1_Plan)[];
  'unfit'?: (string)[];
}

export interface GetBackupPlanResponse__Output {
  'demands': (_nephele_v1_BackupDemand__Output)[];
  'plans': (_nephele_v1_Plan__Output)[];
  'unfit': (string)[];
}
