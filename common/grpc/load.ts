import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as AgentProto } from '../gen/agent.js';
import type { ProtoGrpcType as AuthProto } from '../gen/auth.js';
import type { ProtoGrpcType as EventProto } from '../gen/event.js';
import type { ProtoGrpcType as HostProto } from '../gen/host.js';
import type { ProtoGrpcType as VmProto } from '../gen/vm.js';
import type { ProtoGrpcType as TokenProto } from '../gen/token.js';
import type { ProtoGrpcType as MonitorProto } from '../gen/monitor.js';
import type { ProtoGrpcType as ReclassProto } from '../gen/reclass.js';
import type { ProtoGrpcType as SchemeProto } from '../gen/scheme.js';

// The only place that loads the protos. Options must match scripts/gen-proto.mjs.
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

function protoRoot(): string {
  // Works from both the source tree and dist/ (dist/common/grpc → ../../../proto).
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const up of ['../../proto', '../../../proto']) {
    const p = join(here, up);
    try {
      readdirSync(p);
      return p;
    } catch {
      /* try the next */
    }
  }
  throw new Error('proto/ directory not found');
}

export function protoFiles(): { root: string; files: string[] } {
  const root = protoRoot();
  const files = readdirSync(join(root, 'nephele', 'v1'))
    .filter((f) => f.endsWith('.proto'))
    .map((f) => `nephele/v1/${f}`);
  return { root, files };
}

export type NepheleProto = AgentProto &
  AuthProto &
  EventProto &
  HostProto &
  VmProto &
  TokenProto &
  MonitorProto &
  ReclassProto &
  SchemeProto;

let cached: { pkg: NepheleProto; def: protoLoader.PackageDefinition } | undefined;

export function loadNephele(): { pkg: NepheleProto; def: protoLoader.PackageDefinition } {
  if (!cached) {
    const { root, files } = protoFiles();
    const def = protoLoader.loadSync(files, { ...LOADER_OPTIONS, includeDirs: [root] });
    cached = { pkg: grpc.loadPackageDefinition(def) as unknown as NepheleProto, def };
  }
  return cached;
}

export const v1 = () => loadNephele().pkg.nephele.v1;
