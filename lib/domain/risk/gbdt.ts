/**
 * Gradient-boosted decision trees for binary log-loss, histogram based, grown leaf-wise.
 *
 * Inputs: a dense numeric matrix (row-major Float64Array n x F), labels in {0,1}, hyper-parameters.
 * Output: an additive model of regression trees on the logit scale (base score + sum of leaf values).
 * Method: Friedman (2001) gradient boosting with second-order (Newton) leaf values and split gains as in
 * XGBoost (Chen & Guestrin 2016); features are quantile-binned (<= maxBins) once, histograms of gradient /
 * hessian / count are built per leaf, the larger child's histogram is the parent's minus the smaller
 * child's (LightGBM, Ke et al. 2017), and the leaf with the best gain is split next (best-first growth).
 * Row and column subsampling per tree (stochastic gradient boosting).
 * Complexity: binning O(F n log n); per tree O(n_sub * F_sub * log(leaves)) for histograms plus
 * O(leaves * F * maxBins) for split search; prediction O(trees * depth) per row.
 */

import { mulberry32, shuffleInPlace } from "./folds";

export type GbdtParams = {
  trees: number;
  learningRate: number;
  maxLeaves: number;
  maxDepth: number;
  minChildSamples: number;
  minChildHessian: number;
  lambda: number; // L2 on leaf values
  rowSample: number;
  colSample: number;
  maxBins: number;
  seed: number;
};

export const defaultGbdtParams: GbdtParams = {
  trees: 300,
  learningRate: 0.05,
  maxLeaves: 24,
  maxDepth: 8,
  minChildSamples: 20,
  minChildHessian: 1e-3,
  lambda: 2,
  rowSample: 0.8,
  colSample: 0.6,
  maxBins: 64,
  seed: 1,
};

/** One tree in flat arrays; node k is a leaf when feature[k] < 0. Left branch: x[feature] <= threshold. */
export type Tree = { feature: number[]; threshold: number[]; left: number[]; right: number[]; value: number[] };
export type GbdtModel = { base: number; trees: Tree[]; nFeatures: number };

function quantileCuts(values: Float64Array, maxBins: number): number[] {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const cuts: number[] = [];
  for (let b = 1; b < maxBins; b++) {
    const pos = Math.floor((b * n) / maxBins);
    if (pos <= 0 || pos >= n) continue;
    const lo = sorted[pos - 1];
    const hi = sorted[pos];
    if (lo === hi) continue; // no boundary here; the value run is kept in one bin
    const cut = lo + (hi - lo) / 2;
    if (cuts.length === 0 || cut > cuts[cuts.length - 1]) cuts.push(cut);
  }
  // also place cuts between heavy repeated values that the quantile grid skipped
  return cuts;
}

function binOf(cuts: number[], x: number): number {
  let lo = 0;
  let hi = cuts.length; // bin = number of cuts strictly below x  <=>  first cut with x <= cut
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x <= cuts[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

type Leaf = {
  node: number;
  start: number;
  end: number;
  depth: number;
  hist: Float64Array; // [F * B * 3]: grad, hess, count
  G: number;
  H: number;
  best: { gain: number; feature: number; bin: number; GL: number; HL: number; NL: number };
};

/**
 * X may be several matrices ("views") of the same rows and features, e.g. target statistics from different random
 * splits: tree t is grown on view t mod V (CatBoost grows its trees on statistics of several permutations), and
 * every row's running logit follows the view its tree used.
 */
export function trainGbdt(
  X: Float64Array | Float64Array[],
  n: number,
  F: number,
  y: ArrayLike<number>,
  params: Partial<GbdtParams> = {},
  init?: Float64Array, // optional starting logits per row (boosting from another model)
): GbdtModel {
  const P = { ...defaultGbdtParams, ...params };
  const rand = mulberry32(P.seed);
  const B = P.maxBins;
  if (B > 256) throw new Error("gbdt: maxBins must be <= 256");
  const views = Array.isArray(X) ? X : [X];
  const cutsV: number[][][] = [];
  const binsV: Uint8Array[] = [];
  const col = new Float64Array(n);
  for (const Xv of views) {
    const cv: number[][] = [];
    // feature-major bins: the histogram of one feature reads one contiguous column
    const bv = new Uint8Array(n * F);
    for (let f = 0; f < F; f++) {
      for (let i = 0; i < n; i++) col[i] = Xv[i * F + f];
      const c = quantileCuts(col, B);
      cv.push(c);
      const o = f * n;
      for (let i = 0; i < n; i++) bv[o + i] = binOf(c, col[i]);
    }
    cutsV.push(cv);
    binsV.push(bv);
  }
  let cuts = cutsV[0];
  let bins = binsV[0];
  let ybar = 0;
  for (let i = 0; i < n; i++) ybar += y[i];
  ybar = Math.min(1 - 1e-6, Math.max(1e-6, ybar / n));
  const base = init ? 0 : Math.log(ybar / (1 - ybar));
  const z = new Float64Array(n).fill(base);
  if (init) z.set(init);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const rows = new Uint32Array(n);
  const all = new Uint32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  const nSub = Math.max(1, Math.round(n * P.rowSample));
  const fAll = Array.from({ length: F }, (_, f) => f);
  const trees: Tree[] = [];
  const histPool: Float64Array[] = [];
  const newHist = () => histPool.pop() ?? new Float64Array(F * B * 3);

  // gradients in leaf order (LightGBM's "ordered gradients"): sequential reads in the histogram loops
  const og = new Float64Array(n);
  const oh = new Float64Array(n);
  const spare = new Uint32Array(n);
  const buildHist = (h: Float64Array, start: number, end: number, feats: number[]) => {
    h.fill(0);
    for (let k = start; k < end; k++) {
      const i = rows[k];
      og[k] = grad[i];
      oh[k] = hess[i];
    }
    for (let q = 0; q < feats.length; q++) {
      const f = feats[q];
      const bo = f * n;
      const ho = f * B * 3;
      for (let k = start; k < end; k++) {
        const o = ho + bins[bo + rows[k]] * 3;
        h[o] += og[k];
        h[o + 1] += oh[k];
        h[o + 2] += 1;
      }
    }
  };
  const score = (G: number, H: number) => (G * G) / (H + P.lambda);
  const findBest = (leaf: Leaf, feats: number[], count: number) => {
    const h = leaf.hist;
    let best = { gain: 0, feature: -1, bin: -1, GL: 0, HL: 0, NL: 0 };
    if (leaf.depth >= P.maxDepth || count < 2 * P.minChildSamples) {
      leaf.best = best;
      return;
    }
    const parent = score(leaf.G, leaf.H);
    for (const f of feats) {
      const nb = cuts[f].length + 1;
      let GL = 0;
      let HL = 0;
      let NL = 0;
      for (let b = 0; b < nb - 1; b++) {
        const o = (f * B + b) * 3;
        GL += h[o];
        HL += h[o + 1];
        NL += h[o + 2];
        const NR = count - NL;
        if (NL < P.minChildSamples) continue;
        if (NR < P.minChildSamples) break;
        const HR = leaf.H - HL;
        if (HL < P.minChildHessian || HR < P.minChildHessian) continue;
        const gain = score(GL, HL) + score(leaf.G - GL, HR) - parent;
        if (gain > best.gain) best = { gain, feature: f, bin: b, GL, HL, NL };
      }
    }
    leaf.best = best;
  };

  for (let t = 0; t < P.trees; t++) {
    cuts = cutsV[t % views.length];
    bins = binsV[t % views.length];
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-z[i]));
      grad[i] = p - (y[i] === 1 ? 1 : 0);
      hess[i] = Math.max(p * (1 - p), 1e-12);
    }
    // row subsample: partial Fisher-Yates over all rows
    all.forEach((_, i) => (all[i] = i));
    for (let k = 0; k < nSub; k++) {
      const j = k + Math.floor(rand() * (n - k));
      const tmp = all[k];
      all[k] = all[j];
      all[j] = tmp;
    }
    rows.set(all.subarray(0, nSub));
    rows.subarray(0, nSub).sort(); // ascending row order inside every leaf (stable partitions keep it)
    const feats =
      P.colSample >= 1
        ? fAll
        : shuffleInPlace(fAll.slice(), rand)
            .slice(0, Math.max(1, Math.round(F * P.colSample)))
            .sort((a, b) => a - b);
    const tree: Tree = { feature: [-1], threshold: [0], left: [-1], right: [-1], value: [0] };
    const splitBin: number[] = [0];
    let G0 = 0;
    let H0 = 0;
    for (let k = 0; k < nSub; k++) {
      G0 += grad[rows[k]];
      H0 += hess[rows[k]];
    }
    const root: Leaf = {
      node: 0,
      start: 0,
      end: nSub,
      depth: 0,
      hist: newHist(),
      G: G0,
      H: H0,
      best: { gain: 0, feature: -1, bin: -1, GL: 0, HL: 0, NL: 0 },
    };
    buildHist(root.hist, 0, nSub, feats);
    findBest(root, feats, nSub);
    const leaves: Leaf[] = [root];
    while (leaves.length < P.maxLeaves) {
      let bi = -1;
      for (let q = 0; q < leaves.length; q++) {
        if (leaves[q].best.gain > 1e-9 && (bi < 0 || leaves[q].best.gain > leaves[bi].best.gain)) bi = q;
      }
      if (bi < 0) break;
      const leaf = leaves[bi];
      const { feature: f, bin: sb, GL, HL, NL } = leaf.best;
      // stable partition of rows[start, end): rows with bin <= sb first
      const bo = f * n;
      let a = leaf.start;
      let b = 0;
      for (let k = leaf.start; k < leaf.end; k++) {
        const i = rows[k];
        if (bins[bo + i] <= sb) rows[a++] = i;
        else spare[b++] = i;
      }
      rows.set(spare.subarray(0, b), a);
      const mid = a;
      if (mid - leaf.start !== NL) throw new Error("gbdt: partition mismatch");
      const li = tree.feature.length;
      const ri = li + 1;
      tree.feature[leaf.node] = f;
      tree.threshold[leaf.node] = cuts[f][sb];
      splitBin[leaf.node] = sb;
      tree.left[leaf.node] = li;
      tree.right[leaf.node] = ri;
      for (let rep = 0; rep < 2; rep++) {
        tree.feature.push(-1);
        tree.threshold.push(0);
        tree.left.push(-1);
        tree.right.push(-1);
        tree.value.push(0);
        splitBin.push(0);
      }
      const L: Leaf = { node: li, start: leaf.start, end: mid, depth: leaf.depth + 1, hist: leaf.hist, G: GL, H: HL, best: leaf.best };
      const R: Leaf = { node: ri, start: mid, end: leaf.end, depth: leaf.depth + 1, hist: leaf.hist, G: leaf.G - GL, H: leaf.H - HL, best: leaf.best };
      const small = L.end - L.start <= R.end - R.start ? L : R;
      const large = small === L ? R : L;
      const sh = newHist();
      buildHist(sh, small.start, small.end, feats);
      const parentHist = leaf.hist;
      for (let q = 0; q < feats.length; q++) {
        const o0 = feats[q] * B * 3;
        for (let o = o0; o < o0 + B * 3; o++) parentHist[o] -= sh[o];
      }
      small.hist = sh;
      large.hist = parentHist;
      findBest(L, feats, L.end - L.start);
      findBest(R, feats, R.end - R.start);
      leaves.splice(bi, 1, L, R);
    }
    for (const leaf of leaves) {
      const v = (-leaf.G / (leaf.H + P.lambda)) * P.learningRate;
      tree.value[leaf.node] = v;
      histPool.push(leaf.hist);
    }
    trees.push(tree);
    // update logits of all rows (out-of-bag rows too)
    for (let i = 0; i < n; i++) {
      let k = 0;
      while (tree.feature[k] >= 0) {
        const f = tree.feature[k];
        k = bins[f * n + i] <= splitBin[k] ? tree.left[k] : tree.right[k];
      }
      z[i] += tree.value[k];
    }
  }
  return { base, trees, nFeatures: F };
}

export function predictTree(tree: Tree, x: Float64Array, off: number): number {
  let k = 0;
  while (tree.feature[k] >= 0) k = x[off + tree.feature[k]] <= tree.threshold[k] ? tree.left[k] : tree.right[k];
  return tree.value[k];
}

/**
 * All trees in two typed arrays (one allocation, monomorphic access), built once per model:
 * node k has ints [feature, left, right] at 3k (feature -1 = leaf; children are absolute node numbers)
 * and its threshold (inner node) or value (leaf) at num[k].
 */
type Packed = { ints: Int32Array; num: Float64Array; root: Int32Array };
const packedCache = new WeakMap<GbdtModel, Packed>();

function pack(model: GbdtModel): Packed {
  const hit = packedCache.get(model);
  if (hit) return hit;
  const total = model.trees.reduce((s, t) => s + t.feature.length, 0);
  const p: Packed = { ints: new Int32Array(3 * total), num: new Float64Array(total), root: new Int32Array(model.trees.length) };
  let o = 0;
  model.trees.forEach((t, k) => {
    p.root[k] = o;
    for (let j = 0; j < t.feature.length; j++) {
      const leaf = t.feature[j] < 0;
      p.ints[3 * (o + j)] = leaf ? -1 : t.feature[j];
      p.ints[3 * (o + j) + 1] = leaf ? -1 : t.left[j] + o;
      p.ints[3 * (o + j) + 2] = leaf ? -1 : t.right[j] + o;
      p.num[o + j] = leaf ? t.value[j] : t.threshold[j];
    }
    o += t.feature.length;
  });
  packedCache.set(model, p);
  return p;
}

/** Rows per block in prediction: a block of the matrix stays in cache while every tree visits it. */
export const PREDICT_BLOCK = 64;

/**
 * Add the trees' logits (without the base score) of rows [0, n) of a row-major matrix to out[outOff + i].
 * Trees are the outer loop within a block of rows, so each tree's nodes stay hot.
 */
export function addTreeLogits(model: GbdtModel, X: Float64Array, n: number, out: Float64Array, outOff = 0): void {
  const F = model.nFeatures;
  const { ints, num, root } = pack(model);
  const T = root.length;
  for (let b0 = 0; b0 < n; b0 += PREDICT_BLOCK) {
    const b1 = Math.min(n, b0 + PREDICT_BLOCK);
    for (let k = 0; k < T; k++) {
      const r = root[k];
      let i = b0;
      // four rows walk the tree together: independent chains of dependent loads overlap
      for (; i + 4 <= b1; i += 4) {
        const o0 = i * F;
        const o1 = o0 + F;
        const o2 = o1 + F;
        const o3 = o2 + F;
        let j0 = r;
        let j1 = r;
        let j2 = r;
        let j3 = r;
        let f0 = ints[3 * r];
        let f1 = f0;
        let f2 = f0;
        let f3 = f0;
        while ((f0 & f1 & f2 & f3) >= 0) {
          // until all four reached a leaf (leaves have feature -1, so the AND is negative only then)
          if (f0 >= 0) {
            j0 = X[o0 + f0] <= num[j0] ? ints[3 * j0 + 1] : ints[3 * j0 + 2];
            f0 = ints[3 * j0];
          }
          if (f1 >= 0) {
            j1 = X[o1 + f1] <= num[j1] ? ints[3 * j1 + 1] : ints[3 * j1 + 2];
            f1 = ints[3 * j1];
          }
          if (f2 >= 0) {
            j2 = X[o2 + f2] <= num[j2] ? ints[3 * j2 + 1] : ints[3 * j2 + 2];
            f2 = ints[3 * j2];
          }
          if (f3 >= 0) {
            j3 = X[o3 + f3] <= num[j3] ? ints[3 * j3 + 1] : ints[3 * j3 + 2];
            f3 = ints[3 * j3];
          }
        }
        out[outOff + i] += num[j0];
        out[outOff + i + 1] += num[j1];
        out[outOff + i + 2] += num[j2];
        out[outOff + i + 3] += num[j3];
      }
      for (; i < b1; i++) {
        const off = i * F;
        let j = r;
        let f = ints[3 * j];
        while (f >= 0) {
          j = X[off + f] <= num[j] ? ints[3 * j + 1] : ints[3 * j + 2];
          f = ints[3 * j];
        }
        out[outOff + i] += num[j];
      }
    }
  }
}

/** Logits for n rows of a row-major matrix. */
export function predictGbdt(model: GbdtModel, X: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n).fill(model.base);
  addTreeLogits(model, X, n, out);
  return out;
}
