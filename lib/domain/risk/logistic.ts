/**
 * L2-regularised logistic regression over sparse one-hot "group" features, fitted with L-BFGS.
 *
 * Inputs: idx (n x G Int32Array): for each row and feature group, the global index of its active one-hot
 * column (-1 = none); labels y in {0,1}; the dimension D; an L2 strength per dimension (so single columns and
 * combinations can be shrunk differently). The bias is not penalised.
 * Output: weights (Float64Array D) and bias; the logit of row i is bias + sum_g w[idx[i,g]].
 * Objective: sum_i logloss(y_i, sigmoid(z_i)) + 1/2 sum_j lambda_j w_j^2 (strictly convex, unique optimum).
 * Method: limited-memory BFGS (Nocedal 1980; Liu & Nocedal 1989) with m = 10 correction pairs and an
 * Armijo backtracking line search. Each iteration costs O(n * G + m * D).
 * This is the model of Miroslaw Horbal's Amazon-challenge starter (logistic regression on one-hot encoded
 * columns and their pairwise/triple combinations), without the greedy feature selection.
 */

export type LbfgsOptions = { maxIter?: number; m?: number; tol?: number };

/** Minimise f; fg(x, grad) must return f(x) and write its gradient into grad. */
export function lbfgs(
  fg: (x: Float64Array, grad: Float64Array) => number,
  x0: Float64Array,
  opts: LbfgsOptions = {},
): { x: Float64Array; f: number; iterations: number } {
  const maxIter = opts.maxIter ?? 200;
  const m = opts.m ?? 10;
  const tol = opts.tol ?? 1e-6;
  const D = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(D);
  let f = fg(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(D);
  const xNew = new Float64Array(D);
  const gNew = new Float64Array(D);
  const alpha = new Float64Array(m);
  let it = 0;
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let j = 0; j < D; j++) s += a[j] * b[j];
    return s;
  };
  for (; it < maxIter; it++) {
    const gnorm = Math.sqrt(dot(g, g));
    if (gnorm < tol * Math.max(1, Math.abs(f))) break;
    // two-loop recursion: d = -H g
    for (let j = 0; j < D; j++) d[j] = -g[j];
    const k = S.length;
    for (let i = k - 1; i >= 0; i--) {
      alpha[i] = rho[i] * dot(S[i], d);
      const yi = Y[i];
      const a = alpha[i];
      for (let j = 0; j < D; j++) d[j] -= a * yi[j];
    }
    if (k > 0) {
      const gamma = dot(S[k - 1], Y[k - 1]) / dot(Y[k - 1], Y[k - 1]);
      for (let j = 0; j < D; j++) d[j] *= gamma;
    } else {
      const s = 1 / gnorm;
      for (let j = 0; j < D; j++) d[j] *= s;
    }
    for (let i = 0; i < k; i++) {
      const beta = rho[i] * dot(Y[i], d);
      const si = S[i];
      const c = alpha[i] - beta;
      for (let j = 0; j < D; j++) d[j] += c * si[j];
    }
    let gd = dot(g, d);
    if (gd >= 0) {
      // not a descent direction (numerical trouble): restart from steepest descent
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let j = 0; j < D; j++) d[j] = -g[j] / gnorm;
      gd = dot(g, d);
    }
    let step = 1;
    let fNew = 0;
    let accepted = false;
    for (let ls = 0; ls < 30; ls++) {
      for (let j = 0; j < D; j++) xNew[j] = x[j] + step * d[j];
      fNew = fg(xNew, gNew);
      if (fNew <= f + 1e-4 * step * gd) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;
    // reuse the oldest pair buffers once the memory is full (no garbage per iteration)
    let s: Float64Array;
    let y: Float64Array;
    if (S.length === m) {
      s = S.shift()!;
      y = Y.shift()!;
      rho.shift();
    } else {
      s = new Float64Array(D);
      y = new Float64Array(D);
    }
    for (let j = 0; j < D; j++) {
      s[j] = xNew[j] - x[j];
      y[j] = gNew[j] - g[j];
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const rel = (f - fNew) / Math.max(1, Math.abs(f));
    x.set(xNew);
    g.set(gNew);
    f = fNew;
    if (rel < 1e-10) {
      it++;
      break;
    }
  }
  return { x, f, iterations: it };
}

export type SparseLogistic = { weights: Float64Array; bias: number; iterations: number };

export function fitSparseLogistic(
  idx: Int32Array,
  n: number,
  G: number,
  y: ArrayLike<number>,
  D: number,
  lambda: Float64Array,
  opts: LbfgsOptions = {},
): SparseLogistic {
  // parameter vector: [w_0 .. w_{D-1}, bias]
  let ybar = 0;
  for (let i = 0; i < n; i++) ybar += y[i];
  ybar = Math.min(1 - 1e-6, Math.max(1e-6, ybar / n));
  const x0 = new Float64Array(D + 1);
  x0[D] = Math.log(ybar / (1 - ybar));
  const fg = (x: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let f = 0;
    const b = x[D];
    let gb = 0;
    for (let i = 0; i < n; i++) {
      let z = b;
      const base = i * G;
      for (let g = 0; g < G; g++) {
        const j = idx[base + g];
        if (j >= 0) z += x[j];
      }
      // log(1 + e^z) - y z, computed stably
      const lse = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
      f += lse - (y[i] === 1 ? z : 0);
      const p = 1 / (1 + Math.exp(-z));
      const r = p - (y[i] === 1 ? 1 : 0);
      gb += r;
      for (let g = 0; g < G; g++) {
        const j = idx[base + g];
        if (j >= 0) grad[j] += r;
      }
    }
    for (let j = 0; j < D; j++) {
      const w = x[j];
      f += 0.5 * lambda[j] * w * w;
      grad[j] += lambda[j] * w;
    }
    grad[D] = gb;
    return f;
  };
  const res = lbfgs(fg, x0, { maxIter: opts.maxIter ?? 300, m: opts.m ?? 10, tol: opts.tol ?? 1e-7 });
  return { weights: res.x.subarray(0, D), bias: res.x[D], iterations: res.iterations };
}
