// How `weights` of a consensus combine with its voters: the voters take the weighted
// models in turn (voter 1 the first model the weights list, voter 2 the second, …, then
// round again) and each vote counts its model's weight. Pure; the engine runs the voters
// this way, and a plan can warn about weights that tie by construction.

export interface WeightedVoter {
  /** 1-based. */
  readonly voter: number;
  readonly model: string;
  readonly weight: number;
}

/** The model and weight of each of `voters` voters (empty weights: none). */
export function weightedVoters(voters: number, weights: Readonly<Record<string, number>>): WeightedVoter[] {
  const models = Object.keys(weights);
  if (!models.length) return [];
  return Array.from({ length: voters }, (_, i) => {
    const model = models[i % models.length] as string;
    return { voter: i + 1, model, weight: weights[model] as number };
  });
}

/**
 * Two camps of voters whose weights are equal: with two choices and everyone voting, the
 * vote can tie by construction although `voters` is odd. The first such split found (the
 * smaller camp first), or undefined when the weights can never split evenly.
 */
export function evenSplit(voters: readonly WeightedVoter[]): [WeightedVoter[], WeightedVoter[]] | undefined {
  const total = voters.reduce((s, v) => s + v.weight, 0);
  const n = voters.length;
  if (n > 16) return undefined; // the schema allows 9 voters; 2^16 subsets at most
  let best: [WeightedVoter[], WeightedVoter[]] | undefined;
  for (let mask = 1; mask < 1 << n; mask++) {
    if (!(mask & 1)) continue; // voter 1 always in the first camp: each split once
    const a = voters.filter((_, i) => mask & (1 << i));
    if (a.length === n) continue;
    const sum = a.reduce((s, v) => s + v.weight, 0);
    if (Math.abs(sum * 2 - total) > 1e-9) continue;
    const b = voters.filter((_, i) => !(mask & (1 << i)));
    const pair: [WeightedVoter[], WeightedVoter[]] = a.length <= b.length ? [a, b] : [b, a];
    if (!best || pair[0].length < best[0].length) best = pair;
  }
  return best;
}

/** A sentence saying how the weights tie by construction, or undefined when they cannot. */
export function weightsTieExample(voters: number, weights: Readonly<Record<string, number>>): string | undefined {
  const split = evenSplit(weightedVoters(voters, weights));
  if (!split) return undefined;
  const side = (camp: readonly WeightedVoter[]) =>
    `${camp.length === 1 ? 'voter' : 'voters'} ${camp.map((v) => v.voter).join(', ')} (${camp.map((v) => `${v.model} ${v.weight}`).join(', ')})`;
  const sum = split[0].reduce((s, v) => s + v.weight, 0);
  return (
    `with ${voters} voters taking the weighted models in turn, ${side(split[0])} against ${side(split[1])} is ${Math.round(sum * 1000) / 1000} ` +
    `against ${Math.round(sum * 1000) / 1000}: a tie by construction; change a weight or the number of voters`
  );
}
