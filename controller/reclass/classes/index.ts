// controller/reclass/classes: the class catalog, class prices, host features,
// per-set policies, and the notice (event + webhook) and schedule. PLACEHOLDER
// until its owner lands it.
import type { RpcLayer } from '../../rpc/handler.js';
import type { ReclassDeps } from '../deps.js';
import type { Applier, Catalog, HostFeatures, Notifier, ReclassPolicies, Recommendations } from '../ports.js';
import type { ClassHandlers } from '../service.js';
import { todo } from '../stub.js';

export interface ClassesPart {
  catalog: Catalog;
  hostFeatures: HostFeatures;
  policies: ReclassPolicies;
  notifier: Notifier;
  handlers(layer: RpcLayer): ClassHandlers;
  /** Starts the schedule and the auto-apply loop (late: they need the other parts). */
  start(late: { applier: Applier; recommendations: Recommendations; recommendAll(): Promise<void> }): Promise<void>;
  stop(): Promise<void>;
}

export async function startClasses(_d: ReclassDeps): Promise<ClassesPart> {
  return {
    catalog: { list: async () => [], get: async () => undefined, pricePerHour: () => 0 },
    // Labels set true only, until classes lands (apply helper's placeholder; take classes').
    hostFeatures: (h) => Object.keys(h.labels ?? {}).filter((k) => /^(true|yes|1)$/.test(h.labels![k]!)),
    policies: {
      get: async (setId) => ({
        setId,
        tenant: '',
        autoApply: false,
        windowCron: '',
        windowMinutes: 0,
        kinds: [],
        updatedUnixMs: 0,
      }),
      nextWindow: async () => undefined,
    },
    notifier: { recommended: async () => undefined },
    handlers: (layer) => ({
      DefineClass: todo(layer, 'DefineClass'),
      ListClasses: todo(layer, 'ListClasses'),
      DeleteClass: todo(layer, 'DeleteClass'),
      SetReclassPolicy: todo(layer, 'SetReclassPolicy'),
      GetReclassPolicy: todo(layer, 'GetReclassPolicy'),
    }),
    start: async () => undefined,
    stop: async () => undefined,
  };
}
