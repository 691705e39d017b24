// Request validation helpers: good and bad inputs, and the field they name.
import t from 'tap';
import {
  requireString,
  optionalString,
  requireId,
  requireName,
  requestId,
  pageSize,
  requireEnum,
  parseDuration,
  MAX_STRING,
  MAX_NAME,
} from '../../common/validate.js';
import { InvalidArgumentError } from '../../common/errors.js';

/** Asserts fn throws InvalidArgumentError naming `field`; returns its message. */
function bad(t: Tap, fn: () => unknown, field: string, what: string): void {
  try {
    fn();
    t.fail(`${what}: expected InvalidArgumentError`);
  } catch (e) {
    t.type(e, InvalidArgumentError, what);
    t.equal((e as InvalidArgumentError).field, field, `${what}: names ${field}`);
    t.equal((e as InvalidArgumentError).code, 'INVALID_ARGUMENT');
    t.match(
      (e as Error).message,
      new RegExp(`^${field.replace(/[[\]. ]/g, '\\$&')}: `),
      `${what}: message starts with the field`,
    );
  }
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Tap = Record<'fail' | 'type' | 'equal' | 'match', (...a: any[]) => unknown>;

const ULID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

t.test('requireString', async (t) => {
  t.equal(requireString('f', 'hello'), 'hello');
  t.equal(requireString('f', 'x'.repeat(MAX_STRING)), 'x'.repeat(MAX_STRING), 'exactly the max');
  t.equal(requireString('f', 'abc', { max: 3 }), 'abc');
  t.equal(requireString('f', '', { min: 0 }), '', 'empty allowed with min 0');
  bad(t, () => requireString('spec.name', ''), 'spec.name', 'empty');
  bad(t, () => requireString('spec.name', undefined), 'spec.name', 'undefined');
  bad(t, () => requireString('spec.name', null), 'spec.name', 'null');
  bad(t, () => requireString('spec.name', 42), 'spec.name', 'number');
  bad(t, () => requireString('spec.name', ['a']), 'spec.name', 'array');
  bad(t, () => requireString('groups[2]', 'x'.repeat(MAX_STRING + 1)), 'groups[2]', 'too long');
  bad(t, () => requireString('f', 'abcd', { max: 3 }), 'f', 'over custom max');
});

t.test('strings with control characters are refused, naming the field', async (t) => {
  for (const [what, v] of [
    ['ESC (OSC title)', 'ok\x1b]0;pwned\x07'],
    ['NUL', 'a\0b'],
    ['newline', 'two\nlines'],
    ['tab', 'a\tb'],
    ['DEL', 'a\x7f'],
    ['C1 CSI', 'a\u009b31m'],
    ['bidi override', 'abc\u202ecba'],
    ['bidi isolate', 'a\u2066b'],
    ['line separator', 'a\u2028b'],
  ] as const) {
    bad(t, () => requireString('description', v), 'description', what);
    bad(t, () => optionalString('tenant.description', v), 'tenant.description', `${what} (optional)`);
  }
  t.equal(
    requireString('f', 'Grüße, 日本, emoji 🚀, a-b_c.d'),
    'Grüße, 日本, emoji 🚀, a-b_c.d',
    'printable Unicode is fine',
  );
  const pem = '-----BEGIN CERTIFICATE REQUEST-----\r\nMIIB\nAAAA\n-----END CERTIFICATE REQUEST-----\n';
  t.equal(requireString('csr_pem', pem, { multiline: true }), pem, 'line breaks where text is multi-line');
  bad(
    t,
    () => requireString('csr_pem', 'a\x1bb\n', { multiline: true }),
    'csr_pem',
    'other controls still refused in multi-line text',
  );
});

t.test('requireString honours min', async (t) => {
  bad(t, () => requireString('f', 'ab', { min: 5 }), 'f', 'shorter than min');
});

t.test('optionalString', async (t) => {
  t.equal(optionalString('f', undefined), '');
  t.equal(optionalString('f', null), '');
  t.equal(optionalString('f', ''), '');
  t.equal(optionalString('f', 'v'), 'v');
  bad(t, () => optionalString('f', 5), 'f', 'number');
  bad(t, () => optionalString('f', 'abc', 2), 'f', 'too long');
});

t.test('requireId', async (t) => {
  t.equal(requireId('host_id', ULID), ULID);
  bad(t, () => requireId('host_id', ''), 'host_id', 'empty');
  bad(t, () => requireId('host_id', ULID.toLowerCase()), 'host_id', 'lowercase');
  bad(t, () => requireId('host_id', ULID.slice(1)), 'host_id', '25 chars');
  bad(t, () => requireId('host_id', ULID + 'A'), 'host_id', '27 chars');
  bad(t, () => requireId('host_id', ULID.slice(0, -1) + 'U'), 'host_id', 'U is not Crockford base32');
  bad(t, () => requireId('host_id', ULID.slice(0, -1) + 'I'), 'host_id', 'I is not Crockford base32');
  bad(t, () => requireId('host_id', ` ${ULID}`), 'host_id', 'whitespace');
  bad(t, () => requireId('host_id', 7), 'host_id', 'number');
});

t.test('requireName', async (t) => {
  for (const ok of ['a', '0', 'web', 'rack-7', 'a1-b2-c3', 'x'.repeat(MAX_NAME)])
    t.equal(requireName('name', ok), ok, `accepts ${ok}`);
  for (const [v, why] of [
    ['', 'empty'],
    ['Web', 'uppercase'],
    ['-web', 'leading dash'],
    ['web-', 'trailing dash'],
    ['we b', 'space'],
    ['we_b', 'underscore'],
    ['wéb', 'non-ascii'],
    ['x'.repeat(MAX_NAME + 1), 'too long'],
    ['a.b', 'dot'],
  ] as const)
    bad(t, () => requireName('group', v), 'group', why);
  bad(t, () => requireName('group', undefined), 'group', 'undefined');
});

t.test('requestId', async (t) => {
  t.equal(requestId(undefined), '');
  t.equal(requestId(''), '');
  t.equal(requestId('abc-123_x.y:z'), 'abc-123_x.y:z');
  t.equal(requestId('x'.repeat(128)), 'x'.repeat(128));
  bad(t, () => requestId('x'.repeat(129)), 'request_id', 'too long');
  bad(t, () => requestId('a/b'), 'request_id', 'slash');
  bad(t, () => requestId('a b'), 'request_id', 'space');
  bad(t, () => requestId(5), 'request_id', 'number');
});

t.test('pageSize', async (t) => {
  t.equal(pageSize(undefined), 100, 'default');
  t.equal(pageSize(0), 100, '0 means default');
  t.equal(pageSize(null), 100);
  t.equal(pageSize(1), 1);
  t.equal(pageSize(1000), 1000, 'max allowed');
  t.equal(pageSize('25'), 25, 'numeric string');
  t.equal(pageSize(undefined, 7, 10), 7, 'custom default');
  t.equal(pageSize(10, 7, 10), 10);
  bad(t, () => pageSize(1001), 'page_size', 'over max');
  bad(t, () => pageSize(11, 7, 10), 'page_size', 'over custom max');
  bad(t, () => pageSize(-1), 'page_size', 'negative');
  bad(t, () => pageSize(1.5), 'page_size', 'fraction');
  bad(t, () => pageSize('abc'), 'page_size', 'not a number');
  bad(t, () => pageSize(NaN), 'page_size', 'NaN');
  bad(t, () => pageSize(Infinity), 'page_size', 'Infinity');
});

t.test('requireEnum', async (t) => {
  const KINDS = ['TOKEN_KIND_JOIN', 'TOKEN_KIND_API'] as const;
  t.equal(requireEnum('kind', 'TOKEN_KIND_API', KINDS), 'TOKEN_KIND_API');
  t.equal(requireEnum('kind', undefined, KINDS, { optional: true }), undefined);
  t.equal(requireEnum('kind', '', KINDS, { optional: true }), undefined);
  t.equal(
    requireEnum('kind', 'TOKEN_KIND_UNSPECIFIED', KINDS, { optional: true }),
    undefined,
    'UNSPECIFIED counts as absent when optional',
  );
  t.equal(requireEnum('kind', 'TOKEN_KIND_JOIN', KINDS, { optional: true }), 'TOKEN_KIND_JOIN');
  bad(t, () => requireEnum('kind', 'TOKEN_KIND_UNSPECIFIED', KINDS), 'kind', 'UNSPECIFIED when required');
  bad(t, () => requireEnum('kind', undefined, KINDS), 'kind', 'missing when required');
  bad(t, () => requireEnum('kind', 'token_kind_api', KINDS), 'kind', 'wrong case');
  bad(t, () => requireEnum('kind', 'NOPE', KINDS, { optional: true }), 'kind', 'unknown even when optional');
  bad(t, () => requireEnum('kind', 1, KINDS), 'kind', 'number');
  try {
    requireEnum('kind', 'NOPE', KINDS);
  } catch (e) {
    t.match((e as Error).message, /TOKEN_KIND_JOIN, TOKEN_KIND_API/, 'message lists the allowed values');
  }
});

t.test('parseDuration', async (t) => {
  t.equal(parseDuration('250ms'), 250);
  t.equal(parseDuration('90s'), 90_000);
  t.equal(parseDuration('90'), 90_000, 'plain number = seconds');
  t.equal(parseDuration('15m'), 900_000);
  t.equal(parseDuration('1h'), 3_600_000);
  t.equal(parseDuration('7d'), 604_800_000);
  t.equal(parseDuration('1.5h'), 5_400_000);
  t.equal(parseDuration('0.5s'), 500);
  t.equal(parseDuration('0'), 0);
  t.equal(parseDuration(' 2m '), 120_000, 'trims');
  for (const s of ['', 'abc', '1x', '-1s', '1 s', '1h30m', 's', '.5s', '1e3', '1S', '1.s'])
    t.throws(() => parseDuration(s), /not a duration/, `refuses ${JSON.stringify(s)}`);
});
