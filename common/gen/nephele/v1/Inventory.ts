// Original file: proto/nephele/v1/types.proto

import type { CpuInfo as _nephele_v1_CpuInfo, CpuInfo__Output as _nephele_v1_CpuInfo__Output } from '../../nephele/v1/CpuInfo.js';
import type { MemoryInfo as _nephele_v1_MemoryInfo, MemoryInfo__Output as _nephele_v1_MemoryInfo__Output } from '../../nephele/v1/MemoryInfo.js';
import type { DiskInfo as _nephele_v1_DiskInfo, DiskInfo__Output as _nephele_v1_DiskInfo__Output } from '../../nephele/v1/DiskInfo.js';
import type { FilesystemInfo as _nephele_v1_FilesystemInfo, FilesystemInfo__Output as _nephele_v1_FilesystemInfo__Output } from '../../nephele/v1/FilesystemInfo.js';
import type { NicInfo as _nephele_v1_NicInfo, NicInfo__Output as _nephele_v1_NicInfo__Output } from '../../nephele/v1/NicInfo.js';
import type { OsInfo as _nephele_v1_OsInfo, OsInfo__Output as _nephele_v1_OsInfo__Output } from '../../nephele/v1/OsInfo.js';
import type { HypervisorInfo as _nephele_v1_HypervisorInfo, HypervisorInfo__Output as _nephele_v1_HypervisorInfo__Output } from '../../nephele/v1/HypervisorInfo.js';
import type { SoftwareInfo as _nephele_v1_SoftwareInfo, SoftwareInfo__Output as _nephele_v1_SoftwareInfo__Output } from '../../nephele/v1/SoftwareInfo.js';
import type { Capacity as _nephele_v1_Capacity, Capacity__Output as _nephele_v1_Capacity__Output } from '../../nephele/v1/Capacity.js';
import type { Long } from '@grpc/proto-loader';

export interface Inventory {
  'cpu'?: (_nephele_v1_CpuInfo | null);
  'memory'?: (_nephele_v1_MemoryInfo | null);
  'disks'?: (_nephele_v1_DiskInfo)[];
  'filesystems'?: (_nephele_v1_FilesystemInfo)[];
  'nics'?: (_nephele_v1_NicInfo)[];
  'os'?: (_nephele_v1_OsInfo | null);
  'hypervisors'?: (_nephele_v1_HypervisorInfo)[];
  'software'?: (_nephele_v1_SoftwareInfo)[];
  'schemes'?: (string)[];
  'total'?: (_nephele_v1_Capacity | null);
  'reserved'?: (_nephele_v1_Capacity | null);
  'guest'?: (_nephele_v1_Capacity | null);
  'hash'?: (string);
  'collectedUnixMs'?: (number | string | Long);
}

export interface Inventory__Output {
  'cpu': (_nephele_v1_CpuInfo__Output | null);
  'memory': (_nephele_v1_MemoryInfo__Output | null);
  'disks': (_nephele_v1_DiskInfo__Output)[];
  'filesystems': (_nephele_v1_FilesystemInfo__Output)[];
  'nics': (_nephele_v1_NicInfo__Output)[];
  'os': (_nephele_v1_OsInfo__Output | null);
  'hypervisors': (_nephele_v1_HypervisorInfo__Output)[];
  'software': (_nephele_v1_SoftwareInfo__Output)[];
  'schemes': (string)[];
  'total': (_nephele_v1_Capacity__Output | null);
  'reserved': (_nephele_v1_Capacity__Output | null);
  'guest': (_nephele_v1_Capacity__Output | null);
  'hash': (string);
  'collectedUnixMs': (number);
}
