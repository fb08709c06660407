/**
 * Seeded randomness and stratified K-fold assignment.
 *
 * - mulberry32(seed): a small, fast 32-bit PRNG (Tommy Ettinger's mulberry32) so training is reproducible.
 * - stratifiedFolds(labels, k, seed): fold id per row such that each fold holds (within one row) the same share
 *   of every label value: rows of each class are shuffled (Fisher-Yates) and dealt round-robin. O(n).
 * - stratifiedHoldout(labels, fraction, seed): a fixed random share of the rows of every label value
 *   (round(fraction x class size) rows per class), for an evaluation set kept out of all tuning. O(n).
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

/** 1 for held-out rows, 0 for the rest: round(fraction * size) rows of each class, chosen by a seeded shuffle. */
export function stratifiedHoldout(labels: ArrayLike<number>, fraction: number, seed: number): Uint8Array {
  if (!(fraction > 0 && fraction < 1)) throw new Error("holdout fraction must be in (0, 1)");
  const rand = mulberry32(seed);
  const out = new Uint8Array(labels.length);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = byClass.get(labels[i]);
    if (list) list.push(i);
    else byClass.set(labels[i], [i]);
  }
  for (const cls of [...byClass.keys()].sort((a, b) => a - b)) {
    const idx = shuffleInPlace(byClass.get(cls)!, rand);
    const take = Math.round(fraction * idx.length);
    for (let j = 0; j < take; j++) out[idx[j]] = 1;
  }
  return out;
}
