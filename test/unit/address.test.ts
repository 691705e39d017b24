import t from 'tap';
import { withDefaultPort } from '../../common/address.js';

t.test('a controller address without a port gets the controller port, not 443', async (t) => {
  t.equal(withDefaultPort('127.0.0.1'), '127.0.0.1:7443');
  t.equal(withDefaultPort('ctl.example.org'), 'ctl.example.org:7443');
  t.equal(withDefaultPort(' ctl.example.org:9000 '), 'ctl.example.org:9000');
  t.equal(withDefaultPort('[::1]'), '[::1]:7443');
  t.equal(withDefaultPort('[::1]:9000'), '[::1]:9000');
  t.equal(withDefaultPort('127.0.0.1:0'), '127.0.0.1:0');
});
