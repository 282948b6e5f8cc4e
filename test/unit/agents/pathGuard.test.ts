import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkWrite, createWritePolicy, normalizeToolPath } from '../../../src/agents/pathGuard';

const TASK_FILE = '.agents/tasks.yaml';

describe('agents/pathGuard', () => {
  describe('normalizeToolPath', () => {
    it('accepts workspace-relative paths and normalises them', () => {
      assert.deepEqual(normalizeToolPath('src/a.ts'), { ok: true, path: 'src/a.ts' });
      assert.deepEqual(normalizeToolPath('./src//a.ts'), { ok: true, path: 'src/a.ts' });
      assert.deepEqual(normalizeToolPath('src\\win\\a.ts'), { ok: true, path: 'src/win/a.ts' });
      assert.deepEqual(normalizeToolPath('src/./a.ts'), { ok: true, path: 'src/a.ts' });
    });

    for (const bad of ['/etc/passwd', 'C:\\x', 'c:x', './C:/x', '~/x', '\\\\server\\share']) {
      it(`refuses the absolute path ${JSON.stringify(bad)}`, () => {
        const r = normalizeToolPath(bad);
        assert.equal(r.ok, false);
      });
    }

    for (const bad of ['../x', 'src/../../x', 'src/..', 'a/../b']) {
      it(`refuses the .. escape ${JSON.stringify(bad)}`, () => {
        const r = normalizeToolPath(bad);
        assert.equal(r.ok, false);
        if (!r.ok) assert.match(r.reason, /\.\./);
      });
    }

    for (const bad of ['.git', '.git/config', 'sub/.git/HEAD', '.GIT/config']) {
      it(`refuses ${JSON.stringify(bad)} (inside .git)`, () => {
        const r = normalizeToolPath(bad);
        assert.equal(r.ok, false);
        if (!r.ok) assert.match(r.reason, /\.git/);
      });
    }

    it('refuses empty paths, the root and NUL bytes', () => {
      for (const bad of ['', '  ', '.', './', 'a\0b', 42 as unknown as string]) assert.equal(normalizeToolPath(bad).ok, false);
    });

    it('never returns a path that is absolute, has a .. or . segment, or touches .git (property)', () => {
      const seg = fc.constantFrom('a', 'src', '..', '.', '', '.git', '.GIT', 'b.ts', '\\', 'C:', '~');
      fc.assert(
        fc.property(fc.array(seg, { maxLength: 6 }), fc.boolean(), (segs, lead) => {
          const raw = (lead ? '/' : '') + segs.join('/');
          const r = normalizeToolPath(raw);
          if (!r.ok) return true;
          const parts = r.path.split('/');
          return (
            !r.path.startsWith('/') &&
            !/^[A-Za-z]:/.test(r.path) &&
            parts.every((p) => p !== '..' && p !== '.' && p !== '' && p.toLowerCase() !== '.git')
          );
        }),
      );
    });
  });

  describe('checkWrite', () => {
    const policy = createWritePolicy(['src/api/**', 'docs/api.md'], TASK_FILE);

    it('allows owned paths', () => {
      assert.deepEqual(checkWrite('src/api/x.ts', policy), { ok: true, path: 'src/api/x.ts' });
      assert.deepEqual(checkWrite('./docs/api.md', policy), { ok: true, path: 'docs/api.md' });
    });

    it('refuses a path outside owns, naming the path and what the task owns', () => {
      const r = checkWrite('src/ui/app.ts', policy);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.match(r.reason, /"src\/ui\/app\.ts"/);
        assert.match(r.reason, /src\/api\/\*\*, docs\/api\.md/);
      }
    });

    it('refuses escapes even when the glob would match', () => {
      const all = createWritePolicy(['**'], TASK_FILE);
      assert.equal(checkWrite('../outside.txt', all).ok, false);
      assert.equal(checkWrite('/abs.txt', all).ok, false);
      assert.equal(checkWrite('.git/hooks/pre-commit', all).ok, false);
    });

    it('honours negated globs', () => {
      const p = createWritePolicy(['src/**', '!src/generated/**'], TASK_FILE);
      assert.equal(checkWrite('src/a.ts', p).ok, true);
      assert.equal(checkWrite('src/generated/a.ts', p).ok, false);
    });

    it('protects .vscode, *.code-workspace and the task file from broad globs', () => {
      const all = createWritePolicy(['**'], TASK_FILE);
      for (const p of ['.vscode/settings.json', 'proj.code-workspace', 'sub/x.code-workspace', TASK_FILE]) {
        const r = checkWrite(p, all);
        assert.equal(r.ok, false, p);
        if (!r.ok) assert.match(r.reason, /explicitly|by name|names it/);
      }
      assert.equal(checkWrite('.agents/other.md', all).ok, true);
      assert.equal(checkWrite('src/a.ts', all).ok, true);
    });

    it('allows protected paths that are owned explicitly', () => {
      const p = createWritePolicy(['.vscode/**', '*.code-workspace', '.agents/tasks.yaml'], TASK_FILE);
      assert.equal(checkWrite('.vscode/settings.json', p).ok, true);
      assert.equal(checkWrite('proj.code-workspace', p).ok, true);
      assert.equal(checkWrite(TASK_FILE, p).ok, true);
      const dirOnly = createWritePolicy(['.agents/**'], TASK_FILE);
      assert.equal(checkWrite(TASK_FILE, dirOnly).ok, false, 'a directory glob does not name the task file');
      assert.equal(checkWrite('.agents/notes.md', dirOnly).ok, true);
    });

    it('allows nothing that the globs do not match (property)', () => {
      const p = createWritePolicy(['src/a/**', 'lib/*.ts'], TASK_FILE);
      const seg = fc.constantFrom('src', 'a', 'b', 'lib', 'x.ts', '..', '.vscode', 'tasks.yaml');
      fc.assert(
        fc.property(fc.array(seg, { minLength: 1, maxLength: 5 }), (segs) => {
          const r = checkWrite(segs.join('/'), p);
          return !r.ok || p.globs.matches(r.path);
        }),
      );
    });
  });
});
