import t from 'tap';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { LOADER_OPTIONS, reflectionDescriptors } from '../../common/grpc/load.js';
import { protoLoaderDefinition } from '../helpers/proto-def.js';
import { reflectionRoot } from '../../common/grpc/reflection.js';

// Reflection built from the de-duplicated root of the generated descriptors (what
// the controller serves) must answer exactly as from proto-loader's whole definitions.
interface Impl {
  files: Record<string, unknown>;
  services: Record<string, unknown>;
  symbols: Record<string, { name?: string }>;
}
const inner = (r: ReflectionService) => (r as unknown as { v1: Impl }).v1;

t.test('reflection over the de-duplicated root sees every file, service and symbol', (t) => {
  const def = protoLoaderDefinition();
  const health = protoLoader.loadSync(healthProtoPath, LOADER_OPTIONS);
  const root = reflectionRoot(reflectionDescriptors(), health);
  t.ok(Object.keys(root).length < 10, `a handful of entries (${Object.keys(root).length}), not one per type`);
  t.ok(Object.keys(def).length > 300, 'the whole definition has hundreds of types');
  const full = inner(new ReflectionService({ ...def, ...health }));
  const lean = inner(new ReflectionService(root));
  t.same(Object.keys(lean.files).sort(), Object.keys(full.files).sort(), 'the same files');
  t.same(Object.keys(lean.services).sort(), Object.keys(full.services).sort(), 'the same services');
  t.ok(Object.keys(lean.services).includes('grpc.health.v1.Health'), 'health is described');
  t.ok(Object.keys(lean.services).includes('nephele.v1.SchemeService'), 'our services are described');
  t.same(
    Object.fromEntries(Object.entries(lean.symbols).map(([k, f]) => [k, f.name])),
    Object.fromEntries(Object.entries(full.symbols).map(([k, f]) => [k, f.name])),
    'every symbol resolves to the same file',
  );
  const enc = (r: Impl) => (r as unknown as { fileEncodings: Map<{ name: string }, Uint8Array> }).fileEncodings;
  const bytes = (r: Impl) =>
    Object.fromEntries([...enc(r)].map(([f, b]) => [f.name, Buffer.from(b).toString('base64')]));
  t.same(bytes(lean), bytes(full), "every file's descriptor is the same bytes");
  t.end();
});

t.test('a definition without descriptors adds nothing; two loads are kept apart', (t) => {
  const files = [Buffer.from('x')];
  const other = [Buffer.from('y')];
  const root = reflectionRoot(
    { 'a.A': { fileDescriptorProtos: files } as never, 'a.B': { fileDescriptorProtos: files } as never },
    { 'b.S': { M: {} } as never, 'b.C': { fileDescriptorProtos: other } as never },
  );
  t.same(Object.keys(root), ['a.A', 'b.C']);
  t.end();
});
