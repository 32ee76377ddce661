/**
 * The namespace test bed itself, checked with OpenSSH's own client: every host answers strict,
 * key-only ssh with node ≥ 20 and its own address; plain and hashed known_hosts verify; hosts reach
 * each other; remote forwarding works; and each injected fault (cut link, stopped sshd, changed host
 * key) looks to ssh the way it would on real machines. destroy() leaves nothing behind.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { clusterSupport, needCluster } from '../helpers/cluster.js';
import { eventually } from '../helpers/processes.js';
import { ssh, sshArgv } from './ssh-client.js';
import { createTestbed, runCommand, type Testbed } from './testbed.js';
import { recordPath } from './testbed-registry.js';

/** Live processes whose command line mentions `text` (zombies have none). */
function processesMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        return readFileSync(`/proc/${n}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('namespace test bed', { timeout: 120_000 }, () => {
  let bed: Testbed;
  let bringUpMs = 0;

  before(async () => {
    if (!clusterSupport().ok) return; // each test skips (or fails in CI) through needCluster
    const started = Date.now();
    bed = await createTestbed({ hosts: 3, name: 'testbed-test' });
    bringUpMs = Date.now() - started;
  });
  after(() => bed?.destroy());

  test('strict key-only ssh runs node >= 20 on every host, each with its own address', async (t) => {
    if (!needCluster(t)) return;
    t.diagnostic(`3 hosts up in ${bringUpMs} ms on ${bed.subnet}`);
    assert.equal(bed.hosts.length, 3);
    await Promise.all(
      bed.hosts.map(async (h, i) => {
        assert.equal(h.address, bed.subnet.replace(/0\/24$/, String(10 + i)));
        assert.match(h.hostKeyFingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
        const r = await ssh(
          bed,
          i,
          'node --version && hostname && hostname -I && ip -4 -o addr show eth0 && echo $HOME',
        );
        assert.equal(r.code, 0, r.stderr);
        const [version, hostname, addresses, ipLine, home] = r.stdout.trim().split('\n');
        assert.ok(Number(/^v(\d+)\./.exec(version ?? '')?.[1]) >= 20, version);
        assert.equal(hostname, h.name);
        assert.deepEqual(addresses?.trim().split(/\s+/), [h.address]);
        assert.match(ipLine ?? '', new RegExp(`inet ${h.address.replaceAll('.', '\\.')}/24`));
        assert.equal(home, h.home);
        // sshd logged the accepted client key (LogLevel VERBOSE).
        assert.match(readFileSync(h.sshdLog, 'utf8'), /Accepted publickey for root/);
      }),
    );
  });

  test('hashed known_hosts verifies too; the ssh config aliases work', async (t) => {
    if (!needCluster(t)) return;
    assert.match(readFileSync(bed.hashedKnownHostsPath, 'utf8'), /^\|1\|/);
    assert.doesNotMatch(readFileSync(bed.hashedKnownHostsPath, 'utf8'), /10\.213\./);
    const hashed = await ssh(bed, 1, 'true', { knownHosts: bed.hashedKnownHostsPath });
    assert.equal(hashed.code, 0, hashed.stderr);
    const alias = await runCommand(
      [
        'ssh',
        '-F',
        bed.sshConfigPath,
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        'BatchMode=yes',
        'h2',
        'hostname',
      ],
      { timeoutMs: 30_000 },
    );
    assert.equal(alias.code, 0, alias.stderr);
    assert.equal(alias.stdout.trim(), 'h2');
  });

  test('a host missing from known_hosts is refused by strict checking', async (t) => {
    if (!needCluster(t)) return;
    const partial = await bed.writeKnownHosts(`${bed.dir}/known_hosts.partial`, { hosts: [1, 2] });
    const r = await ssh(bed, 0, 'true', { knownHosts: partial });
    assert.equal(r.code, 255);
    assert.match(r.stderr, /Host key verification failed/);
  });

  test('hosts reach each other: a TCP server in h1 answers a client in h0, by address and by name', async (t) => {
    if (!needCluster(t)) return;
    const h1 = bed.hosts[1]!;
    const server = bed.spawnIn(1, [
      process.execPath,
      '-e',
      `require('net').createServer((s) => s.end('hello from h1')).listen(7070, '${h1.address}', () => console.log('listening'))`,
    ]);
    try {
      await new Promise<void>((resolve, reject) => {
        server.stdout!.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
        server.once('exit', (code) => reject(new Error(`server exited ${code}`)));
      });
      for (const target of [h1.address, 'h1']) {
        const r = await bed.exec(
          0,
          [
            process.execPath,
            '-e',
            `require('net').connect(7070, '${target}', function () { this.pipe(process.stdout) })`,
          ],
          { timeoutMs: 10_000 },
        );
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, 'hello from h1');
      }
    } finally {
      server.kill('SIGKILL');
    }
  });

  test('remote port forwarding (ssh -R) reaches a server in the root namespace', async (t) => {
    if (!needCluster(t)) return;
    const { createServer } = await import('node:net');
    const server = createServer((s) => s.end('hello from the laptop'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const r = await ssh(
        bed,
        2,
        `node -e "require('net').connect(41000, '127.0.0.1', function () { this.pipe(process.stdout) })"`,
        { extra: ['-o', 'ExitOnForwardFailure=yes', '-R', `127.0.0.1:41000:127.0.0.1:${port}`] },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'hello from the laptop');
    } finally {
      server.close();
    }
  });

  test('processesInHost finds a process by environment marker only in its own namespace', async (t) => {
    if (!needCluster(t)) return;
    const marker = `DTRAIN_JOB=testbed-${bed.id}`;
    const sleeper = bed.spawnIn(2, ['/usr/bin/env', marker, '/bin/sleep', '60']);
    try {
      assert.ok(await eventually(() => bed.processesInHost(2, marker).length === 1, 5000));
      assert.deepEqual(bed.processesInHost(2, marker), [sleeper.pid]);
      assert.deepEqual(bed.processesInHost(0, marker), []);
      assert.deepEqual(bed.processesInHost(2, `${marker}x`), []);
    } finally {
      sleeper.kill('SIGKILL');
    }
    assert.ok(await eventually(() => bed.processesInHost(2, marker).length === 0, 5000));
  });

  test('a fake node in binDir shadows the real one in later ssh sessions', async (t) => {
    if (!needCluster(t)) return;
    const fake = `${bed.hosts[1]!.binDir}/node`;
    writeFileSync(fake, '#!/bin/sh\necho v18.19.0\n', { mode: 0o755 });
    try {
      assert.equal((await ssh(bed, 1, 'node --version')).stdout.trim(), 'v18.19.0');
      assert.equal((await ssh(bed, 0, 'node --version')).stdout.trim(), process.version);
    } finally {
      rmSync(fake);
    }
    assert.equal((await ssh(bed, 1, 'node --version')).stdout.trim(), process.version);
  });

  test('cutLink makes ssh time out within ConnectTimeout; restoreLink brings the host back', async (t) => {
    if (!needCluster(t)) return;
    await bed.cutLink(1);
    const started = Date.now();
    const cut = await ssh(bed, 1, 'true', { connectTimeout: 2 });
    const took = Date.now() - started;
    assert.equal(cut.code, 255);
    assert.match(cut.stderr, /timed out|No route to host/);
    assert.ok(took < 4500, `took ${took} ms`);
    // The other hosts are unaffected.
    assert.equal((await ssh(bed, 0, 'true', { connectTimeout: 2 })).code, 0);
    await bed.restoreLink(1);
    const back = await ssh(bed, 1, 'hostname', { connectTimeout: 2 });
    assert.equal(back.code, 0, back.stderr);
    assert.equal(back.stdout.trim(), 'h1');
  });

  test('stopSshd refuses connections; startSshd serves again', async (t) => {
    if (!needCluster(t)) return;
    await bed.stopSshd(0);
    const stopped = await ssh(bed, 0, 'true', { connectTimeout: 2 });
    assert.equal(stopped.code, 255);
    assert.match(stopped.stderr, /Connection refused/);
    await bed.startSshd(0);
    assert.equal((await ssh(bed, 0, 'true')).code, 0);
  });

  test('changeHostKey makes strict ssh fail with REMOTE HOST IDENTIFICATION HAS CHANGED', async (t) => {
    if (!needCluster(t)) return;
    const before = bed.hosts[2]!.hostKeyFingerprint;
    await bed.changeHostKey(2);
    const after = bed.hosts[2]!.hostKeyFingerprint;
    assert.notEqual(after, before);
    for (const knownHosts of [bed.knownHostsPath, bed.hashedKnownHostsPath]) {
      for (const strict of ['yes', 'accept-new'] as const) {
        const r = await ssh(bed, 2, 'true', { knownHosts, strict });
        assert.equal(r.code, 255, `${knownHosts} ${strict}`);
        assert.match(r.stderr, /REMOTE HOST IDENTIFICATION HAS CHANGED/);
        assert.ok(r.stderr.includes(after), r.stderr); // ssh prints the new key's fingerprint
      }
    }
    const fresh = await bed.writeKnownHosts(`${bed.dir}/known_hosts.fresh`);
    assert.equal((await ssh(bed, 2, 'true', { knownHosts: fresh })).code, 0);
  });

  test('destroy leaves no namespace, link, sshd, record or file behind, and may be repeated', async (t) => {
    if (!needCluster(t)) return;
    // A session left open, as a crashed test would leave it.
    const open = runCommand([...sshArgv(bed, 0), 'sleep 600'], { timeoutMs: 60_000 });
    assert.ok(await eventually(() => bed.processesInHost(0).length > 1, 5000));
    const { id, dir, hosts, subnet } = bed;
    await bed.destroy();
    await bed.destroy();
    await open;
    const netns = (await runCommand(['ip', 'netns', 'list'])).stdout;
    for (const h of hosts) {
      assert.ok(!netns.includes(h.ns), netns);
      assert.ok(!existsSync(`/etc/netns/${h.ns}`));
    }
    const links = (await runCommand(['ip', '-o', 'link'])).stdout;
    assert.ok(!links.includes(`dtb${id}`), links);
    const routes = (await runCommand(['ip', '-4', 'route'])).stdout;
    assert.ok(!routes.includes(subnet.replace('.0/24', '.')), routes);
    assert.ok(
      await eventually(() => processesMentioning(dir).length === 0, 2000),
      String(processesMentioning(dir)),
    );
    assert.ok(!existsSync(dir));
    assert.ok(!existsSync(recordPath(Number(subnet.split('.')[2]))));
  });
});
