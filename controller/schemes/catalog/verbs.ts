import { NATIVE_TOOLS } from '../native/vocab.js';

/** The verbs ControlVmNative accepts for a tool (empty for an unknown tool). */
export type NativeVerbs = (tool: string) => readonly string[];

/** ListSchemes reads the native part's vocabularies: one table for what is listed and what is accepted. */
export const nativeVerbs: NativeVerbs = (tool) =>
  Object.prototype.hasOwnProperty.call(NATIVE_TOOLS, tool) ? NATIVE_TOOLS[tool as keyof typeof NATIVE_TOOLS].verbs : [];
