// The few system calls Node has no API for (mknod for overlayfs whiteouts, lgetxattr for its
// opaque folders, and, in namespaceInit.ts, unshare, mount and pivot_root), made by one perl process
// per batch: perl-base is essential in Debian and present on every Linux distribution we
// know of, and one process for a whole batch keeps the cost at a few milliseconds.
import { spawn } from 'node:child_process';

export const SYSCALLS = {
  x64: { unshare: 272, prctl: 157, mount: 165, umount2: 166, pivotRoot: 155, mknodat: 259, lgetxattr: 192, lsetxattr: 189 },
  arm64: { unshare: 97, prctl: 167, mount: 40, umount2: 39, pivotRoot: 41, mknodat: 33, lgetxattr: 9, lsetxattr: 6 },
} as const;

export function syscallsKnown(arch: string = process.arch): boolean {
  return arch in SYSCALLS;
}

function numbers(): (typeof SYSCALLS)[keyof typeof SYSCALLS] {
  const n = SYSCALLS[process.arch as keyof typeof SYSCALLS];
  if (!n) throw new Error(`The sandbox does not know this processor architecture (${process.arch}).`);
  return n;
}

/** Runs a perl program with NUL-separated paths on stdin; resolves with its stdout split on NUL. */
function perlBatch(program: string, args: readonly string[], paths: readonly string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('perl', ['-e', program, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new Error(`Could not start perl (the sandbox needs it): ${e.message}`)));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(Buffer.concat(err).toString('utf8').trim() || `perl exited with ${code}`));
      else resolve(Buffer.concat(out).toString('utf8').split('\0').filter(Boolean));
    });
    child.stdin.end(paths.map((p) => `${p}\0`).join(''));
  });
}

/** Creates an overlayfs whiteout (a 0/0 character device, which Linux lets anyone create) at each path. */
export async function makeWhiteouts(paths: readonly string[]): Promise<void> {
  if (!paths.length) return;
  const program = String.raw`
    local $/ = "\0"; my $n = shift @ARGV;
    while (my $p = <STDIN>) { chomp $p; my $c = $p;
      syscall($n + 0, -100, $c, 0020000, 0) == 0 or die "cannot mark $p deleted: $!\n"; }`;
  await perlBatch(program, [String(numbers().mknodat)], paths);
}

/** The folders among `paths` that overlayfs marked opaque (user.overlay.opaque = y: nothing below shows through). */
export async function opaqueFolders(paths: readonly string[]): Promise<Set<string>> {
  if (!paths.length) return new Set();
  const program = String.raw`
    local $/ = "\0"; my $n = shift @ARGV; my $name = 'user.overlay.opaque';
    while (my $p = <STDIN>) { chomp $p; my $c = $p; my $buf = "\0" x 4;
      my $r = syscall($n + 0, $c, $name, $buf, 4);
      print "$p\0" if $r > 0 && substr($buf, 0, 1) eq 'y'; }`;
  return new Set(await perlBatch(program, [String(numbers().lgetxattr)], paths));
}

/** Marks folders opaque for overlayfs (userxattr), so nothing of the layers below shows through them. */
export async function markOpaque(paths: readonly string[]): Promise<void> {
  if (!paths.length) return;
  const program = String.raw`
    local $/ = "\0"; my $n = shift @ARGV; my $name = 'user.overlay.opaque';
    while (my $p = <STDIN>) { chomp $p; my $c = $p; my $v = 'y';
      syscall($n + 0, $c, $name, $v, 1, 0) == 0 or die "cannot mark $p opaque: $!\n"; }`;
  await perlBatch(program, [String(numbers().lsetxattr)], paths);
}
