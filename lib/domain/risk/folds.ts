/**
 * Seeded randomness and stratified K-fold assignment.
 *
 * - mulberry32(seed): a small, fast 32-bit PRNG (Tommy Ettinger's mulberry32) so training is reproducible.
 * - stratifiedFolds(labels, k, seed): fold id per row such that each fold holds (within one row) the same share
 *   of every label value: rows of each class are shuffled (Fisher-Yates) and dealt round-robin. O(n).
 */

import { mulberry32 } from "../random";

export { mulberry32 };


export function shuffleInPlace<T extends { length: number; [i: number]: number }>(a: T, rand: () => number): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

export function stratifiedFolds(labels: ArrayLike<number>, k: number, seed: number): Int32Array {
  if (!Number.isInteger(k) || k < 2) throw new Error("folds must be an integer >= 2");
  const rand = mulberry32(seed);
  const fold = new Int32Array(labels.length);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = byClass.get(labels[i]);
    if (list) list.push(i);
    else byClass.set(labels[i], [i]);
  }
  let offset = 0; // continue dealing where the previous class stopped so fold sizes stay balanced
  for (const cls of [...byClass.keys()].sort((a, b) => a - b)) {
    const idx = shuffleInPlace(byClass.get(cls)!, rand);
    for (let j = 0; j < idx.length; j++) fold[idx[j]] = (offset + j) % k;
    offset = (offset + idx.length) % k;
  }
  return fold;
}
