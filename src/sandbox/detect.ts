// Can this process run commands in the sandbox? Tried once per process, for real: a user,
// mount, pid and net namespace with an overlayfs view, the same setup a command gets, a file
// deleted through it (overlayfs must leave a whiteout we can read back), and the loopback up.
// The answer says why not when it cannot, in words a user can act on.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { planMounts } from './mountPlan';
import { namespaceInitArgs, SETUP_MARKER } from './namespaceInit';
import { runInNamespaces } from './namespaceProcess';
import { removeTree } from './removeTree';
import { syscallsKnown } from './syscalls';

export interface SandboxAvailability {
  readonly available: boolean;
  readonly reason?: string;
}

let cached: Promise<SandboxAvailability> | undefined;

/** Whether commands can run in the namespaces sandbox here (cached for the process). */
export function detectSandbox(): Promise<SandboxAvailability> {
  cached ??= probe().catch((e: unknown) => ({ available: false, reason: `the sandbox check failed: ${(e as Error).message}` }));
  return cached;
}

function onPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => d && existsSync(path.join(d, bin)));
}

function readNumber(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8').trim());
  } catch {
    return undefined;
  }
}

function userNamespacesOff(): string | undefined {
  if (readNumber('/proc/sys/user/max_user_namespaces') === 0) return 'user namespaces are disabled (user.max_user_namespaces = 0)';
  if (readNumber('/proc/sys/kernel/unprivileged_userns_clone') === 0) return 'unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0)';
  if (readNumber('/proc/sys/kernel/apparmor_restrict_unprivileged_userns') === 1) {
    return 'AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns = 1)';
  }
  return undefined;
}

async function probe(): Promise<SandboxAvailability> {
  const no = (reason: string): SandboxAvailability => ({ available: false, reason });
  if (process.platform !== 'linux') return no(`the sandbox needs Linux namespaces (this is ${process.platform})`);
  if (!syscallsKnown()) return no(`the sandbox does not support this processor architecture (${process.arch})`);
  if (!onPath('perl')) return no('`perl` is not installed');

  const dir = mkdtempSync(path.join(os.tmpdir(), 'pa-sandbox-check-'));
  try {
    for (const d of ['lower', 'upper', 'work', 'root', 'home', 'tmp', 'view']) mkdirSync(path.join(dir, d));
    writeFileSync(path.join(dir, 'lower', 'probe.txt'), 'probe\n');
    const target = path.join(dir, 'view');
    const plan = planMounts({
      root: path.join(dir, 'root'),
      overlay: { lower: [path.join(dir, 'lower')], upper: path.join(dir, 'upper'), work: path.join(dir, 'work'), target },
      hidden: [os.homedir()],
      home: { src: path.join(dir, 'home'), dst: os.homedir() || '/home/sandbox' },
      tmp: path.join(dir, 'tmp'),
      pathEntries: [],
      viewMounts: [],
    });
    const r = await runInNamespaces({
      initArgs: namespaceInitArgs(plan, { loopbackOnly: true, cwd: target, command: 'cat probe.txt && rm probe.txt' }),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      timeoutMs: 20_000,
      maxOutputBytes: 4000,
    });
    const out = r.output.toString('utf8');
    if (r.exitCode !== 0) {
      const setup = r.stderrTail.split('\n').find((l) => l.startsWith(SETUP_MARKER));
      if (setup && /creating the namespaces|uid_map|gid_map|setgroups/.test(setup)) return no(userNamespacesOff() ?? `user namespaces are not permitted here (${setup.slice(SETUP_MARKER.length).trim()})`);
      if (/Operation not permitted|Permission denied/i.test(out) && !setup) return no(userNamespacesOff() ?? `user namespaces are not permitted here (${out.trim()})`);
      if (setup && /overlay/.test(setup)) return no(`overlayfs is refused in a user namespace (${setup.slice(SETUP_MARKER.length).trim()})`);
      if (setup) return no(setup.slice(SETUP_MARKER.length).trim());
      return no(`a test command in the sandbox failed (exit code ${r.exitCode ?? r.signal}): ${out.trim().slice(-300)}`);
    }
    if (!out.includes('probe')) return no('a test command in the sandbox did not see its files');
    const wo = lstatSync(path.join(dir, 'upper', 'probe.txt'), { throwIfNoEntry: false });
    if (!wo || !wo.isCharacterDevice() || wo.rdev !== 0) return no('overlayfs did not record a deletion as expected (no whiteout)');
    return { available: true };
  } finally {
    try {
      removeTree(dir);
    } catch {
      /* a temporary folder */
    }
  }
}
