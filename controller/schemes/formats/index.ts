import type { DefinitionCodec, DefinitionFormatName } from '../../../common/spec/definition.js';
import { canonicalCodec } from './canonical.js';

// Every definition format's codec, by name. Each format module adds its line here.
const CODECS: Partial<Record<DefinitionFormatName, DefinitionCodec>> = {
  canonical: canonicalCodec,
};

/** The codec of `format`, undefined for a format with none (yet). */
export function codecFor(format: DefinitionFormatName): DefinitionCodec | undefined {
  return CODECS[format];
}
