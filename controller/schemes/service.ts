import * as grpc from '@grpc/grpc-js';
import type { SchemeServiceHandlers } from '../../common/gen/nephele/v1/SchemeService.js';

// SchemeService assembled from its parts (issue 16), one module per part:
//   definitions (controller/schemes/formats, catalog): ListSchemes, ConvertDefinition
//   transfers   (controller/schemes/transfer):         ImportVm, ExportVm
//   native      (controller/schemes/native, migrate):  ControlVmNative, MigrateAcrossSchemes
//   bus         (controller/schemes/bus):              Publish, Subscribe, ListTopics

export type DefinitionHandlers = Pick<SchemeServiceHandlers, 'ListSchemes' | 'ConvertDefinition'>;
export type TransferHandlers = Pick<SchemeServiceHandlers, 'ImportVm' | 'ExportVm'>;
export type NativeHandlers = Pick<SchemeServiceHandlers, 'ControlVmNative' | 'MigrateAcrossSchemes'>;
export type BusHandlers = Pick<SchemeServiceHandlers, 'Publish' | 'Subscribe' | 'ListTopics'>;

export interface SchemeParts {
  definitions: DefinitionHandlers;
  transfers: TransferHandlers;
  native: NativeHandlers;
  bus: BusHandlers;
}

// CONTRACT SCAFFOLD (issue 16, parallel work): parts not merged yet answer UNIMPLEMENTED.
// The coordinator removes this and makes every part required once all are merged.
const notYet = (_call: unknown, cb?: unknown): void => {
  const err = { code: grpc.status.UNIMPLEMENTED, details: 'not merged yet' };
  if (typeof cb === 'function') (cb as (e: unknown) => void)(err);
  else (_call as { emit(ev: string, e: unknown): void }).emit('error', err);
};
const ALL: (keyof SchemeServiceHandlers)[] = [
  'ListSchemes',
  'ConvertDefinition',
  'ImportVm',
  'ExportVm',
  'ControlVmNative',
  'MigrateAcrossSchemes',
  'Publish',
  'Subscribe',
  'ListTopics',
];

export function schemeHandlers(parts: Partial<SchemeParts>): SchemeServiceHandlers {
  const have = {
    ...parts.definitions,
    ...parts.transfers,
    ...parts.native,
    ...parts.bus,
  } as Partial<SchemeServiceHandlers>;
  return Object.fromEntries(ALL.map((k) => [k, have[k] ?? notYet])) as unknown as SchemeServiceHandlers;
}
