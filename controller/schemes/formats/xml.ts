import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { bad, checkSize, type LossyList } from './common.js';

// XML definitions (libvirt, OVF) read with fast-xml-parser into a small tree
// whose nodes remember what the codec consumed: whatever it did not is listed
// as lossy by path afterwards, so nothing of the source is dropped silently.
// Hostile input is refused before parsing: no DOCTYPE (so no entity bombs),
// bounded size, element count, depth and value lengths.

export const MAX_ELEMENTS = 20_000;
export const MAX_VALUE_CHARS = 8192;
const MAX_DEPTH = 32;
const MAX_ATTRIBUTES = 64;

export interface XNode {
  /** Qualified name as written (rasd:ResourceType). */
  tag: string;
  attrs: Record<string, string>;
  kids: XNode[];
  text: string;
  path: string;
  used: boolean;
  textUsed: boolean;
  usedAttrs: Set<string>;
}

/** The local part of a qualified name (namespaces are matched by local name: prefixes vary between writers). */
export const local = (name: string) => name.slice(name.indexOf(':') + 1);

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false, // values keep their blanks; blank-only text between elements is dropped below
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
  maxNestedTags: MAX_DEPTH,
  processEntities: true,
  htmlEntities: false,
} as ConstructorParameters<typeof XMLParser>[0]);

const lineOf = (text: string, i: number) => text.slice(0, i).split('\n').length;

type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> };

/**
 * Counts tags and each tag's attributes before any parser sees the text, so a
 * flood of either is refused in one cheap pass (a guard, not a parser: the
 * parser reads the document afterwards).
 */
function precount(text: string): void {
  let tags = 0;
  for (let i = text.indexOf('<'); i >= 0; i = text.indexOf('<', i + 1)) {
    if (++tags > MAX_ELEMENTS * 2) throw bad(`line ${lineOf(text, i)}`, `more than ${MAX_ELEMENTS} elements`);
    if (text.startsWith('<!--', i) || text.startsWith('<![CDATA[', i)) continue; // no attributes in there
    let attrs = 0;
    let quote = '';
    let j = i + 1;
    for (; j < text.length; j++) {
      const c = text[j];
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '=' && ++attrs > MAX_ATTRIBUTES)
        throw bad(`line ${lineOf(text, i)}`, `more than ${MAX_ATTRIBUTES} attributes in one element`);
      else if (c === '>' || c === '<') break;
    }
    i = j - 1;
  }
}

export function parseXml(text: string): XNode {
  checkSize(text);
  const doctype = text.search(/<!(DOCTYPE|ENTITY)/i);
  if (doctype >= 0) throw bad(`line ${lineOf(text, doctype)}`, 'DOCTYPE and entity declarations are refused');
  precount(text);
  const v = XMLValidator.validate(text);
  if (v !== true) throw bad(`line ${v.err.line}`, `malformed XML: ${v.err.msg.slice(0, 200)}`);
  let ordered: Ordered[];
  try {
    ordered = parser.parse(text) as Ordered[];
  } catch (e) {
    throw bad('/', `refused: ${(e as Error).message.slice(0, 200)}`);
  }
  const roots = ordered.filter((o) => !('#text' in o));
  if (roots.length !== 1) throw bad('/', 'must have exactly one root element');
  let elements = 0;
  const build = (o: Ordered, parent: string, index: number, depth: number): XNode => {
    if (++elements > MAX_ELEMENTS) throw bad(parent, `more than ${MAX_ELEMENTS} elements`);
    if (depth > MAX_DEPTH) throw bad(parent, `nested deeper than ${MAX_DEPTH}`);
    const tag = Object.keys(o).find((k) => k !== ':@')!;
    const path = `${parent}/${tag}${index ? `[${index}]` : ''}`;
    const attrs: Record<string, string> = {};
    const given = Object.entries(o[':@'] ?? {});
    if (given.length > MAX_ATTRIBUTES) throw bad(path, `more than ${MAX_ATTRIBUTES} attributes`);
    for (const [k, val] of given) {
      const s = String(val);
      if (s.length > MAX_VALUE_CHARS) throw bad(`${path}/@${k}`, `longer than ${MAX_VALUE_CHARS} characters`);
      attrs[k] = s;
    }
    const node: XNode = { tag, attrs, kids: [], text: '', path, used: false, textUsed: false, usedAttrs: new Set() };
    const seen = new Map<string, number>();
    for (const c of (o[tag] as Ordered[]) ?? []) {
      if ('#text' in c) {
        const piece = String(c['#text']);
        if (piece.trim()) node.text += piece; // indentation between elements is not content
        if (node.text.length > MAX_VALUE_CHARS) throw bad(path, `text longer than ${MAX_VALUE_CHARS} characters`);
        continue;
      }
      const ct = Object.keys(c).find((k) => k !== ':@')!;
      const n = seen.get(ct) ?? 0;
      seen.set(ct, n + 1);
      node.kids.push(build(c, path, n, depth + 1));
    }
    return node;
  };
  return build(roots[0]!, '', 0, 1);
}

/** Children with local name `name`, marked used. */
export function kids(n: XNode | undefined, name: string): XNode[] {
  if (!n) return [];
  const out = n.kids.filter((k) => local(k.tag) === name);
  for (const k of out) k.used = true;
  return out;
}
export const kid = (n: XNode | undefined, name: string): XNode | undefined => kids(n, name)[0];

/** An attribute by local name, marked used. */
export function attr(n: XNode | undefined, name: string): string | undefined {
  if (!n) return undefined;
  const k = Object.keys(n.attrs).find((a) => local(a) === name);
  if (k === undefined) return undefined;
  n.usedAttrs.add(k);
  return n.attrs[k];
}

/** The text of child `name` (marked used), undefined when absent. */
export function textOf(n: XNode | undefined, name: string): string | undefined {
  const k = kid(n, name);
  if (k) k.textUsed = true;
  return k?.text;
}

/** Marks a node and its whole subtree used (a part the codec read entirely). */
export function useAll(n: XNode): void {
  n.used = true;
  n.textUsed = true;
  for (const a of Object.keys(n.attrs)) n.usedAttrs.add(a);
  n.kids.forEach(useAll);
}

/** Lists what the codec did not consume: unused elements whole, unused attributes of used ones. */
export function leftovers(n: XNode, l: LossyList): void {
  if (!n.used) {
    l.add(n.path, serialize(n).slice(0, 256), 'no canonical field');
    return;
  }
  for (const a of Object.keys(n.attrs))
    if (!n.usedAttrs.has(a) && !a.startsWith('xmlns')) l.add(`${n.path}/@${a}`, n.attrs[a], 'no canonical field');
  if (n.text && !n.textUsed) l.add(`${n.path}/text()`, n.text, 'no canonical field');
  for (const k of n.kids) leftovers(k, l);
}

// --- writing

export interface El {
  tag: string;
  attrs?: Record<string, string | number | undefined>;
  kids?: (El | undefined | false)[];
  text?: string | number;
}

const esc = (s: string) =>
  !/[&<>"']/.test(s)
    ? s
    : s
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&apos;');

export function el(tag: string, attrs?: El['attrs'], kidsOrText?: (El | undefined | false)[] | string | number): El {
  return Array.isArray(kidsOrText) ? { tag, attrs, kids: kidsOrText } : { tag, attrs, text: kidsOrText };
}

export function write(e: El, indent = ''): string {
  const a = Object.entries(e.attrs ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${esc(String(v))}"`)
    .join('');
  const kids = (e.kids ?? []).filter((k): k is El => !!k);
  if (kids.length) {
    const inner = kids.map((k) => write(k, indent + '  ')).join('');
    return `${indent}<${e.tag}${a}>\n${inner}${indent}</${e.tag}>\n`;
  }
  if (e.text !== undefined && e.text !== '') return `${indent}<${e.tag}${a}>${esc(String(e.text))}</${e.tag}>\n`;
  return `${indent}<${e.tag}${a}/>\n`;
}

/** A compact rendering of a source node (for a lossy entry's value). */
export function serialize(n: XNode): string {
  const a = Object.entries(n.attrs)
    .map(([k, v]) => ` ${k}="${esc(v)}"`)
    .join('');
  const inner = n.kids.map(serialize).join('') + esc(n.text);
  return inner ? `<${n.tag}${a}>${inner}</${n.tag}>` : `<${n.tag}${a}/>`;
}
