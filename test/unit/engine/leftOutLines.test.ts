import * as assert from 'node:assert/strict';
import { leftOutLines } from '../../../src/engine';

describe('engine: leftOutLines', () => {
  it("says what a command wrote that is not in its result: ignored files (the first few) and writes outside the workspace", () => {
    assert.deepEqual(leftOutLines({}), []);
    assert.deepEqual(leftOutLines({ ignoredOutputs: { count: 7, sample: ['gen/a.h', 'gen/b.h'] }, outsideWrites: ['../x'] }, '    '), [
      '    wrote 7 files that git ignores, not part of the result: gen/a.h, gen/b.h, …',
      '    wrote outside its workspace folder (not kept; ownership violation): ../x',
    ]);
    assert.deepEqual(leftOutLines({ ignoredOutputs: { count: 1, sample: ['gen.h'] } }), ['  wrote 1 file that git ignores, not part of the result: gen.h']);
  });
});
