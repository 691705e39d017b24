import type { PackageDefinition } from '@grpc/proto-loader';

/**
 * The part of package definitions that gRPC server reflection needs: one entry
 * per distinct set of file descriptors. proto-loader gives every message and
 * enum of a load the same array of all its files, and @grpc/reflection decodes
 * that array once per entry before de-duplicating by file name: over our ~360
 * types that was a third of the controller's start-up CPU. Reflection built
 * from this answers exactly as from the whole definitions (test/unit/reflection).
 */
export function reflectionRoot(...defs: PackageDefinition[]): PackageDefinition {
  const out: PackageDefinition = {};
  const seen = new Set<unknown>();
  for (const def of defs) {
    for (const [name, entry] of Object.entries(def)) {
      const files = (entry as { fileDescriptorProtos?: unknown }).fileDescriptorProtos;
      if (!Array.isArray(files) || seen.has(files)) continue;
      seen.add(files);
      out[name] = entry;
    }
  }
  return out;
}
