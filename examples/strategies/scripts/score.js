'use strict';
// The competitive task's score: how many cases clamp() gets right (exit 1 if it cannot load).
const { clamp } = require('../src/clamp');

const cases = [
  () => clamp(5, 0, 10) === 5,
  () => clamp(-1, 0, 10) === 0,
  () => clamp(11, 0, 10) === 10,
  () => clamp(10, 0, 10) === 10,
  () => clamp(0, 0, 0) === 0,
  () => {
    try {
      clamp(1, 2, 0);
      return false;
    } catch (e) {
      return e instanceof RangeError;
    }
  },
];
let passed = 0;
for (const c of cases) {
  try {
    if (c()) passed++;
  } catch {
    // a wrong answer
  }
}
console.log(`${passed} of ${cases.length} cases pass`);
console.log(`score: ${passed}`);
