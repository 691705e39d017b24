// Grants beside a role (only vms.task for now) and the task permission, in the
// one authorization module.
import t from 'tap';
import {
  authorizeTask,
  can,
  GRANTABLE,
  requireGrants,
  ROLE_PERMISSIONS,
  tokenPrincipal,
  type Principal,
} from '../../controller/auth/authz.js';

const p = (role: Principal['role'], grants?: string[]): Principal =>
  tokenPrincipal({ id: 'T', role, tenant: role === 'admin' || role === 'operator' ? '' : 'acme', grants });
const code = (fn: () => unknown) => {
  try {
    fn();
    return 'OK';
  } catch (e) {
    return (e as { code: string }).code;
  }
};

t.test('vms.task: admins and operators hold it; tenants only by grant', async (t) => {
  t.same(GRANTABLE, ['vms.task']);
  t.ok(can(p('admin'), 'vms.task') && can(p('operator'), 'vms.task'), 'system roles hold it');
  t.notOk(can(p('tenant-admin'), 'vms.task'), 'a tenant-admin does not');
  t.ok(can(p('tenant-admin', ['vms.task']), 'vms.task'), 'unless granted');
  t.notOk(ROLE_PERMISSIONS['tenant-admin'].includes('vms.task'));
  t.notOk(can(p('viewer', ['vms.task']), 'vms.write'), 'a grant adds only itself');
  t.same(
    p('tenant-admin', ['vms.task', 'fleet.write', 'bogus']).grants,
    ['vms.task'],
    'stored grants that are not grantable count for nothing',
  );
  t.notOk(can(p('tenant-admin', ['fleet.write']), 'fleet.write'));
});

t.test('requireGrants: grantable, held by the caller, deduplicated', async (t) => {
  t.same(requireGrants(p('admin'), ['vms.task', 'vms.task']), ['vms.task']);
  t.same(requireGrants(p('tenant-admin'), undefined), []);
  t.equal(
    code(() => requireGrants(p('tenant-admin'), ['vms.task'])),
    'PERMISSION_DENIED',
    'you may not grant what you do not hold',
  );
  t.same(requireGrants(p('tenant-admin', ['vms.task']), ['vms.task']), ['vms.task'], 'a holder may pass it on');
  t.throws(() => requireGrants(p('admin'), ['vms.write']), {
    code: 'INVALID_ARGUMENT',
    message: /^grants\[0\]: must be one of vms\.task/,
  });
  t.throws(() => requireGrants(p('admin'), Array(17).fill('vms.task')), {
    code: 'INVALID_ARGUMENT',
    message: /^grants: at most 16/,
  });
});

t.test('authorizeTask: a config with a task needs vms.task', async (t) => {
  t.equal(
    code(() => authorizeTask(p('tenant-admin'), { title: 'web' }, 'spec.config')),
    'OK',
    'no task: nothing more needed',
  );
  t.equal(
    code(() => authorizeTask(p('tenant-admin'), undefined, 'spec.config')),
    'OK',
  );
  t.throws(() => authorizeTask(p('tenant-admin'), { task: 'id' }, 'set.spec.config'), {
    code: 'PERMISSION_DENIED',
    message: /^set\.spec\.config\.task: running a task needs the vms\.task permission/,
  });
  t.equal(
    code(() => authorizeTask(p('tenant-admin', ['vms.task']), { task: 'id' }, 'spec.config')),
    'OK',
    'granted',
  );
  t.equal(
    code(() => authorizeTask(p('operator'), { task: 'id' }, 'spec.config')),
    'OK',
    'operator',
  );
});
