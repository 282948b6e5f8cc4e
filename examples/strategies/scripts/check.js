'use strict';
// A score command that only says whether clamp() loads: exit code, no number.
require('../src/clamp');
console.log('clamp loads');
