import { describe, expect, it } from "vitest";
import { KeyIndex } from "./features";
import { mulberry32 } from "./folds";
import { predictGbdt, predictTree, trainGbdt } from "./gbdt";
import { fitSparseLogistic, lbfgs } from "./logistic";

describe("KeyIndex", () => {
  it("maps keys (also above 2^32) to entry ids, grows, and returns -1 for absent keys", () => {
    const ix = new KeyIndex(2);
    const keys: number[] = [];
    const rand = mulberry32(3);
    for (let e = 0; e < 5000; e++) {
      const key = e % 3 === 0 ? Math.floor(rand() * 2 ** 52) : e * 7;
      if (keys.includes(key)) continue;
      expect(ix.getOrSet(key, keys.length)).toBe(keys.length);
      keys.push(key);
    }
    expect(ix.size).toBe(keys.length);
    keys.forEach((k, e) => expect(ix.get(k)).toBe(e));
    expect(ix.getOrSet(keys[10], 999)).toBe(10); // present: keeps its id
    expect(ix.get(1)).toBe(-1);
    expect(ix.get(2 ** 52 + 2)).toBe(-1);
    const back = KeyIndex.from(keys);
    keys.forEach((k, e) => expect(back.get(k)).toBe(e));
  });
});

describe("lbfgs", () => {
  // badly scaled (condition 100) convex quadratic: f = 1/2 sum a_j (x_j - c_j)^2
  const D = 50;
  const a = Float64Array.from({ length: D }, (_, j) => 10 ** ((2 * j) / (D - 1)));
  const c = Float64Array.from({ length: D }, (_, j) => Math.sin(j));
  const fg = (x: Float64Array, g: Float64Array) => {
    let f = 0;
    for (let j = 0; j < D; j++) {
      const d = x[j] - c[j];
      f += 0.5 * a[j] * d * d;
      g[j] = a[j] * d;
    }
    return f;
  };

  it("finds the minimum, with and without a diagonal preconditioner", () => {
    for (const pre of [undefined, Float64Array.from(a, (v) => 1 / v)]) {
      const r = lbfgs(fg, new Float64Array(D), { maxIter: 500, m: 5, gtol: 1e-12, tol: 0 }, pre);
      for (let j = 0; j < D; j++) expect(r.x[j]).toBeCloseTo(c[j], 5);
    }
  });

  it("an exact diagonal preconditioner solves a diagonal quadratic in one step", () => {
    const r = lbfgs(fg, new Float64Array(D), { maxIter: 50, m: 5, gtol: 1e-10 }, Float64Array.from(a, (v) => 1 / v));
    expect(r.iterations).toBeLessThanOrEqual(2);
    expect(r.f).toBeLessThan(1e-12);
  });
});

describe("fitSparseLogistic", () => {
  it("reaches a stationary point of the penalised log-likelihood", () => {
    const rand = mulberry32(5);
    const n = 400;
    const G = 3;
    const sizes = [4, 6, 10];
    const D = sizes.reduce((s, v) => s + v, 0);
    const idx = new Int32Array(n * G);
    const y = new Int32Array(n);
    const truth = Float64Array.from({ length: D }, () => rand() * 2 - 1);
    for (let i = 0; i < n; i++) {
      let z = 0.5;
      let o = 0;
      for (let g = 0; g < G; g++) {
        const j = o + Math.floor(rand() * sizes[g]);
        idx[i * G + g] = j;
        z += truth[j];
        o += sizes[g];
      }
      y[i] = rand() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    }
    const lambda = new Float64Array(D).fill(1);
    const fit = fitSparseLogistic(idx, n, G, y, D, lambda, { maxIter: 200, m: 5, tol: 0 });
    // gradient at the solution, computed independently
    const grad = new Float64Array(D + 1);
    for (let i = 0; i < n; i++) {
      let z = fit.bias;
      for (let g = 0; g < G; g++) z += fit.weights[idx[i * G + g]];
      const r = 1 / (1 + Math.exp(-z)) - y[i];
      for (let g = 0; g < G; g++) grad[idx[i * G + g]] += r;
      grad[D] += r;
    }
    for (let j = 0; j < D; j++) grad[j] += lambda[j] * fit.weights[j];
    for (let j = 0; j <= D; j++) expect(Math.abs(grad[j])).toBeLessThan(1e-3);
  });
});

describe("gbdt", () => {
  it("blocked prediction equals walking each tree on its own, for any row count", () => {
    const rand = mulberry32(9);
    const n = 700;
    const F = 5;
    const X = Float64Array.from({ length: n * F }, () => Math.round(rand() * 20) / 4);
    const y = Array.from({ length: n }, (_, i) => (X[i * F] + X[i * F + 2] > 5 + rand() ? 1 : 0));
    const model = trainGbdt(X, n, F, y, { trees: 15, maxLeaves: 8, minChildSamples: 5, colSample: 0.8 });
    for (const m of [1, 3, 4, 65, n]) {
      const p = predictGbdt(model, X, m);
      for (let i = 0; i < m; i++) {
        let z = model.base;
        for (const t of model.trees) z += predictTree(t, X, i * F);
        expect(p[i]).toBeCloseTo(z, 12);
      }
    }
  });
});
