import type { CanonicalDefinition, DefinitionFormatName, Lossy } from '../../../common/spec/definition.js';
import { InvalidArgumentError } from '../../../common/errors.js';
import { codecFor } from '../formats/index.js';
import { MAX_TEXT } from '../formats/common.js';

/** Any format to any other through the canonical spec: what the source held that no field takes, then what the target cannot say. */
export function convertDefinition(
  from: DefinitionFormatName,
  to: DefinitionFormatName,
  text: string,
): { text: string; lossy: Lossy[]; def: CanonicalDefinition } {
  const src = codecFor(from);
  const dst = codecFor(to);
  if (!src) throw new InvalidArgumentError('from', `no codec for ${from}`);
  if (!dst) throw new InvalidArgumentError('to', `no codec for ${to}`);
  if (Buffer.byteLength(text) > MAX_TEXT) throw new InvalidArgumentError('text', `larger than ${MAX_TEXT} bytes`);
  const parsed = src.parse(text);
  const rendered = dst.render(parsed.def);
  return { text: rendered.text, lossy: [...parsed.lossy, ...rendered.lossy], def: parsed.def };
}
