import { existsSync, readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../common/fs-atomic.js';
import { certFingerprint } from '../../common/tls/pki.js';
import { realClock, type Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import { EventLog } from '../events/log.js';
import { MIGRATIONS } from '../migrations.js';
import { openControllerStore, releasePidFile, StartupError } from '../storage/open.js';
import { SentinelKeeper } from '../storage/sentinel.js';
import { TokenStore } from './tokens.js';

/**
 * `nephele admin-token reset`: the way back in when no admin token works
 * (revoked, lost). Offline only: it takes the store's lock, so it refuses
 * while a controller runs, and file access to the data dir is the credential.
 * The token is written as the controller would write it (EventLog, audited),
 * the sentinel is kept current, and the secret goes to <data-dir>/admin.token.
 */
export async function resetAdminToken(
  dataDir: string,
  log: Logger,
  clock: Clock = realClock,
): Promise<{ file: string; tokenId: string }> {
  if (!existsSync(join(dataDir, 'store')))
    throw new StartupError(`no controller store in ${dataDir}: give the controller's --data-dir`, 'no-installation');
  let opened;
  try {
    opened = await openControllerStore(dataDir, {
      acceptLoss: false,
      migrations: MIGRATIONS,
      log,
      purpose: 'admin-token reset',
      now: () => clock.now(),
      existingOnly: true,
    });
  } catch (e) {
    if (e instanceof StartupError && e.reason === 'in-use') {
      throw new StartupError(
        `${e.message.replace(/ Stop that one.*$/, '')}\nadmin-token reset works only while the controller is stopped: stop it, run this again, then start it.`,
        'in-use',
      );
    }
    throw e;
  }
  const { store } = opened;
  try {
    const events = await EventLog.open(store, clock, log);
    const caFile = join(dataDir, 'ca.pem');
    const tokens = new TokenStore(
      store,
      events,
      clock,
      dataDir,
      existsSync(caFile) ? certFingerprint(readFileSync(caFile, 'utf8')) : '',
    );
    const user = userInfo().username;
    const actor = `local:${user}@${hostname()}`;
    const { token, secret } = await tokens.create(
      {
        kind: 'api',
        ttlMs: 0,
        description: 'break-glass admin (admin-token reset)',
        createdBy: actor,
        role: 'admin',
        tenant: '',
      },
      [],
      [
        {
          type: 'token.break_glass',
          severity: 'warning',
          audit: true,
          actor,
          message: 'admin API token issued offline (nephele admin-token reset)',
          attributes: { user, host: hostname() },
        },
      ],
    );
    // Durable (and in the sentinel) before the secret is handed out.
    await new SentinelKeeper(
      store,
      events,
      dataDir,
      { storeId: opened.storeId, initializedUnixMs: opened.initializedUnixMs },
      clock,
      log,
    ).flush(true);
    const file = join(dataDir, 'admin.token');
    await writeFileAtomic(file, secret + '\n', { mode: 0o600 });
    log.warn({ token_id: token.id, file }, 'break-glass admin token issued');
    return { file, tokenId: token.id };
  } finally {
    await store.close();
    await releasePidFile(dataDir);
  }
}
