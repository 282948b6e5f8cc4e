'use strict';
// A tiny linter for the example (no dependencies): trailing whitespace, tabs, long lines,
// and `var`. Prints one line per finding and a summary; exits 0 so the report is kept.
const fs = require('node:fs');
const path = require('node:path');

const root = process.argv[2] || '.';
const findings = [];
function walk(dir) {
  for (const name of fs.readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (fs.statSync(full).isDirectory()) walk(full);
    else if (name.endsWith('.js')) check(full);
  }
}
function check(file) {
  fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    const at = `${file}:${i + 1}`;
    if (/\s+$/.test(line)) findings.push(`${at}: trailing whitespace`);
    if (line.includes('\t')) findings.push(`${at}: tab character`);
    if (line.length > 100) findings.push(`${at}: line longer than 100 characters`);
    if (/\bvar\s/.test(line)) findings.push(`${at}: use const or let instead of var`);
  });
}
walk(root);
for (const f of findings) console.log(f);
console.log(`${findings.length} finding${findings.length === 1 ? '' : 's'}`);
