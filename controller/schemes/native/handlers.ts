// ControlVmNative: a foreign tool's command line → tokenize (ours, no shell) →
// decide (pure) → act (the VmService lifecycle path, in the caller's scope).
import type { SchemeServiceHandlers } from '../../../common/gen/nephele/v1/SchemeService.js';
import type { ControlVmNativeRequest__Output as Req } from '../../../common/gen/nephele/v1/ControlVmNativeRequest.js';
import { InvalidArgumentError } from '../../../common/errors.js';
import type { Logger } from '../../../common/logger.js';
import { optionalString } from '../../../common/validate.js';
import { unaryRpc, type RpcLayer } from '../../rpc/handler.js';
import type { DesiredPusher } from '../../vms/actions.js';
import type { VmRegistry } from '../../vms/registry.js';
import { act, answerFor, type NativeAnswer } from './act.js';
import { tokenize } from './argv.js';
import { decide } from './decide.js';
import { nativeVm } from './output.js';

export type NativeControlHandlers = Pick<SchemeServiceHandlers, 'ControlVmNative'>;

function parse(req: Req) {
  const scheme = optionalString('scheme', req.scheme, 64);
  if (typeof req.command !== 'string' || !req.command.trim()) throw new InvalidArgumentError('command', 'is required');
  return decide(scheme, tokenize(req.command));
}

export function nativeHandlers(
  layer: RpcLayer,
  d: { vms: VmRegistry; push: DesiredPusher; log: Logger },
): NativeControlHandlers {
  return {
    ControlVmNative: unaryRpc<Req, NativeAnswer>(
      layer,
      'SchemeService.ControlVmNative',
      async (req, ctx) => {
        const dec = parse(req);
        // The audit record says what was asked in which vocabulary, and of which VM.
        const audit = ctx.audit?.attributes;
        if (audit) Object.assign(audit, { native_tool: dec.tool, native_verb: dec.verb });
        const onTarget = (id: string) => void (audit && (audit.target_vm_id = id));
        const a = await act(dec, { vms: d.vms, push: d.push, scope: ctx.scope, onTarget });
        if (a.action)
          d.log.info({ tool: dec.tool, verb: dec.verb, action: a.action, vm_id: a.vmIds[0] }, 'native command');
        return a;
      },
      // A repeated request_id: the action is not done again; the answer is the VM as it is now.
      async (ref, req, ctx) => {
        const dec = parse(req);
        const { vm } = await d.vms.get(ref, ctx.scope);
        if (dec.kind !== 'action') return act(dec, { vms: d.vms, push: d.push, scope: ctx.scope });
        return answerFor(dec, nativeVm(vm));
      },
    ),
  };
}
