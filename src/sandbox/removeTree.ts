import { chmodSync, rmSync } from 'node:fs';
import * as path from 'node:path';

/** rm -rf of a folder holding overlayfs work folders (overlayfs leaves work/work with mode 000, which only root can list). */
export function removeTree(p: string): void {
  try {
    rmSync(p, { recursive: true, force: true });
  } catch {
    for (const w of [path.join(p, 'work', 'work'), path.join(p, 'sandbox', 'work', 'work')]) {
      try {
        chmodSync(w, 0o700);
      } catch {
        /* not there */
      }
    }
    rmSync(p, { recursive: true, force: true });
  }
}
