import { strict as assert } from 'node:assert';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { RUN, requireSandbox, sandboxFixture, type SandboxFixture } from './helpers';

describe('sandbox/isolation: home, siblings, the rest of the disk, network, mounts', function () {
  let f: SandboxFixture;
  let fakeHome: string;
  const saved = { HOME: process.env.HOME, PATH: process.env.PATH };
  before(async function () {
    await requireSandbox(this);
    f = await sandboxFixture({ '.gitignore': 'node_modules/\n', 'index.js': 'console.log(require("dep").hello);\n' });
    // A user's home with a secret and a toolchain on PATH (as a version manager installs Node).
    fakeHome = path.join(f.dir, 'home');
    mkdirSync(path.join(fakeHome, '.tool', 'bin'), { recursive: true });
    mkdirSync(path.join(fakeHome, '.tool', 'lib'), { recursive: true });
    writeFileSync(path.join(fakeHome, 'secret.txt'), 'home secret\n');
    writeFileSync(path.join(fakeHome, '.tool', 'lib', 'message'), 'toolchain works\n');
    writeFileSync(path.join(fakeHome, '.tool', 'bin', 'mytool'), `#!/bin/sh\ncat "$(dirname "$0")/../lib/message"\n`);
    chmodSync(path.join(fakeHome, '.tool', 'bin', 'mytool'), 0o755);
    process.env.HOME = fakeHome;
    process.env.PATH = `${path.join(fakeHome, '.tool', 'bin')}:${saved.PATH}`;
    // Dependencies outside git, in the real workspace.
    mkdirSync(path.join(f.t.dir, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(path.join(f.t.dir, 'node_modules', 'dep', 'index.js'), 'exports.hello = "dep loaded";\n');
  });
  after(async () => {
    process.env.HOME = saved.HOME;
    process.env.PATH = saved.PATH;
    await f?.cleanup();
  });

  it('does not show the user home or the folders next to the repository; PATH toolchains under home still work', async () => {
    const v = await f.view();
    const r = await v.run(
      `cat ${fakeHome}/secret.txt; cat ${f.sibling}/secret.txt; echo "[$(ls ${f.dir} | tr '\\n' ' ')]"; echo "HOME=$HOME"; ls -A "$HOME"; mytool; echo private > "$HOME/x" && cat "$HOME/x"`,
      RUN,
    );
    assert.doesNotMatch(r.output, /home secret/);
    assert.doesNotMatch(r.output, /sibling secret/);
    assert.match(r.output, /^\[home repo \]$/m, 'next to the repository: only the repository (and the home, as a mount point)');
    assert.match(r.output, /No such file or directory/);
    assert.match(r.output, new RegExp(`HOME=${fakeHome}\n`));
    assert.match(r.output, /toolchain works/);
    assert.match(r.output, /private/);
    assert.equal(existsSync(path.join(fakeHome, 'x')), false, 'the private HOME is not the real one');
  });

  it('keeps the rest of the file system read-only, also through a symbolic link out of the view', async () => {
    const v = await f.view();
    const outside = path.join(f.sibling, 'secret.txt');
    const r = await v.run(
      `echo bad > /etc/pa-sandbox-test; echo bad > /usr/pa-sandbox-test; echo bad > ${f.dir}/x; ln -s ${f.dir} out && echo bad > out/written; ln -s /etc/hostname h && echo bad >> h; echo ok`,
      RUN,
    );
    assert.match(r.output, /ok\n$/);
    assert.match(r.output, /Read-only file system/);
    assert.equal(existsSync('/etc/pa-sandbox-test'), false);
    assert.equal(existsSync(path.join(f.dir, 'x')), false);
    assert.equal(existsSync(path.join(f.dir, 'written')), false);
    assert.equal(readFileSync(outside, 'utf8'), 'sibling secret\n');
    assert.doesNotMatch(readFileSync('/etc/hostname', 'utf8'), /bad/);
    assert.deepEqual(
      r.changes.map((c) => c.path),
      ['h', 'out'],
    );
  });

  it('has no network but its own loopback unless network is allowed', async () => {
    const server = http.createServer((_, res) => res.end('host server'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const fetch = `node -e 'require("http").get("http://127.0.0.1:${port}/", r => r.on("data", d => console.log(String(d)))).on("error", e => console.log("ERR " + e.code))'`;
      const v = await f.view();
      const off = await v.run(`${fetch}; ip -o link 2>/dev/null | grep -c ': ' || ls /sys/class/net`, RUN);
      assert.match(off.output, /ERR ECONNREFUSED/);
      assert.doesNotMatch(off.output, /host server/);
      const on = await v.run(fetch, { ...RUN, network: true });
      assert.match(on.output, /host server/);
    } finally {
      server.close();
    }
  });

  it('gives each view its own loopback: two servers on one port, each reaches its own', async () => {
    const [a, b] = [await f.view(), await f.view()];
    const cmd = (name: string) =>
      `node -e 'const h=require("http");const s=h.createServer((q,r)=>r.end("${name}")).listen(4567,"127.0.0.1",()=>h.get("http://127.0.0.1:4567/",r=>r.on("data",d=>{console.log("got "+d);s.close()})))'`;
    const [ra, rb] = await Promise.all([a.run(cmd('A'), RUN), b.run(cmd('B'), RUN)]);
    assert.equal(ra.exitCode, 0, ra.output);
    assert.equal(rb.exitCode, 0, rb.output);
    assert.match(ra.output, /got A/);
    assert.match(rb.output, /got B/);
  });

  it('mounts node_modules from the workspace, usable and read-only, never in the changes', async () => {
    const v = await f.view({ mounts: ['node_modules'] });
    const r = await v.run('node index.js; touch node_modules/dep/x; rm node_modules/dep/index.js; ls node_modules/dep', RUN);
    assert.match(r.output, /dep loaded/);
    assert.match(r.output, /Read-only file system/);
    assert.match(r.output, /index\.js/);
    assert.deepEqual(r.changes, []);
    assert.equal(existsSync(path.join(f.t.dir, 'node_modules', 'dep', 'x')), false);
  });
});
