import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHost } from '../../configs/host-grammar.js';
import { parseJob } from '../../configs/parse-job.js';

function why(text: string, form: 'string' | 'address' = 'string'): string | undefined {
  const parsed = parseHost(text, form);
  return parsed.ok ? undefined : parsed.why;
}

test('accepts names, IPv4, bracketed IPv6, users and ports', () => {
  assert.deepEqual(parseHost('gpu-a', 'string'), {
    ok: true,
    host: { user: undefined, address: 'gpu-a', port: undefined },
  });
  assert.deepEqual(parseHost('ml@gpu_b.lab.example.com:2222', 'string'), {
    ok: true,
    host: { user: 'ml', address: 'gpu_b.lab.example.com', port: 2222 },
  });
  assert.deepEqual(parseHost('10.0.0.12', 'string'), {
    ok: true,
    host: { user: undefined, address: '10.0.0.12', port: undefined },
  });
  assert.deepEqual(parseHost('root@[fe80::1]:22', 'string'), {
    ok: true,
    host: { user: 'root', address: 'fe80::1', port: 22 },
  });
  assert.deepEqual(parseHost('::1', 'address'), {
    ok: true,
    host: { user: undefined, address: '::1', port: undefined },
  });
});

test('refuses hostile strings with the reason', () => {
  assert.equal(why('a;rm -rf /'), 'must not contain the shell metacharacter `;`');
  assert.equal(why('-oProxyCommand=x'), 'must not start with `-` (ssh would read it as an option)');
  assert.equal(why('$(id)'), 'must not contain the shell metacharacter `$`');
  assert.equal(why('gpu a'), 'must not contain spaces');
  assert.equal(why('gpu\ta'), 'must not contain spaces');
  assert.equal(why('`id`'), 'must not contain the shell metacharacter backtick');
  assert.equal(why('host:99999'), 'port must be a whole number from 1 to 65535');
  assert.equal(why('host:0'), 'port must be a whole number from 1 to 65535');
  assert.equal(why('a|b'), 'must not contain the shell metacharacter `|`');
  assert.equal(why('a>b'), 'must not contain the shell metacharacter `>`');
  assert.equal(why("a'b"), "must not contain the shell metacharacter `'`");
  assert.equal(why('a\nb'), 'must not contain spaces');
  assert.equal(why('-l@host'), 'must not start with `-` (ssh would read it as an option)');
  assert.equal(why('x@-host'), 'label `-host` must not start with `-`');
});

test('refuses malformed addresses', () => {
  assert.equal(why(''), 'must not be empty');
  assert.equal(why('fe80::1'), 'an IPv6 address must be in brackets, e.g. `[fe80::1]`');
  assert.equal(why('[gpu-a]'), '`[...]` must hold an IPv6 address');
  assert.equal(why('999.1.1.1'), 'is not a valid IPv4 address');
  assert.equal(why('gpu..a'), 'has an empty label (`..`, or a leading or trailing `.`)');
  assert.equal(
    why('1ml@gpu-a'),
    'user `1ml` must be a user name: letters, digits, `_`, `.` or `-`, starting with a letter or `_`',
  );
  assert.equal(why('ml@gpu-a', 'address'), 'must not contain `@`: give the user as `user:`');
  assert.match(why('gpu%a') ?? '', /^must not contain `%`/);
});

test('hostile hosts in a job file are problems, not hosts', () => {
  const text =
    'framework: doctor\nhosts: ["a;rm -rf /", "-oProxyCommand=x", "$(id)", "a b", "`id`", "host:99999"]\n';
  const { spec, problems } = parseJob(text, 'job.yaml');
  assert.equal(spec, undefined);
  assert.deepEqual(
    problems.map((p) => p.path),
    ['hosts.0', 'hosts.1', 'hosts.2', 'hosts.3', 'hosts.4', 'hosts.5'],
  );
});

test('local addresses run without SSH', () => {
  const text = 'framework: doctor\nhosts: [localhost, 127.0.0.1:2222, "[::1]", gpu-a]\n';
  const { spec } = parseJob(text, 'job.yaml');
  assert.deepEqual(
    spec?.hosts.map((h) => h.local),
    [true, true, true, false],
  );
});
