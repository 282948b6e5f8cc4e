// Metric 7: the extension. Its .vsix size, from `npm run package` run on a copy of the
// committed tree (git archive HEAD in a temp folder, node_modules linked), so the shared
// dist/ folder other work uses is never rebuilt under it. Activation time inside the real
// VS Code: see activationMetric.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { notMeasured, type BenchContext, type Metric } from './metric';
import { fmtSpread, now, sample } from './stats';

const ROOT = path.join(__dirname, '..');

function sh(cmd: string, args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CI: '1' } }, (err, stdout, stderr) =>
      err ? reject(Object.assign(err, { stdout, stderr })) : resolve({ stdout, stderr }),
    );
  });
}

/**
 * Activation, as VS Code counts it: loading the bundle plus the activate() call.
 * - load: `require('dist/extension.js')` in a fresh Node process with a stub `vscode`
 *   module (reading and compiling the bundle is what the extension host does first);
 * - activate(): timed inside the real VS Code 1.100 of the test harness, read from the
 *   extension-host suite's `activation-timing` line.
 * Both on the production build that `npm run package` ships.
 */
async function activationMetric(ctx: BenchContext, tmp: string): Promise<Metric> {
  const loads: number[] = [];
  const probe =
    "const M=require('module');const o=M._load;M._load=function(r,...a){return r==='vscode'?{}:o.call(this,r,...a)};" +
    `const t=process.hrtime.bigint();require(${JSON.stringify(path.join(tmp, 'dist', 'extension.js'))});` +
    'process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))';
  for (let i = 0; i < ctx.runs; i++) loads.push(Number((await sh(process.execPath, ['-e', probe], tmp)).stdout));
  const activates: number[] = [];
  const runner = path.join(ROOT, 'test', 'vscode', 'runInServer.mjs');
  const suite = path.join(ROOT, 'out', 'test', 'vscode', 'suite', 'index.js');
  if (!existsSync(suite)) await sh(process.execPath, [path.join(ROOT, 'scripts', 'vscode', 'build-tests.mjs')], ROOT);
  for (let i = 0; i < ctx.runs; i++) {
    try {
      const out = (await sh(process.execPath, [runner, '--grep', 'activation took', '--extension', tmp], ROOT)).stdout;
      const m = /activation-timing (\{.*\})/.exec(out);
      if (m) activates.push((JSON.parse(m[1] as string) as { activateMs: number }).activateMs);
    } catch (e) {
      ctx.log(`activation: a harness run failed: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  if (!activates.length) {
    return notMeasured('extension.activation', 'extension', 'Activation time inside the real VS Code', '< 50 ms', 'the VS Code harness did not report a timing (is code-server installed? npm run test:vscode installs it)');
  }
  const load = sample(loads);
  const act = sample(activates);
  const value = load.median + act.median;
  return {
    name: 'extension.activation',
    group: 'extension',
    title: 'Activation: load dist/extension.js + activate() in VS Code 1.100',
    unit: 'ms',
    value,
    baseline: null,
    ratio: null,
    target: '< 50 ms',
    ok: value < 50,
    notes: [
      `load (require of the production bundle, Node 20): ${fmtSpread(load)}`,
      `activate() in the real VS Code (code-server 4.100.3): ${fmtSpread(act)}`,
    ],
  };
}

export async function extensionBench(ctx: BenchContext): Promise<Metric[]> {
  let activation = notMeasured('extension.activation', 'extension', 'Activation time inside the real VS Code', '< 50 ms', 'npm run package failed');
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
    activation = await activationMetric(ctx, tmp);
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
