import type { Scheme } from '../../../common/gen/nephele/v1/Scheme.js';
import type { ConvertDefinitionRequest__Output } from '../../../common/gen/nephele/v1/ConvertDefinitionRequest.js';
import type { ConvertDefinitionResponse } from '../../../common/gen/nephele/v1/ConvertDefinitionResponse.js';
import type { ListSchemesResponse } from '../../../common/gen/nephele/v1/ListSchemesResponse.js';
import { DefinitionFormatEnum, DiskFormatEnum, lossyToProto } from '../../../common/grpc/convert-scheme.js';
import { InvalidArgumentError } from '../../../common/errors.js';
import { can } from '../../auth/authz.js';
import { unaryRpc, type RpcLayer } from '../../rpc/handler.js';
import type { DefinitionHandlers } from '../service.js';
import type { SchemeDeps } from '../deps.js';
import { convertDefinition } from './convert.js';
import { offeringHosts } from './hosts.js';
import { CAPABILITIES, SCHEMES } from './table.js';
import type { NativeVerbs } from './verbs.js';

// The definitions part of SchemeService: the schemes catalog and conversions.

export function definitionHandlers(
  layer: RpcLayer,
  d: Pick<SchemeDeps, 'store'>,
  verbs: NativeVerbs,
): DefinitionHandlers {
  return {
    ListSchemes: unaryRpc(layer, 'SchemeService.ListSchemes', async (_req, ctx): Promise<ListSchemesResponse> => {
      const hosts = await offeringHosts(d.store);
      // Host ids are fleet facts: only callers who may read the fleet see them.
      const showIds = can(ctx.principal, 'fleet.read');
      const schemes: Scheme[] = SCHEMES.map((s) => {
        const o = hosts.get(s.name);
        return {
          name: s.name,
          description: s.description,
          formats: s.formats.map((f) => DefinitionFormatEnum.toProto(f)),
          diskFormats: s.diskFormats.map((f) => DiskFormatEnum.toProto(f)),
          nativeTool: s.nativeTool,
          nativeVerbs: s.nativeTool ? [...verbs(s.nativeTool)] : [],
          capabilities: Object.fromEntries(CAPABILITIES.map((c) => [c, s.capabilities.includes(c)])),
          runnable: s.runnable,
          hostIds: showIds ? (o?.ids ?? []) : [],
          hostCount: o?.count ?? 0,
        };
      });
      return { schemes };
    }),
    ConvertDefinition: unaryRpc(
      layer,
      'SchemeService.ConvertDefinition',
      async (req: ConvertDefinitionRequest__Output): Promise<ConvertDefinitionResponse> => {
        const from = DefinitionFormatEnum.require(req.from, 'from');
        const to = DefinitionFormatEnum.require(req.to, 'to');
        if (typeof req.text !== 'string' || !req.text) throw new InvalidArgumentError('text', 'is required');
        const r = convertDefinition(from, to, req.text);
        return { text: r.text, lossy: r.lossy.map(lossyToProto), canonicalJson: JSON.stringify(r.def) };
      },
    ),
  };
}
