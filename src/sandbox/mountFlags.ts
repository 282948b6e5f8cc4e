// Linux mount(2) flags.
export const MS = { RDONLY: 1, NOSUID: 2, NODEV: 4, NOEXEC: 8, REMOUNT: 32, NOATIME: 1024, NODIRATIME: 2048, BIND: 4096, REC: 16384, STRICTATIME: 1 << 24 };

/** Flags a read-only remount must keep (a user namespace may not clear a locked nosuid, nodev, …). */
export function keptFlags(options: string): number {
  let f = 0;
  for (const o of options.split(',')) {
    if (o === 'nosuid') f |= MS.NOSUID;
    else if (o === 'nodev') f |= MS.NODEV;
    else if (o === 'noexec') f |= MS.NOEXEC;
    else if (o === 'noatime') f |= MS.NOATIME;
    else if (o === 'nodiratime') f |= MS.NODIRATIME;
    else if (o === 'strictatime') f |= MS.STRICTATIME;
  }
  return f;
}
