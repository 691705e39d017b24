import t from 'tap';
import type * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs/light.js';
import { loadNephele, nepheleRoot } from '../../common/grpc/load.js';
import { protoLoaderDefinition } from '../helpers/proto-def.js';

// Services are built from the generated reflection JSON (common/gen/descriptor.ts)
// instead of proto-loader's loadSync: same methods, same bytes on the wire, same
// objects out, for every request and response type of every method.

const reference = protoLoaderDefinition();
const v1 = loadNephele().pkg.nephele.v1 as unknown as Record<string, { service: grpc.ServiceDefinition }>;
const services = Object.entries(reference).filter(([, d]) => !('format' in d)) as [string, grpc.ServiceDefinition][];

t.test('the same services and methods: paths, streaming, names', async (t) => {
  t.ok(services.length >= 9, 'every service');
  let methods = 0;
  for (const [name, ref] of services) {
    const ours = v1[name.split('.').pop()!]?.service;
    t.ok(ours, name);
    if (!ours) continue;
    t.same(Object.keys(ours).sort(), Object.keys(ref).sort(), `${name}: the same methods`);
    for (const [m, d] of Object.entries(ref)) {
      methods++;
      const o = ours[m]!;
      t.same(
        [o.path, o.requestStream, o.responseStream, o.originalName],
        [d.path, d.requestStream, d.responseStream, d.originalName],
        `${name}.${m}`,
      );
    }
  }
  t.ok(methods > 100, `${methods} methods compared`);
});

/** A message with every field set (nested messages to `depth`), one member of each oneof. */
function filled(type: protobuf.Type, depth = 3): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const skip = new Set<string>();
  for (const o of type.oneofsArray) for (const f of o.fieldsArray.slice(1)) skip.add(f.name);
  for (const f of type.fieldsArray) {
    if (skip.has(f.name)) continue;
    f.resolve();
    const one = (): unknown => {
      if (f.resolvedType instanceof protobuf.Enum) return Object.keys(f.resolvedType.values).at(-1);
      if (f.resolvedType instanceof protobuf.Type) return depth > 0 ? filled(f.resolvedType, depth - 1) : {};
      switch (f.type) {
        case 'string':
          return `v-${f.name}`;
        case 'bool':
          return true;
        case 'bytes':
          return Buffer.from([1, 2, 3]);
        case 'double':
        case 'float':
          return 1.5;
        default:
          return f.type.includes('64') ? 2 ** 40 + 7 : 7;
      }
    };
    if (f.map) out[f.name] = { k1: one(), k2: one() };
    else if (f.repeated) out[f.name] = [one(), one()];
    else out[f.name] = one();
  }
  return out;
}

t.test('every request and response type: the same bytes and the same objects both ways', async (t) => {
  const root = nepheleRoot();
  let checked = 0;
  for (const [name, ref] of services) {
    const ours = v1[name.split('.').pop()!]!.service;
    for (const [m, d] of Object.entries(ref)) {
      const o = ours[m]!;
      for (const side of ['request', 'response'] as const) {
        const typeName = (root.lookupService(name).methods[m] as protobuf.Method)[`${side}Type`];
        const type = root.lookupService(name).lookupType(typeName);
        const sample = filled(type);
        const [refSer, refDe] =
          side === 'request'
            ? [d.requestSerialize, d.requestDeserialize]
            : [d.responseSerialize, d.responseDeserialize];
        const [ourSer, ourDe] =
          side === 'request'
            ? [o.requestSerialize, o.requestDeserialize]
            : [o.responseSerialize, o.responseDeserialize];
        const bytes = refSer(sample);
        t.ok(Buffer.from(ourSer(sample)).equals(Buffer.from(bytes)), `${name}.${m} ${side}: the same bytes`);
        t.same(ourDe(bytes), refDe(bytes), `${name}.${m} ${side}: the same object`);
        t.same(ourDe(Buffer.alloc(0)), refDe(Buffer.alloc(0)), `${name}.${m} ${side}: defaults alike`);
        checked++;
      }
    }
  }
  t.ok(checked > 200, `${checked} types compared`);
});

t.test('bad input is refused as proto-loader refuses it', async (t) => {
  const create = v1.VmService!.service.CreateVm!;
  t.throws(() => create.requestSerialize([] as never), /expected object/);
  t.throws(() => create.requestDeserialize(Buffer.from([0xff, 0xff, 0xff])));
});
