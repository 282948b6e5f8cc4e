// The program of a sandboxed command. It makes fresh user, mount, pid (and, without network,
// net) namespaces itself (unshare(2), the uid/gid maps of --map-root-user) and forks the pid
// namespace's pid 1, which builds the new root from a MountPlan, brings up the namespace's own
// loopback, pivot_roots into it (the old root is detached, so nothing that was not bound is
// reachable), makes the root read-only, and execs `bash -c <command>` in the workspace. When
// that shell (pid 1) exits, the kernel ends every process left in the namespace; the parent
// waits for it and exits the same way (a signal as that signal), and pid 1 is killed if the
// parent dies first (what `unshare --fork --kill-child` did, one process start fewer).
//
// Why perl: setting up a view takes some 60 mounts, and one `mount` process each costs 10–20 ms
// on a loaded machine; perl (in every Debian, perl-base is essential) makes the system calls
// itself, so a view costs a few milliseconds. Only the system call numbers differ per
// architecture (x64 and arm64 here; detectSandbox says so elsewhere).
//
// A failing step exits with SETUP_FAILED after a line on stderr that starts with SETUP_MARKER,
// so run() can tell a sandbox fault from the command's own failure.
import type { MountPlan } from './mountPlan';

export const SETUP_FAILED = 125;
export const SETUP_MARKER = 'parallel-agents sandbox:';

import { MS } from './mountFlags';
import { SYSCALLS } from './syscalls';

// unshare(2) flags.
const CLONE = { NEWNS: 0x20000, NEWUSER: 0x10000000, NEWPID: 0x20000000, NEWNET: 0x40000000 };

// No \`use strict\`: loading strict.pm is a measurable part of perl's start.
const PERL = String.raw`
my ($SYS_UNSHARE, $SYS_PRCTL, $SYS_MOUNT, $SYS_UMOUNT2, $SYS_PIVOT, $MARK, $FAIL, $NSFLAGS) = splice(@ARGV, 0, 8);
sub fail { print STDERR "$MARK $_[0]\n"; exit $FAIL; }
# syscall() may write through string arguments, so it gets copies, never literals.
sub sys { my ($n, @a) = map { my $c = $_; $c } @_; return syscall($n, @a); }
sub put { my ($f, $v) = @_; open(my $fh, '>', $f) or fail("cannot open $f: $!"); print $fh $v or fail("cannot write $f: $!"); close $fh or fail("cannot write $f: $!"); }
my ($uid, $gid) = ($<, (split ' ', $()[0]);
sys($SYS_UNSHARE + 0, $NSFLAGS + 0) == 0 or fail("creating the namespaces (unshare) failed: $!");
put('/proc/self/uid_map', "0 $uid 1"); put('/proc/self/setgroups', 'deny'); put('/proc/self/gid_map', "0 $gid 1");
# Nothing mounted in here propagates back to the host (MS_REC | MS_PRIVATE).
sys($SYS_MOUNT + 0, 'none', '/', 0, 16384 | 262144, 0) == 0 or fail("making the mounts private failed: $!");
my $pid1 = fork();
defined $pid1 or fail("cannot fork the namespace's first process: $!");
if ($pid1) {
  waitpid($pid1, 0) == $pid1 or fail("lost the namespace's first process: $!");
  my $st = $?;
  if ($st & 127) { $SIG{$_} = 'DEFAULT' for keys %SIG; kill($st & 127, $$); exit(128 + ($st & 127)); }
  exit($st >> 8);
}
# SIGKILL when the parent dies (PR_SET_PDEATHSIG); run() also kills pid 1 itself on a timeout or cancel.
sys($SYS_PRCTL + 0, 1, 9, 0, 0, 0) == 0 or fail("PR_SET_PDEATHSIG failed: $!");
sub mkpath { my $p = shift; my $c = ''; for my $s (grep { length } split m{/}, $p) { $c .= "/$s"; next if -d $c; mkdir($c, 0755) or -d $c or fail("cannot create $c: $!"); } }
sub mnt { my ($src, $dst, $type, $flags, $data) = @_;
  my $r = defined $data ? sys($SYS_MOUNT + 0, $src, $dst, $type, $flags + 0, $data) : sys($SYS_MOUNT + 0, $src, $dst, $type, $flags + 0, 0);
  $r == 0 or fail("mount $src on $dst ($type) failed: $!"); }
my $cmd;
while (@ARGV) {
  my $op = shift @ARGV;
  if ($op eq 'tmpfs') { my ($dst, $flags, $data) = splice(@ARGV, 0, 3); mkpath($dst); mnt('pa-tmpfs', $dst, 'tmpfs', $flags, $data); }
  elsif ($op eq 'mkdir') { mkpath(shift @ARGV); }
  elsif ($op eq 'symlink') { my ($t, $p) = splice(@ARGV, 0, 2); symlink($t, $p) or fail("cannot link $p: $!"); }
  elsif ($op eq 'bind') { my ($src, $dst, $flags, $optional) = splice(@ARGV, 0, 4);
    next if $optional && !-e $src;
    if (-d $src) { mkpath($dst); } else { my ($d) = $dst =~ m{^(.*)/}; mkpath($d); open(my $fh, '>>', $dst) or fail("cannot create $dst: $!"); close $fh; }
    mnt($src, $dst, '', $flags); }
  elsif ($op eq 'remount') { my ($dst, $flags, $optional) = splice(@ARGV, 0, 3);
    my $r = sys($SYS_MOUNT + 0, 'none', $dst, 0, $flags + 0, 0); $r == 0 or $optional or fail("read-only remount of $dst failed: $!"); }
  elsif ($op eq 'proc') { my $dst = shift @ARGV; mkpath($dst); mnt('proc', $dst, 'proc', 2 | 4 | 8); }
  elsif ($op eq 'overlay') { my ($dst, $data) = splice(@ARGV, 0, 2); mkpath($dst); mnt('pa-view', $dst, 'overlay', 0, $data); }
  elsif ($op eq 'loopback') {
    socket(my $s, 2, 2, 0) or fail("no socket for the loopback: $!");
    my $ifr = pack('a16 x24', 'lo'); ioctl($s, 0x8913, $ifr) or fail("cannot read the loopback's flags: $!");
    my $flags = unpack('x16 s', $ifr) | 1; ioctl($s, 0x8914, pack('a16 s x22', 'lo', $flags)) or fail("cannot bring up the loopback: $!"); close $s; }
  elsif ($op eq 'pivot') { my $root = shift @ARGV; chdir $root or fail("cd $root: $!"); mkdir '.pa-old-root';
    sys($SYS_PIVOT + 0, '.', '.pa-old-root') == 0 or fail("pivot_root failed: $!"); chdir '/';
    sys($SYS_UMOUNT2 + 0, '/.pa-old-root', 2) == 0 or fail("detaching the old root failed: $!"); rmdir '/.pa-old-root';
    sys($SYS_MOUNT + 0, 'none', '/', 0, 32 | 4096 | 1, 0) == 0 or fail("read-only root failed: $!"); }
  elsif ($op eq 'cwd') { my $d = shift @ARGV; chdir $d or fail("cd $d: $!"); }
  elsif ($op eq 'exec') { $cmd = shift @ARGV; last; }
  else { fail("unknown step $op"); }
}
defined $cmd or fail('no command');
exec { '/bin/bash' } 'bash', '-c', $cmd or fail("cannot start bash: $!");
`;

/** `perl -e …` argv (after the perl executable) that sets up `plan` and runs `command`. */
export function namespaceInitArgs(plan: MountPlan, opts: { loopbackOnly: boolean; cwd: string; command: string }): string[] {
  const nsFlags = CLONE.NEWUSER | CLONE.NEWNS | CLONE.NEWPID | (opts.loopbackOnly ? CLONE.NEWNET : 0);
  const sys = SYSCALLS[process.arch as keyof typeof SYSCALLS];
  if (!sys) throw new Error(`The sandbox does not know this processor architecture (${process.arch}).`);
  const R = (p: string) => plan.root + p;
  const ops: string[] = ['tmpfs', plan.root, '0', 'mode=755'];
  for (const l of plan.symlinks) ops.push('symlink', l.target, R(l.path));
  for (const f of plan.folders) ops.push('mkdir', R(f));
  for (const w of plan.writable) ops.push('bind', w.src, R(w.dst), String(MS.BIND), '0');
  const roBind = (src: string, dst: string, flags: number, submounts: readonly { path: string; flags: number }[]) => {
    ops.push('bind', src, dst, String(MS.BIND | MS.REC), '0', 'remount', dst, String(MS.REMOUNT | MS.BIND | MS.RDONLY | flags), '0');
    // A submount may refuse (a special file system): it stays as it is, most are read-only already.
    for (const m of submounts) ops.push('remount', R(m.path), String(MS.REMOUNT | MS.BIND | MS.RDONLY | m.flags), '1');
  };
  for (const b of plan.readOnly) roBind(b.src, R(b.dst), b.flags, b.submounts);
  // /dev: the harmless nodes only (never the disks); a private /dev/shm.
  ops.push('tmpfs', R('/dev'), String(MS.NOSUID), 'mode=755');
  for (const n of ['null', 'zero', 'full', 'random', 'urandom', 'tty']) ops.push('bind', `/dev/${n}`, R(`/dev/${n}`), String(MS.BIND), '1');
  ops.push('symlink', '/proc/self/fd', R('/dev/fd'));
  for (const [i, n] of ['stdin', 'stdout', 'stderr'].entries()) ops.push('symlink', `/proc/self/fd/${i}`, R(`/dev/${n}`));
  ops.push('tmpfs', R('/dev/shm'), String(MS.NOSUID | MS.NODEV), 'mode=1777');
  ops.push('proc', R('/proc'));
  for (const p of ['/proc/sys', '/proc/sysrq-trigger', '/proc/irq', '/proc/bus']) {
    ops.push('bind', R(p), R(p), String(MS.BIND), '1', 'remount', R(p), String(MS.REMOUNT | MS.BIND | MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC), '1');
  }
  const o = plan.overlay;
  // userxattr: overlayfs keeps its bookkeeping (opaque folders) in user.* xattrs, which a user namespace may write.
  ops.push('overlay', R(o.target), `lowerdir=${o.lower.map(escapeOverlayPath).join(':')},upperdir=${escapeOverlayPath(o.upper)},workdir=${escapeOverlayPath(o.work)},userxattr`);
  for (const m of plan.viewMounts) roBind(m.src, R(m.dst), m.flags, []);
  if (opts.loopbackOnly) ops.push('loopback');
  ops.push('pivot', plan.root, 'cwd', opts.cwd, 'exec', opts.command);
  return ['-e', PERL, String(sys.unshare), String(sys.prctl), String(sys.mount), String(sys.umount2), String(sys.pivotRoot), SETUP_MARKER, String(SETUP_FAILED), String(nsFlags), ...ops];
}

/** overlayfs splits its options on ',' and layers on ':'; both are escaped with a backslash. */
function escapeOverlayPath(p: string): string {
  return p.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/:/g, '\\:');
}
