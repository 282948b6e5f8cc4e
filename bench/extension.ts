// Metric 7: the extension. Its .vsix size, from `npm run package` run on a copy of the
// committed tree (git archive HEAD in a temp folder, node_modules linked), so the shared
// dist/ folder other work uses is never rebuilt under it. Activation time inside the real
// VS Code needs the VS Code harness: reported as not measured.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { notMeasured, type BenchContext, type Metric } from './metric';
import { now } from './stats';

const ROOT = path.join(__dirname, '..');

function sh(cmd: string, args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CI: '1' } }, (err, stdout, stderr) =>
      err ? reject(Object.assign(err, { stdout, stderr })) : resolve({ stdout, stderr }),
    );
  });
}

export async function extensionBench(ctx: BenchContext): Promise<Metric[]> {
  const activation = notMeasured(
    'extension.activation',
    'extension',
    'Activation time inside the real VS Code',
    '–',
    'needs the VS Code harness (another engineer is building it); no timed activation hook yet',
  );
  const script = path.join(ROOT, 'scripts', 'vscode', 'package.mjs');
  if (!existsSync(script)) {
    return [activation, notMeasured('extension.vsixSize', 'extension', '.vsix size', '–', 'scripts/vscode/package.mjs (npm run package) does not exist yet')];
  }
  const tmp = mkdtempSync(path.join(tmpdir(), 'pa-bench-vsix-'));
  try {
    // the committed tree only (what a release would package), outside the shared checkout
    await sh('bash', ['-c', `git archive --format=tar HEAD | tar -x -C ${JSON.stringify(tmp)}`], ROOT);
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(tmp, 'node_modules'), 'dir');
    const t0 = now();
    try {
      await sh(process.execPath, [path.join(tmp, 'scripts', 'vscode', 'package.mjs')], tmp);
    } catch (e) {
      const err = e as Error & { stderr?: string; stdout?: string };
      const why = `${err.stderr ?? ''}${err.stdout ?? ''}`.trim().split('\n').slice(-3).join(' / ') || err.message;
      return [activation, notMeasured('extension.vsixSize', 'extension', '.vsix size', '–', `npm run package failed on the committed tree: ${why}`)];
    }
    const ms = now() - t0;
    const vsix = readdirSync(path.join(tmp, 'dist')).find((f) => f.endsWith('.vsix'));
    if (!vsix) return [activation, notMeasured('extension.vsixSize', 'extension', '.vsix size', '–', 'npm run package produced no .vsix')];
    const bytes = statSync(path.join(tmp, 'dist', vsix)).size;
    const notes = [`npm run package (production build + vsce) took ${(ms / 1000).toFixed(1)} s on the committed tree (HEAD)`];
    try {
      const list = (await sh('unzip', ['-l', path.join(tmp, 'dist', vsix)], tmp)).stdout;
      const files = list
        .split('\n')
        .map((l) => /^\s*(\d+)\s+\S+\s+\S+\s+(extension\/\S+)$/.exec(l))
        .filter((m): m is RegExpExecArray => !!m)
        .map((m) => ({ size: Number(m[1]), name: (m[2] as string).slice('extension/'.length) }))
        .sort((a, b) => b.size - a.size);
      notes.push(`largest files (uncompressed): ${files.slice(0, 4).map((f) => `${f.name} ${(f.size / 1024).toFixed(0)} KB`).join(', ')}; ${files.length} files`);
    } catch {
      // unzip missing: size only
    }
    ctx.log(`vsix: ${vsix}, ${bytes} bytes`);
    return [
      activation,
      {
        name: 'extension.vsixSize',
        group: 'extension',
        title: `.vsix size (${vsix})`,
        unit: 'bytes',
        value: bytes,
        baseline: null,
        ratio: null,
        target: '– (reported)',
        ok: null,
        notes,
      },
    ];
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
