import * as assert from 'node:assert/strict';
import { evenSplit, weightedVoters, weightsTieExample } from '../../../src/core/voteWeights';

describe('consensus weights taken in turn', () => {
  it('voters take the weighted models in the order the weights list them, round again', () => {
    assert.deepEqual(weightedVoters(5, { small: 1, big: 3 }).map((v) => [v.voter, v.model, v.weight]), [
      [1, 'small', 1],
      [2, 'big', 3],
      [3, 'small', 1],
      [4, 'big', 3],
      [5, 'small', 1],
    ]);
    assert.deepEqual(weightedVoters(3, {}), []);
  });

  it('"heavy counts double" with 3 voters ties by construction: two light votes against one heavy', () => {
    assert.equal(
      weightsTieExample(3, { light: 1, heavy: 2 }),
      'with 3 voters taking the weighted models in turn, voter 2 (heavy 2) against voters 1, 3 (light 1, light 1) is 2 against 2: a tie by construction; change a weight or the number of voters',
    );
  });

  it('weights that never split evenly: no warning', () => {
    assert.equal(weightsTieExample(3, { light: 1, heavy: 1.5 }), undefined);
    assert.equal(weightsTieExample(5, { small: 1, big: 3 }), undefined);
    assert.equal(evenSplit(weightedVoters(5, { a: 1 })), undefined);
    // 4 voters of 1: an even head count always can tie.
    assert.ok(weightsTieExample(4, { a: 1 }));
  });
});
