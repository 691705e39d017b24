// The controller's stored records and the names they use: plain types owned by
// us. Generated proto types stay at the edges (handlers, sessions, CLI) and
// meet these in common/grpc/convert.ts.
export * from '../../common/model/enums.js';
export type { CreateExtra, NewVm, VmRecord, VmReport, VmSpec } from './vm.js';
export type { SetRecord, SetRequest } from './set.js';
export type { HostRecord, SchemeInfo, StoredInventory } from './host.js';
export type { TokenRecord } from './token.js';
export * from './image.js';
export * from './monitor.js';
export * from './reclass.js';
