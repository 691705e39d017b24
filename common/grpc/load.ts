import * as grpc from '@grpc/grpc-js';
import type * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs/light.js';
import { NEPHELE_DESCRIPTOR, NEPHELE_FILE_DESCRIPTORS } from '../gen/descriptor.js';
import type { ProtoGrpcType as AgentProto } from '../gen/agent.js';
import type { ProtoGrpcType as AuthProto } from '../gen/auth.js';
import type { ProtoGrpcType as EventProto } from '../gen/event.js';
import type { ProtoGrpcType as HostProto } from '../gen/host.js';
import type { ProtoGrpcType as VmProto } from '../gen/vm.js';
import type { ProtoGrpcType as TokenProto } from '../gen/token.js';
import type { ProtoGrpcType as MonitorProto } from '../gen/monitor.js';
import type { ProtoGrpcType as ReclassProto } from '../gen/reclass.js';
import type { ProtoGrpcType as SchemeProto } from '../gen/scheme.js';

// The only place that loads the protos (from common/gen/descriptor.ts). Options must match scripts/gen-proto.mjs.
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

export type NepheleProto = AgentProto &
  AuthProto &
  EventProto &
  HostProto &
  VmProto &
  TokenProto &
  MonitorProto &
  ReclassProto &
  SchemeProto;

// Every process (CLI call, agent, controller, test) builds its services from
// the protos' reflection JSON (common/gen/descriptor.ts, made by `npm run gen`)
// with protobufjs' light build: no .proto parsing, no proto-loader, and each
// message type is compiled when first used. proto-loader's loadSync also built
// a descriptor for each of our ~360 types and encoded every file's descriptor,
// which only server reflection reads: measured here, 110 ms of a 0.57 s CLI
// call. Server reflection gets the files' descriptors, also made by `npm run
// gen`. Both behave as proto-loader's: test/unit/grpc-load.test.ts, reflection.test.ts.

// What proto-loader passes to toObject: the loader options, keepCase aside (that one is the parser's).
const { keepCase: _parserOnly, ...TO_OBJECT } = LOADER_OPTIONS as protobuf.IConversionOptions & { keepCase?: boolean };

function serializer(type: protobuf.Type): grpc.serialize<object> {
  return (arg: object) => {
    // As proto-loader: an array is never a message.
    if (Array.isArray(arg))
      throw new Error(`Failed to serialize message: expected object with ${type.name} structure, got array instead`);
    return Buffer.from(type.encode(type.fromObject(arg)).finish());
  };
}

function deserializer(type: protobuf.Type): grpc.deserialize<object> {
  return (buf: Buffer) => type.toObject(type.decode(buf), TO_OBJECT);
}

function serviceDefinition(svc: protobuf.Service): grpc.ServiceDefinition {
  const def: Record<string, grpc.MethodDefinition<object, object>> = {};
  const name = svc.fullName.replace(/^\./, '');
  for (const m of svc.methodsArray) {
    m.resolve();
    const req = m.resolvedRequestType!;
    const res = m.resolvedResponseType!;
    def[m.name] = {
      path: `/${name}/${m.name}`,
      requestStream: !!m.requestStream,
      responseStream: !!m.responseStream,
      requestSerialize: serializer(req),
      requestDeserialize: deserializer(req),
      responseSerialize: serializer(res),
      responseDeserialize: deserializer(res),
      originalName: m.name[0]!.toLowerCase() + m.name.slice(1),
    };
  }
  return def;
}

function services(ns: protobuf.NamespaceBase, out: Record<string, grpc.ServiceDefinition>): void {
  for (const o of ns.nestedArray) {
    if (o instanceof protobuf.Service) out[o.fullName.replace(/^\./, '')] = serviceDefinition(o);
    else if (o instanceof protobuf.Namespace) services(o, out);
  }
}

let root: protobuf.Root | undefined;
/** The protos' reflection tree (each type's encoder and decoder compiled on first use). */
export function nepheleRoot(): protobuf.Root {
  if (!root) {
    root = new protobuf.Root();
    root.addJSON((JSON.parse(NEPHELE_DESCRIPTOR) as protobuf.INamespace).nested!);
    // Resolves every field's proto3 features too (packed repeated scalars, optional
    // presence): without it, lazily set-up types would encode as proto2.
    root.resolveAll();
  }
  return root;
}

let cachedPkg: NepheleProto | undefined;

export function loadNephele(): { pkg: NepheleProto } {
  if (!cachedPkg) {
    const defs: Record<string, grpc.ServiceDefinition> = {};
    services(nepheleRoot(), defs);
    cachedPkg = grpc.loadPackageDefinition(defs as unknown as protoLoader.PackageDefinition) as unknown as NepheleProto;
  }
  return { pkg: cachedPkg };
}

export const v1 = () => loadNephele().pkg.nephele.v1;

/** What server reflection reads of a package definition: our files' descriptors, as proto-loader gives them. */
export function reflectionDescriptors(): protoLoader.PackageDefinition {
  return {
    'nephele.v1': {
      format: 'Protocol Buffer 3 FileDescriptorProto',
      type: {},
      fileDescriptorProtos: NEPHELE_FILE_DESCRIPTORS.map((b) => Buffer.from(b, 'base64')),
    } as never,
  };
}
