// SEAM (issue 16, parallel work): the native part owns the tools' vocabularies
// (controller/schemes/native/vocab.ts) and exports them. Until the coordinator wires
// that in, ListSchemes reads this temporary copy of the verb lists through
// the same function shape; replace TEMPORARY_NATIVE_VERBS with the native part's export.

/** The verbs ControlVmNative accepts for a tool (empty for an unknown tool). */
export type NativeVerbs = (tool: string) => readonly string[];

const TEMPORARY_NATIVE_VERBS: Record<string, readonly string[]> = {
  virsh: ['start', 'shutdown', 'destroy', 'suspend', 'resume', 'reboot', 'dominfo', 'list'],
  xl: ['create', 'shutdown', 'destroy', 'pause', 'unpause', 'reboot', 'list'],
  vmrun: ['start', 'stop', 'suspend', 'reset', 'list'],
  qm: ['start', 'stop', 'shutdown', 'suspend', 'resume', 'status'],
};

export const temporaryNativeVerbs: NativeVerbs = (tool) => TEMPORARY_NATIVE_VERBS[tool] ?? [];
