import t from 'tap';
import { InvalidArgumentError, MAX_MESSAGE_CHARS, NotFoundError, bounded } from '../../common/errors.js';
import { toStatus } from '../../common/grpc/status.js';

t.test('error messages are bounded, however much of the request they quote', async (t) => {
  const huge = 'A'.repeat(400_000);
  const e = new InvalidArgumentError('features', `"${huge}" is not a feature name`);
  t.ok(e.message.length <= MAX_MESSAGE_CHARS, `message cut to ${e.message.length} characters`);
  t.ok(e.message.startsWith('features: "AAAA'), 'still names the field first');
  t.match(e.message, /… \(\d+ more\)$/, 'says that it was cut');
  const st = toStatus(e);
  t.equal(st.details, e.message, 'the status carries the bounded message');
  t.ok(Buffer.byteLength(encodeURIComponent(st.details)) < 8 * 1024, 'its encoded trailer fits any client');

  const longField = new InvalidArgumentError(`config["${'k'.repeat(10_000)}"]`, 'bad');
  t.ok(longField.field.length <= 128, 'the field path is bounded too');
  const header = String(toStatus(longField).metadata?.get('nephele-field')[0]);
  t.ok(header.startsWith('config["kkk') && /^[\x20-\x7e]+$/.test(header), 'and goes out as an ASCII header');

  t.equal(new NotFoundError('host').message, 'host not found', 'short messages are untouched');
});

t.test('bounded() never splits a surrogate pair', async (t) => {
  for (let pad = 0; pad < 4; pad++) {
    const s = 'x'.repeat(pad) + '😀'.repeat(300);
    const out = bounded(s, 100);
    t.ok(out.length <= 100, `pad ${pad}: within the bound`);
    const cut = out.slice(0, out.indexOf('…'));
    t.equal(Buffer.from(cut, 'utf8').toString('utf8'), cut, `pad ${pad}: no lone surrogate`);
    t.notOk(/[\ud800-\udbff]$/.test(cut), `pad ${pad}: does not end on a high surrogate`);
  }
  t.equal(bounded('short', 100), 'short');
});

t.test('a field path that quotes non-ASCII still becomes a status (grpc-js refuses such metadata)', async (t) => {
  const e = new InvalidArgumentError('config["ключ\u0000"]', 'is not a known key');
  const st = toStatus(e);
  t.equal(st.details, e.message, 'the message keeps the characters (grpc-message is percent-encoded)');
  t.equal(
    st.metadata?.get('nephele-field')[0],
    'config["\\u043a\\u043b\\u044e\\u0447\\u0000"]',
    'the header escapes them',
  );
});

t.test('a status quoting a lone surrogate is well formed (grpc-js encodeURI throws on one)', (t) => {
  const e = new InvalidArgumentError('name', `"a\uD800b\uDC00c" is not valid; "\uD83D\uDE00" is`);
  const s = toStatus(e);
  t.doesNotThrow(() => encodeURI(s.details), 'grpc-js can encode it');
  t.match(s.details, 'a\uFFFDb\uFFFDc', 'lone halves become U+FFFD');
  t.match(s.details, '\uD83D\uDE00', 'a proper pair is kept');
  t.end();
});
