/**
 * Field-aware factorisation machine (FFM) for binary log-loss over one categorical value per field.
 *
 * Inputs: ids (n x F Int32Array, row-major): for row i and field f, the id of its value (global over all fields,
 * 0..V-1; every field has its own "rare / unseen" id, so there is no missing value); labels in {0,1}; V; params.
 * Output: bias, a linear weight per id, and per id one latent vector of length k for every other field.
 * Model (Juan et al. 2016, "Field-aware Factorization Machines in a Real-world Log Environment"):
 *   logit = bias + sum_f w[id_f] + sum_{f<g} < v[id_f, g], v[id_g, f] >
 * so a pair of values that never occurred together still gets a score from how each value interacts with
 * the other's field: it generalises where the count tables of the logistic part have nothing.
 * Training: stochastic gradient descent with AdaGrad step sizes (as in libffm), L2 on w and v, a fixed number of
 * epochs over a seeded shuffle; latent vectors start at small seeded random values. Deterministic for a seed.
 * Complexity: O(epochs * n * F^2 * k) training, O(F^2 * k) per prediction; memory O(V * F * k).
 */

import { mulberry32, shuffleInPlace } from "./folds";

export type FfmParams = { k: number; epochs: number; eta: number; lambdaW: number; lambdaV: number; seed: number };
export const defaultFfmParams: FfmParams = { k: 4, epochs: 8, eta: 0.1, lambdaW: 1e-4, lambdaV: 1e-4, seed: 1 };

export type FfmModel = { F: number; V: number; k: number; bias: number; w: Float64Array; v: Float64Array };

/** Offset of the latent vector of id `j` towards field `g`: v[(j * F + g) * k ...]. */
const vo = (j: number, g: number, F: number, k: number) => (j * F + g) * k;

export function ffmLogit(m: FfmModel, ids: Int32Array, off: number): number {
  const { F, k, w, v } = m;
  let z = m.bias;
  for (let f = 0; f < F; f++) z += w[ids[off + f]];
  for (let f = 0; f < F; f++) {
    const a = ids[off + f];
    for (let g = f + 1; g < F; g++) {
      const b = ids[off + g];
      const pa = vo(a, g, F, k);
      const pb = vo(b, f, F, k);
      for (let d = 0; d < k; d++) z += v[pa + d] * v[pb + d];
    }
  }
  return z;
}

export function trainFfm(ids: Int32Array, n: number, F: number, y: ArrayLike<number>, V: number, params: Partial<FfmParams> = {}): FfmModel {
  const P = { ...defaultFfmParams, ...params };
  const k = P.k;
  const rand = mulberry32(P.seed);
  let ybar = 0;
  for (let i = 0; i < n; i++) ybar += y[i];
  ybar = Math.min(1 - 1e-6, Math.max(1e-6, ybar / n));
  const m: FfmModel = { F, V, k, bias: Math.log(ybar / (1 - ybar)), w: new Float64Array(V), v: new Float64Array(V * F * k) };
  const scale = 1 / Math.sqrt(k);
  for (let j = 0; j < m.v.length; j++) m.v[j] = (rand() - 0.5) * 0.2 * scale;
  const gw = new Float64Array(V).fill(1); // AdaGrad accumulators start at 1 (libffm)
  const gv = new Float64Array(V * F * k).fill(1);
  let gb = 1;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const { w, v } = m;
  for (let ep = 0; ep < P.epochs; ep++) {
    shuffleInPlace(order, rand);
    for (let t = 0; t < n; t++) {
      const i = order[t];
      const off = i * F;
      const z = ffmLogit(m, ids, off);
      const p = 1 / (1 + Math.exp(-z));
      const r = p - (y[i] === 1 ? 1 : 0); // d logloss / d z
      gb += r * r;
      m.bias -= (P.eta / Math.sqrt(gb)) * r;
      for (let f = 0; f < F; f++) {
        const a = ids[off + f];
        const g = r + P.lambdaW * w[a];
        gw[a] += g * g;
        w[a] -= (P.eta / Math.sqrt(gw[a])) * g;
      }
      for (let f = 0; f < F; f++) {
        const a = ids[off + f];
        for (let g2 = f + 1; g2 < F; g2++) {
          const b = ids[off + g2];
          const pa = vo(a, g2, F, k);
          const pb = vo(b, f, F, k);
          for (let d = 0; d < k; d++) {
            const va = v[pa + d];
            const vb = v[pb + d];
            const ga = r * vb + P.lambdaV * va;
            const gbv = r * va + P.lambdaV * vb;
            gv[pa + d] += ga * ga;
            gv[pb + d] += gbv * gbv;
            v[pa + d] = va - (P.eta / Math.sqrt(gv[pa + d])) * ga;
            v[pb + d] = vb - (P.eta / Math.sqrt(gv[pb + d])) * gbv;
          }
        }
      }
    }
  }
  return m;
}
