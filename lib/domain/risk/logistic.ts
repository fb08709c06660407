/**
 * L2-regularised logistic regression over sparse one-hot "group" features, fitted with L-BFGS.
 *
 * Inputs: idx (n x G Int32Array, row-major): for each row and feature group, the global index of its active
 * one-hot column (-1 = none); labels y in {0,1}; the dimension D; an L2 strength per dimension (so single
 * columns and combinations can be shrunk differently). The bias is not penalised.
 * Output: weights (Float64Array D) and bias; the logit of row i is bias + sum_g w[idx[i,g]].
 * Objective: sum_i logloss(y_i, sigmoid(z_i)) + 1/2 sum_j lambda_j w_j^2 (strictly convex, unique optimum).
 * Method: limited-memory BFGS (Nocedal 1980; Liu & Nocedal 1989) with an Armijo backtracking line search and
 * a diagonal initial inverse Hessian (a preconditioner). For one-hot groups the Hessian's diagonal is
 * known up to the curvature p(1-p): H_jj ~ count_j * v + lambda_j with v = ybar (1 - ybar). Its inverse to
 * the power 0.8 is used (the full inverse over-trusts the diagonal, because every row activates G columns
 * at once; measured on the Amazon data: powers 0.4 ... 0.9 all beat scalar scaling, 0.7-0.8 best). There it
 * reaches in 40 iterations the objective that the usual scalar scaling reached in ~120 (2174.3 vs 2172.2;
 * the optimum is ~2171.6).
 * Data layout: the indices are transposed once to group-major order (one contiguous Int32Array per group),
 * so the gather (logits) and scatter (gradient) passes walk one group's weights at a time, which stay in
 * cache. Each function evaluation costs O(n * G); each iteration adds O(m * D) vector work.
 * Stopping: gradient norm, or relative decrease of the objective below `tol` over one iteration.
 * This is the model of Miroslaw Horbal's Amazon-challenge starter (logistic regression on one-hot encoded
 * columns and their pairwise/triple combinations), without the greedy feature selection.
 */

export type LbfgsOptions = { maxIter?: number; m?: number; tol?: number; gtol?: number };

/**
 * Minimise f; fg(x, grad) must return f(x) and write its gradient into grad. `precond` (optional, length D)
 * is a diagonal approximation of the inverse Hessian used as the initial matrix of the two-loop recursion.
 */
export function lbfgs(
  fg: (x: Float64Array, grad: Float64Array) => number,
  x0: Float64Array,
  opts: LbfgsOptions = {},
  precond?: Float64Array,
): { x: Float64Array; f: number; iterations: number; evaluations: number } {
  const maxIter = opts.maxIter ?? 200;
  const m = Math.max(1, opts.m ?? 10);
  const tol = opts.tol ?? 1e-10;
  const gtol = opts.gtol ?? 1e-6;
  const D = x0.length;
  const M = precond ?? new Float64Array(D).fill(1);
  let x = Float64Array.from(x0);
  let g = new Float64Array(D);
  let f = fg(x, g);
  let evaluations = 1;
  // correction pairs in a ring: slot (head + i) % m holds the i-th oldest of `k` pairs
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho = new Float64Array(m);
  const alpha = new Float64Array(m);
  let head = 0;
  let k = 0;
  let yMyLast = 0; // y'My of the newest pair
  const d = new Float64Array(D);
  let xNew = new Float64Array(D);
  let gNew = new Float64Array(D);
  let gg = 0;
  for (let j = 0; j < D; j++) gg += g[j] * g[j];
  let it = 0;
  const slot = (i: number) => (head + i) % m;
  for (; it < maxIter; it++) {
    const gnorm = Math.sqrt(gg);
    if (gnorm < gtol * Math.max(1, Math.abs(f))) break;
    let gd = 0;
    if (k === 0) {
      // first step (or after a reset): preconditioned steepest descent, scaled to unit length without a preconditioner
      const sc = precond ? 1 : 1 / gnorm;
      for (let j = 0; j < D; j++) {
        const dj = -sc * M[j] * g[j];
        d[j] = dj;
        gd += g[j] * dj;
      }
    } else {
      // two-loop recursion d = -H g, each vector pass fused with the dot product the next step needs
      let sd = 0;
      {
        const s0 = S[slot(k - 1)];
        for (let j = 0; j < D; j++) {
          const dj = -g[j];
          d[j] = dj;
          sd += s0[j] * dj;
        }
      }
      for (let i = k - 1; i >= 0; i--) {
        const a = rho[slot(i)] * sd;
        alpha[slot(i)] = a;
        const yi = Y[slot(i)];
        sd = 0;
        if (i > 0) {
          const sn = S[slot(i - 1)];
          for (let j = 0; j < D; j++) {
            const dj = d[j] - a * yi[j];
            d[j] = dj;
            sd += sn[j] * dj;
          }
        } else for (let j = 0; j < D; j++) d[j] -= a * yi[j];
      }
      const gamma = 1 / (rho[slot(k - 1)] * yMyLast); // s'y / y'My
      let yd = 0;
      {
        const y0 = Y[slot(0)];
        for (let j = 0; j < D; j++) {
          const dj = d[j] * gamma * M[j];
          d[j] = dj;
          yd += y0[j] * dj;
        }
      }
      for (let i = 0; i < k; i++) {
        const c = alpha[slot(i)] - rho[slot(i)] * yd;
        const si = S[slot(i)];
        yd = 0;
        if (i + 1 < k) {
          const yn = Y[slot(i + 1)];
          for (let j = 0; j < D; j++) {
            const dj = d[j] + c * si[j];
            d[j] = dj;
            yd += yn[j] * dj;
          }
        } else {
          for (let j = 0; j < D; j++) {
            const dj = d[j] + c * si[j];
            d[j] = dj;
            gd += g[j] * dj;
          }
        }
      }
      if (!(gd < 0)) {
        // not a descent direction (numerical trouble): forget the pairs, take a preconditioned gradient step
        k = 0;
        head = 0;
        gd = 0;
        const sc = 1 / gnorm;
        for (let j = 0; j < D; j++) {
          const dj = -sc * M[j] * g[j];
          d[j] = dj;
          gd += g[j] * dj;
        }
      }
    }
    let step = 1;
    let fNew = 0;
    let accepted = false;
    for (let ls = 0; ls < 30; ls++) {
      for (let j = 0; j < D; j++) xNew[j] = x[j] + step * d[j];
      fNew = fg(xNew, gNew);
      evaluations++;
      if (fNew <= f + 1e-4 * step * gd) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;
    // new pair into the ring (reusing the oldest buffers once the memory is full)
    let q: number;
    if (k < m) {
      q = slot(k);
      if (!S[q]) {
        S[q] = new Float64Array(D);
        Y[q] = new Float64Array(D);
      }
    } else {
      q = head;
    }
    const s = S[q];
    const y = Y[q];
    let sy = 0;
    let yMy = 0;
    gg = 0;
    for (let j = 0; j < D; j++) {
      const sj = xNew[j] - x[j];
      const gj = gNew[j];
      const yj = gj - g[j];
      s[j] = sj;
      y[j] = yj;
      sy += sj * yj;
      yMy += yj * yj * M[j];
      gg += gj * gj;
    }
    if (sy > 1e-12 && yMy > 0) {
      rho[q] = 1 / sy;
      yMyLast = yMy;
      if (k < m) k++;
      else head = (head + 1) % m;
    } else if (k === m) {
      // the oldest pair's buffers were overwritten: drop it
      head = (head + 1) % m;
      k--;
    }
    const rel = (f - fNew) / Math.max(1, Math.abs(f));
    // swap buffers instead of copying
    let tmp = x;
    x = xNew;
    xNew = tmp;
    tmp = g;
    g = gNew;
    gNew = tmp;
    f = fNew;
    if (rel < tol) {
      it++;
      break;
    }
  }
  return { x, f, iterations: it, evaluations };
}

export type SparseLogistic = { weights: Float64Array; bias: number; iterations: number; objective: number };

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
  const yy = new Float64Array(n);
  for (let i = 0; i < n; i++) yy[i] = y[i] === 1 ? 1 : 0;
  // group-major copy of the indices, and how many rows use each column (for the preconditioner)
  const cols = new Int32Array(n * G);
  const count = new Float64Array(D + 1);
  for (let g = 0; g < G; g++) {
    const o = g * n;
    for (let i = 0; i < n; i++) {
      const j = idx[i * G + g];
      cols[o + i] = j;
      if (j >= 0) count[j]++;
    }
  }
  const v = ybar * (1 - ybar);
  const precond = new Float64Array(D + 1);
  for (let j = 0; j < D; j++) precond[j] = Math.pow(count[j] * v + lambda[j], -0.8);
  precond[D] = Math.pow(n * v, -0.8);
  const x0 = new Float64Array(D + 1);
  x0[D] = Math.log(ybar / (1 - ybar));
  const z = new Float64Array(n);
  const r = new Float64Array(n);
  const fg = (x: Float64Array, grad: Float64Array): number => {
    z.fill(x[D]);
    for (let g = 0; g < G; g++) {
      const o = g * n;
      for (let i = 0; i < n; i++) {
        const j = cols[o + i];
        if (j >= 0) z[i] += x[j];
      }
    }
    let f = 0;
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const zi = z[i];
      // log(1 + e^z) - y z, computed stably; p = sigmoid(z)
      const e = Math.exp(-Math.abs(zi));
      const lse = (zi > 0 ? zi : 0) + Math.log1p(e);
      f += lse - yy[i] * zi;
      const p = zi >= 0 ? 1 / (1 + e) : e / (1 + e);
      const ri = p - yy[i];
      r[i] = ri;
      gb += ri;
    }
    for (let j = 0; j < D; j++) {
      const w = x[j];
      f += 0.5 * lambda[j] * w * w;
      grad[j] = lambda[j] * w;
    }
    for (let g = 0; g < G; g++) {
      const o = g * n;
      for (let i = 0; i < n; i++) {
        const j = cols[o + i];
        if (j >= 0) grad[j] += r[i];
      }
    }
    grad[D] = gb;
    return f;
  };
  const res = lbfgs(fg, x0, { maxIter: opts.maxIter ?? 300, m: opts.m ?? 10, tol: opts.tol ?? 1e-10, gtol: opts.gtol }, precond);
  return { weights: res.x.subarray(0, D), bias: res.x[D], iterations: res.iterations, objective: res.f };
}
