// The agent's console server: a tail (no follow) is what the console held when
// it was asked for, even while the VM keeps writing (CI once saw 16 bytes for --tail 8).
import { EventEmitter } from 'node:events';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { silentLogger } from '../../common/logger.js';
import { ConsoleServer, type ConsoleCall } from '../../agent/console.js';
import { tmpDir } from '../helpers/tmp.js';

const VM = '01J00000000000000000000000';

t.test('a tail without follow stops at the size the console had when asked', async (t) => {
  const file = join(tmpDir(), 'console.log');
  writeFileSync(file, 'boot line one\nboot line two\n');
  const got: Buffer[] = [];
  const srv = new ConsoleServer({
    open: (): ConsoleCall => {
      let ended!: () => void;
      const done = new Promise<void>((r) => (ended = r));
      const call = Object.assign(new EventEmitter(), {
        write: (c: { data?: Buffer }) => {
          if (c.data?.length) {
            got.push(c.data);
            appendFileSync(file, 'written while the tail was sent\n'); // the VM goes on writing
          }
          return true;
        },
        end: () => ended(), // the controller ends the call when the stream ends
      });
      return { call: call as never, done };
    },
    pathOf: () => file,
    log: silentLogger,
  });
  await srv.serve({ streamId: 's', vmId: VM, tailBytes: 8, follow: false });
  t.equal(Buffer.concat(got).toString(), 'ine two\n', 'the last 8 bytes as they were, nothing written after');
});
