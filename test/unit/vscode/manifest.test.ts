// package.json's extension manifest against ids.ts and the files it points at.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandTitles, Commands, TreeItemContexts, Views } from '../../../src/vscode/ids';

const root = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('vscode/manifest', () => {
  it('is what scripts/vscode/manifest.mjs writes', () => {
    execFileSync(process.execPath, [join(root, 'scripts', 'vscode', 'manifest.mjs'), '--check'], { stdio: 'pipe' });
  });

  it('contributes exactly the commands of ids.ts, each with the category', () => {
    const cmds = pkg.contributes.commands as { command: string; category: string }[];
    assert.deepEqual(cmds.map((c) => c.command).sort(), Object.values(Commands).sort());
    assert.ok(cmds.every((c) => c.category === 'Parallel Agents'));
  });

  it('gives each command the title of ids.ts (the Restricted Mode message quotes it)', () => {
    const cmds = pkg.contributes.commands as { command: string; title: string }[];
    assert.deepEqual(Object.fromEntries(cmds.map((c) => [c.command, c.title])), Object.fromEntries(Object.entries(CommandTitles)));
  });

  it('has no command title that is the start of another, so typing a whole title runs that command', () => {
    // "Run Tasks" lost to "Run Selected Tasks…" in the palette (issue 10 §6).
    const titles = (pkg.contributes.commands as { title: string; category: string }[]).map((c) => `${c.category}: ${c.title}`.toLowerCase());
    for (const a of titles) {
      for (const b of titles) {
        if (a !== b) assert.ok(!b.startsWith(a.replace(/…$/, '')), `"${a}" is the start of "${b}"`);
      }
    }
    assert.equal(new Set(titles).size, titles.length, 'two commands share a title');
    assert.ok(titles.includes('parallel agents: run all tasks'));
  });

  it('contributes the views of ids.ts', () => {
    const views = Object.values(pkg.contributes.views).flat() as { id: string }[];
    assert.deepEqual(views.map((v) => v.id).sort(), Object.values(Views).sort());
  });

  it('links only to real commands from welcome views and menus', () => {
    const known = new Set([...Object.values(Commands), 'workbench.trust.manage']);
    for (const w of pkg.contributes.viewsWelcome as { contents: string }[]) {
      for (const m of w.contents.matchAll(/\(command:([\w.]+)\)/g)) assert.ok(known.has(m[1] as string), m[1]);
    }
    for (const items of Object.values(pkg.contributes.menus) as { command: string }[][]) {
      for (const i of items) assert.ok(known.has(i.command), i.command);
    }
  });

  it('points at files that exist', () => {
    for (const f of [pkg.icon, ...pkg.contributes.viewsContainers.activitybar.map((c: { icon: string }) => c.icon), 'media/plan.js', 'media/plan.css']) {
      assert.ok(existsSync(join(root, f)), f);
    }
    assert.equal(pkg.contributes.jsonValidation[0].url, './schemas/tasks.schema.json');
    assert.equal(pkg.contributes.yamlValidation[0].url, './schemas/tasks.schema.json');
  });

  it('says what the ownershipViolations setting does: flag keeps them unapplied until accepted, discard drops them', () => {
    const setting = pkg.contributes.configuration.properties['parallelAgents.ownershipViolations'];
    assert.deepEqual(setting.enum, ['flag', 'discard']);
    assert.match(setting.enumDescriptions[0], /not written into your files until you accept them/);
    assert.match(setting.enumDescriptions[1], /never listed, never written/);
    assert.doesNotMatch(JSON.stringify(setting), /before applying/);
  });

  describe('tree item menus offer what can be done', () => {
    // The `when` clauses of view/item/context: `view == …`, `viewItem == …`, `viewItem =~ /…/`, joined by &&.
    const offered = (view: string, viewItem: string) =>
      (pkg.contributes.menus['view/item/context'] as { command: string; when: string }[])
        .filter((m) =>
          m.when.split('&&').every((clause) => {
            const c = clause.trim();
            let x: RegExpExecArray | null;
            if ((x = /^view == (\S+)$/.exec(c))) return x[1] === view;
            if ((x = /^viewItem == (\S+)$/.exec(c))) return x[1] === viewItem;
            if ((x = /^viewItem =~ \/(.*)\/$/.exec(c))) return new RegExp(x[1] as string).test(viewItem);
            throw new Error(`unexpected clause: ${c}`);
          }),
        )
        .map((m) => m.command);
    const runMenu = (ctx: string) => [...new Set(offered(Views.agents, ctx))].sort();

    it('an applied run: Undo Apply, not Apply Run', () => {
      assert.deepEqual(runMenu(TreeItemContexts.runApplied), [Commands.undoApply]);
    });

    it('a finished run not applied (or undone): Apply Run; a running one: Cancel Run', () => {
      assert.deepEqual(runMenu(TreeItemContexts.run), [Commands.applyRun]);
      assert.deepEqual(runMenu(TreeItemContexts.runActive), [Commands.cancelRun]);
    });
  });
});
