// Flag > environment > context > defaults, as one pure function (controller/cli/config.ts).
import t from 'tap';
import { withContext, type Connection, type Context } from '../../controller/cli/config.js';

const defaults: Connection = { controller: '127.0.0.1:7443', insecure: false, dataDir: '.nephele' };
const ctx: Context = { controller: 'prod:7443', caFile: '/c/ca.pem', tokenFile: '/c/t', insecure: true };
const chosen = { name: 'prod', ctx };
const sources =
  (m: Record<string, string>) =>
  (k: string): string | undefined =>
    m[k] ?? (k in defaults ? 'default' : undefined);

t.test('the context fills what was left at its default', async (t) => {
  const o = withContext(defaults, sources({}), chosen);
  t.match(o, { controller: 'prod:7443', caFile: '/c/ca.pem', tokenFile: '/c/t', insecure: true });
  t.equal(o.tokenFileFrom, 'token-file of context prod');
});

t.test('flags and variables win over the context', async (t) => {
  const o = withContext(
    { ...defaults, controller: 'flag:1', caFile: '/env/ca.pem' },
    sources({ controller: 'cli', caFile: 'env' }),
    chosen,
  );
  t.equal(o.controller, 'flag:1');
  t.equal(o.caFile, '/env/ca.pem');
  t.equal(o.tokenFile, '/c/t', 'the rest still from the context');
});

t.test('an explicit data dir brings its own CA and token', async (t) => {
  const o = withContext({ ...defaults, dataDir: '/d' }, sources({ dataDir: 'cli' }), chosen);
  t.equal(o.caFile, undefined);
  t.equal(o.tokenFile, undefined);
  t.equal(o.controller, 'prod:7443', 'the address still from the context');
});

t.test('no context: as given', async (t) => {
  const o = withContext({ ...defaults, tokenFile: '/x' }, sources({ tokenFile: 'env' }), undefined);
  t.match(o, { ...defaults, tokenFile: '/x', tokenFileFrom: 'NEPHELE_TOKEN_FILE' });
});
