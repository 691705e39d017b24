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

/** SchemeService from its parts; the types make a missing RPC a compile error. */
export function schemeHandlers(parts: SchemeParts): SchemeServiceHandlers {
  return { ...parts.definitions, ...parts.transfers, ...parts.native, ...parts.bus };
}
