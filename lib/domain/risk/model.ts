/**
 * Access-request risk model: probability that a request is approved, from categorical attributes of the
 * request (resource, manager, role rollups, department, title, family...), with plain-words reasons.
 *
 * Inputs (training): column names, rows of category strings, 0/1 labels (1 = approved).
 * Output: a RiskModel (JSON-serialisable) and, per row, p_approve.
 *
 * Method: a blend on the logit scale of two learners that see the same "group tables" (every single
 * column, pair and triple of columns, plus the 4-column groups named in config.lrGroups; counts of requests and
 * approvals per observed combination):
 *  (a) L2 logistic regression on one-hot indicators of combination groups (Miroslaw Horbal's Amazon Employee Access
 *      Challenge starter, used by most top teams), fitted by L-BFGS. As in that starter, the groups are chosen by
 *      greedy forward selection (scripts/bench/risk-select.ts: add the group that most raises the out-of-fold AUC,
 *      3-fold CV on the 80% tuning part): config.lrGroups names the 25 it picked (2 single columns, 11
 *      pairs, 9 triples, 3 groups of 4 columns) out of 162 candidates, used when the data has those columns; other data (e.g. the portal's own history) falls
 *      back to every group up to maxOrder with lrLambdaAll. L2 strength per group by its number of columns
 *      (lrLambda, tuned on the selected groups: [2, 2, 3, 3]; the selection itself ran with [2, 3, 8, 12]).
 *      Combinations seen fewer than `minCount` (2) times share one "rare" weight per group, which is also the
 *      weight of an unseen combination at prediction time: so the model learns how risky "never seen elsewhere"
 *      is, instead of treating it as neutral (minCount 1 or 3 lose about 0.008 AUC).
 *  (b) gradient-boosted trees (./gbdt) on target statistics and frequencies of the groups of at most treeMaxOrder
 *      columns (the idea of CatBoost's CTR features, Prokhorenkova et al. 2018): smoothed approval log-odds and
 *      log-count of each combination, plus (stack "feature") the out-of-fold logit of (a) (5 fits of (a) on 4/5 of
 *      the rows). For training rows the statistics are computed out-of-fold (K inner folds), so a row's own label
 *      never leaks into its features; at prediction time they come from all training rows. (b) is the average of
 *      `treeBags` (3) boosted models; each model's trees alternate between `treeViews` (2) inner splits (its own
 *      target statistics), like CatBoost's several permutations: a training row's statistics are noisy (they depend
 *      on which rows shared its fold), and averaging over several splits removes much of that noise.
 *  The blend logit = c0 + c1 * logit_a + c2 * logit_b; (c0, c1, c2) act as a Platt scaling of the blend and were
 *  fitted by logistic regression on 5-fold out-of-fold logits of (a) and (b) on the 80% tuning part of the Amazon
 *  train.csv (validate.holdoutSplit; scripts/bench/risk-tune.ts), never on its held-out 20%.
 *  Measured there (5-fold CV on the tuning part, AUC / logloss, tsx scripts/bench/risk-tune.ts '{"config":...}'):
 *    previous defaults (all 92 groups in (a), no stacking, one view): (a) 0.8713 / 0.1486, (b) 0.8630 / 0.1492,
 *      blend 0.8741 / 0.1447;
 *    + selected groups, lambda [2, 3, 8, 12]: (a) 0.8754 / 0.1497; with lambda [2, 2, 3, 3]: (a) 0.8767 / 0.1467,
 *      refitted blend 0.8772 / 0.1443;
 *    + trees also on the 4-column groups: (b) 0.8641 / 0.1490, refitted blend 0.8779 / 0.1442;
 *    + stack "feature": (b) 0.8733 / 0.1454, refitted blend 0.8779 / 0.1438;
 *    + treeViews 2: (b) 0.8741 / 0.1449, blend 0.8787 / 0.1434;
 *    + heavier tree regularisation, minChildSamples 200 and lambda 10 instead of 20 and 2 (current defaults; the
 *      statistics of a rare combination are noisy, so small leaves overfit them): (b) 0.8749 / 0.1437, refitted blend
 *      [-0.015, 0.310, 0.690] 0.8786 / 0.1429. Neighbours (b / refitted blend): minChildSamples 50 lambda 5
 *      0.8737 / 0.1441, 0.8782 / 0.1430; 100 / 10: 0.8742 / 0.1440, 0.8783 / 0.1431; 50 / 20: 0.8758 / 0.1438,
 *      0.8789 / 0.1431; 200 / 20: 0.8752 / 0.1437, 0.8785 / 0.1431; 200 / 40 at rate 0.15: 0.8757 / 0.1437,
 *      0.8786 / 0.1431; 100 / 20 with 120 trees: 0.8727 / 0.1446, 0.8780 / 0.1433. With 200 / 10: maxLeaves 48
 *      0.8757 / 0.1436, 0.8790 / 0.1429 (within noise, not adopted); targetPrior 3 0.8729 / 0.1443, 0.8773 / 0.1434.
 *  Tried there without gain with the earlier trees (minChildSamples 20, lambda 2): maxLeaves 12 x 120 trees (blend
 *  0.8788 / 0.1435), 160 trees at rate 0.06 (0.8778 / 0.1435), colSample 0.3 (0.8775 / 0.1440), lrMaxIter 80
 *  (0.8786 / 0.1435). Recalibrating the blend on the same out-of-fold logits (nested 5-fold on the logits, numpy):
 *  quadratic or cubic terms in (za, zb), hinge splines on za, zb or the blend logit, min(za, zb), isotonic regression
 *  mixed 50/50 with the Platt blend (scripts/bench/risk-calibrate.py): all within +-0.0004 logloss of the linear blend
 *  (0.1435 there; 0.1430 with the current trees, best alternative 0.1429), so the linear blend is
 *  already calibrated and the remaining logloss gap is in the learners.
 *  Tried there without gain (kept as options, off): 6 tree bags instead of 3 (blend 0.8743 / 0.1445 with the old
 *  (a)), 3 views, 1 bag x 3 views x 240 trees, 120 trees at rate 0.08, stack "init" (boosting from (a)'s logit),
 *  inner folds 5 instead of 20, label-free cardinality features (distinct values of one column per value of
 *  another; trees 0.8608, removed), CatBoost-style ordered statistics (`targetStats`), a field-aware factorisation
 *  machine as a third learner (`ffm`, ./ffm), pairs-only trees, prior 5.
 * Complexity: training O(iterations * n * G_a) for (a) (6 fits with stacking) and O(views * G_b * n + trees * n * F
 * log leaves) for (b), with G_b groups (8 + 28 + 56 + 3 = 95 for the Amazon data: 9 columns, one redundant), G_a = 25
 * and F = 2 G_b + 1 features; prediction O(G + trees * depth) per row.
 * Prediction looks combinations up in typed-array hash tables (features.KeyIndex), gathers each entry's
 * precomputed tree features (built once per model and cached) and walks the trees over blocks of rows.
 * Explanations use the additive part (a): each group's weight (scaled by c1) is its push on the
 * log-odds, described with the group's past counts.
 */

import {
  buildGroupTables,
  buildVocab,
  encodeRows,
  enumerateGroups,
  findDuplicateColumns,
  KeyIndex,
  lookupEntries,
  orderedStats,
  outOfFoldStats,
  vocabMaps,
  type GroupTable,
} from "./features";
import { fitSparseLogistic } from "./logistic";
import { addTreeLogits, PREDICT_BLOCK, trainGbdt, type GbdtModel, type GbdtParams, type Tree } from "./gbdt";
import { mulberry32, shuffleInPlace, stratifiedFolds } from "./folds";
import { ffmLogit, trainFfm, type FfmModel, type FfmParams } from "./ffm";

export type RiskModelConfig = {
  maxOrder: number; // 1 = single columns, 2 = + pairs, 3 = + triples
  minCount: number; // combinations seen fewer times share the group's "rare" weight in (a)
  lrLambda: number[]; // L2 strength of (a) for single columns, pairs, triples, quadruples (with lrGroups)
  lrLambdaAll: number[]; // the same when (a) uses every group (lrGroups null or not applicable)
  /**
   * The groups of (a), by column names (any order, up to 4 columns). Used when the data has every named column (and
   * none of them is a redundant copy of another); otherwise, or when null, (a) uses every group of at most maxOrder
   * columns. The default list was chosen by greedy forward selection on the Amazon tuning part (scripts/bench/risk-select.ts).
   */
  lrGroups: string[][] | null;
  lrMaxIter: number; // L-BFGS iterations of (a)
  lrMemory: number; // L-BFGS correction pairs
  treeMaxOrder: number; // groups of at most this many columns feed the trees (b)
  targetPrior: number; // pseudo-count A of the smoothed target statistic (pos + A p0) / (n + A)
  innerFolds: number; // K of the out-of-fold target statistics for (b)
  /** How (b)'s training rows get target statistics without their own label: K-fold out-of-fold, or ordered (CatBoost). */
  targetStats: "kfold" | "ordered";
  treeBags: number; // (b) is the average of this many boosted models, each on its own inner split
  treeViews: number; // each boosted model cycles its trees over this many inner splits (gbdt views)
  gbdt: Partial<GbdtParams>;
  blend: number[]; // c0, c1 (logistic), c2 (trees), c3 (factorisation machine; absent = 0)
  /** (c) field-aware factorisation machine on the single columns (null = not trained). */
  ffm: Partial<FfmParams> | null;
  ffmMinCount: number; // values seen fewer times share their column's "rare" vector in (c)
  /** "off": (b) sees target statistics only; "feature": also the out-of-fold logit of (a); "init": (b) boosts from it. */
  stack: "off" | "feature" | "init";
  stackFolds: number; // folds of the out-of-fold logits of (a) when stacking
  seed: number;
};

export const defaultRiskConfig: RiskModelConfig = {
  maxOrder: 3,
  minCount: 2,
  lrLambda: [2, 2, 3, 3],
  lrLambdaAll: [2, 3, 8],
  // chosen by scripts/bench/risk-select.ts '{"folds":3,"maxIter":30,"steps":45}' (25 steps, in this order)
  lrGroups: [
    ["MGR_ID", "ROLE_FAMILY"],
    ["ROLE_ROLLUP_2", "ROLE_TITLE", "ROLE_FAMILY_DESC"],
    ["RESOURCE", "ROLE_TITLE"],
    ["MGR_ID", "ROLE_FAMILY_DESC"],
    ["RESOURCE", "ROLE_ROLLUP_1"],
    ["ROLE_DEPTNAME", "ROLE_TITLE", "ROLE_FAMILY_DESC"],
    ["MGR_ID", "ROLE_ROLLUP_2"],
    ["ROLE_TITLE", "ROLE_FAMILY_DESC", "ROLE_FAMILY"],
    ["ROLE_ROLLUP_1", "ROLE_ROLLUP_2", "ROLE_DEPTNAME"],
    ["RESOURCE"],
    ["MGR_ID", "ROLE_DEPTNAME", "ROLE_FAMILY_DESC"],
    ["ROLE_DEPTNAME", "ROLE_FAMILY_DESC", "ROLE_FAMILY"],
    ["RESOURCE", "ROLE_DEPTNAME", "ROLE_FAMILY_DESC", "ROLE_FAMILY"],
    ["MGR_ID", "ROLE_TITLE"],
    ["RESOURCE", "ROLE_ROLLUP_1", "ROLE_ROLLUP_2", "ROLE_DEPTNAME"],
    ["ROLE_FAMILY"],
    ["ROLE_TITLE", "ROLE_FAMILY_DESC"],
    ["MGR_ID", "ROLE_DEPTNAME"],
    ["ROLE_ROLLUP_1", "ROLE_FAMILY_DESC"],
    ["MGR_ID", "ROLE_ROLLUP_2", "ROLE_DEPTNAME", "ROLE_TITLE"],
    ["ROLE_ROLLUP_1", "ROLE_DEPTNAME", "ROLE_TITLE"],
    ["RESOURCE", "ROLE_DEPTNAME"],
    ["ROLE_ROLLUP_1", "ROLE_ROLLUP_2"],
    ["MGR_ID", "ROLE_TITLE", "ROLE_FAMILY_DESC"],
    ["ROLE_ROLLUP_1", "ROLE_TITLE", "ROLE_FAMILY_DESC"],
  ],
  treeMaxOrder: 4, // with maxOrder 3, the only 4-column groups are those of lrGroups
  lrMaxIter: 40, // with the preconditioned L-BFGS (./logistic), 40 iterations get within 0.15% of the optimum
  lrMemory: 5,
  targetPrior: 1,
  innerFolds: 20,
  targetStats: "kfold",
  treeBags: 3,
  treeViews: 2,
  gbdt: { trees: 80, learningRate: 0.12, maxLeaves: 24, minChildSamples: 200, lambda: 10, rowSample: 0.8, colSample: 0.5, maxBins: 64 },
  blend: [-0.015, 0.31, 0.69],
  stack: "feature",
  stackFolds: 5,
  ffm: null,
  ffmMinCount: 2,
  seed: 1,
};

/** A group table with its weights in (a); `lr` false = the group feeds only the trees (weights all 0). */
type RuntimeGroup = GroupTable & { w: Float64Array; rareW: number; lr: boolean };

export type RiskModel = {
  label: string;
  columns: string[];
  levels: string[][];
  maps: Map<string, number>[];
  groups: RuntimeGroup[];
  bias: number;
  prior: number; // training approval rate
  config: RiskModelConfig;
  gbdt: GbdtModel;
  ffm: FfmModel | null;
  trainedRows: number;
};

export type TrainInput = { label: string; columns: string[]; rows: string[][]; labels: ArrayLike<number> };

const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function trainRiskModel(input: TrainInput, config: Partial<RiskModelConfig> = {}): RiskModel {
  const cfg: RiskModelConfig = { ...defaultRiskConfig, ...config, gbdt: { ...defaultRiskConfig.gbdt, ...config.gbdt } };
  const { columns, rows } = input;
  const n = rows.length;
  if (n === 0) throw new Error("risk: no training rows");
  if (input.labels.length !== n) throw new Error("risk: labels and rows differ in length");
  const y = new Int32Array(n);
  let npos = 0;
  for (let i = 0; i < n; i++) {
    const v = input.labels[i];
    if (v !== 0 && v !== 1) throw new Error(`risk: label of row ${i + 1} is ${v}, expected 0 or 1`);
    y[i] = v;
    npos += v;
  }
  if (npos === 0 || npos === n) throw new Error("risk: training labels must contain both 0 and 1");
  const C = columns.length;
  const levels = buildVocab(rows, C);
  const maps = vocabMaps(levels);
  const codes = encodeRows(rows, maps);
  const dup = findDuplicateColumns(codes, n, C);
  const cols = [...Array(C).keys()].filter((c) => dup[c] < 0);
  const { groupCols, lrIds, lam } = chooseGroups(columns, cols, cfg);
  const sizes = levels.map((l) => l.length);
  const { tables, entries } = buildGroupTables(codes, n, C, groupCols, sizes, y);
  const G = tables.length;
  const prior = npos / n;

  // (a) logistic regression on all training rows
  const all = new Int32Array(n).fill(0);
  const lr = fitGroupLogistic(tables, entries, G, y, all, -1, cfg, lrIds, lam);
  const inLr = new Set(lrIds);
  const groups: RuntimeGroup[] = tables.map((t, g) => ({ ...t, w: lr.w[g], rareW: lr.rareW[g], lr: inLr.has(g) }));

  // (b) boosted trees on out-of-fold target statistics
  const treeGroups = treeGroupIds(tables, cfg);
  const F = 2 * treeGroups.length + (cfg.stack === "feature" ? 1 : 0);
  const buildX = (seed: number): Float64Array => {
    const X = new Float64Array(n * F);
    if (cfg.targetStats === "ordered") {
      const order = shuffleInPlace(Int32Array.from({ length: n }, (_, i) => i), mulberry32(seed));
      const st = orderedStats(entries, n, tables, y, order);
      for (let i = 0; i < n; i++) {
        treeGroups.forEach((g, q) => {
          const o = i * F + 2 * q;
          statFeatures(X, o, st.cnt[i * G + g], st.pos[i * G + g], prior, cfg.targetPrior, 1);
          X[o + 1] = Math.log1p(st.others[i * G + g]);
        });
      }
    } else {
      const K = Math.max(2, Math.min(cfg.innerFolds, n));
      const inner = stratifiedFolds(y, K, seed);
      const st = outOfFoldStats(entries, n, tables, y, inner, K);
      const scale = K / (K - 1);
      for (let i = 0; i < n; i++) {
        treeGroups.forEach((g, q) => statFeatures(X, i * F + 2 * q, st.cnt[i * G + g], st.pos[i * G + g], prior, cfg.targetPrior, scale));
      }
    }
    return X;
  };
  let oofA: Float64Array | undefined;
  if (cfg.stack !== "off") {
    // out-of-fold logits of (a): for each of `stackFolds` folds, (a) fitted on the other folds only
    const KS = Math.max(2, Math.min(cfg.stackFolds, n));
    oofA = oofLogistic(tables, entries, G, y, stratifiedFolds(y, KS, cfg.seed + 31), KS, cfg, lrIds, lam);
  }
  // bags: each with its own inner split (so its own noise in the target statistics) and tree seed; averaged
  const B = Math.max(1, Math.floor(cfg.treeBags));
  const bagModels: GbdtModel[] = [];
  for (let b = 0; b < B; b++) {
    const V = Math.max(1, Math.floor(cfg.treeViews ?? 1));
    const Xs = Array.from({ length: V }, (_, v) => buildX(cfg.seed + 17 + 1000 * b + 7919 * v));
    if (oofA && cfg.stack === "feature") for (const X of Xs) for (let i = 0; i < n; i++) X[i * F + F - 1] = oofA[i];
    bagModels.push(trainGbdt(V === 1 ? Xs[0] : Xs, n, F, y, { ...cfg.gbdt, seed: cfg.seed + b }, cfg.stack === "init" ? oofA : undefined));
  }
  const gbdt: GbdtModel =
    B === 1
      ? bagModels[0]
      : {
          base: bagModels.reduce((a, m) => a + m.base, 0) / B,
          nFeatures: F,
          trees: bagModels.flatMap((m) => m.trees.map((t) => ({ ...t, value: t.value.map((v) => v / B) }))),
        };

  // (c) factorisation machine over the single columns
  let ffm: FfmModel | null = null;
  if (cfg.ffm) {
    const fi = ffmIndex(groups, cfg.ffmMinCount);
    const ids = ffmIds(fi, entries, G, n);
    ffm = trainFfm(ids, n, fi.fields.length, y, fi.V, { ...cfg.ffm, seed: cfg.seed });
  }

  return { label: input.label, columns: [...columns], levels, maps, groups, bias: lr.bias, prior, config: cfg, gbdt, ffm, trainedRows: n };
}

/**
 * The group tables to build: every group of at most maxOrder columns (the trees use those of at most treeMaxOrder),
 * plus the named groups of config.lrGroups that are not among them; and which of them (a) uses.
 */
export function chooseGroups(columns: string[], cols: number[], cfg: RiskModelConfig): { groupCols: number[][]; lrIds: number[]; lam: number[] } {
  const groupCols = enumerateGroups(cols, cfg.maxOrder);
  const everyGroup = { groupCols, lrIds: groupCols.map((_, g) => g), lam: cfg.lrLambdaAll ?? cfg.lrLambda };
  if (!cfg.lrGroups) return everyGroup;
  const named = cfg.lrGroups.map((names) => names.map((nm) => columns.indexOf(nm)).sort((a, b) => a - b));
  if (named.some((g) => g.some((c) => !cols.includes(c)))) return everyGroup;
  const key = (g: number[]) => g.join(",");
  const at = new Map(groupCols.map((g, i) => [key(g), i]));
  const lrIds: number[] = [];
  for (const g of named) {
    let i = at.get(key(g));
    if (i === undefined) {
      i = groupCols.length;
      groupCols.push(g);
      at.set(key(g), i);
    }
    if (!lrIds.includes(i)) lrIds.push(i);
  }
  return { groupCols, lrIds, lam: cfg.lrLambda };
}

/**
 * Fit (a) on the rows with fold[i] !== exclude (all rows when exclude < 0). Weight slots come from the counts of
 * those rows only: a combination seen fewer than minCount times among them (or never) shares the group's rare
 * weight, exactly as an unseen combination does at prediction time.
 */
function fitGroupLogistic(
  tables: GroupTable[],
  entries: Int32Array,
  G: number,
  y: Int32Array,
  fold: Int32Array,
  exclude: number,
  cfg: RiskModelConfig,
  lrIds: number[],
  lam: number[],
): { w: Float64Array[]; rareW: number[]; bias: number } {
  const n = y.length;
  const rowsIn: number[] = [];
  for (let i = 0; i < n; i++) if (fold[i] !== exclude) rowsIn.push(i);
  const m = rowsIn.length;
  const off: number[] = [];
  const slots: Int32Array[] = [];
  let D = 0;
  const L = lrIds.length;
  for (const g of lrIds) {
    const E = tables[g].keys.length;
    const cnt = new Int32Array(E);
    for (const i of rowsIn) cnt[entries[i * G + g]]++;
    off.push(D);
    const sl = new Int32Array(E);
    let d = 1; // slot 0 = rare / unseen
    for (let e = 0; e < E; e++) sl[e] = cnt[e] >= cfg.minCount ? d++ : 0;
    slots.push(sl);
    D += d;
  }
  const idx = new Int32Array(m * L);
  const yy = new Int32Array(m);
  rowsIn.forEach((i, r) => {
    yy[r] = y[i];
    for (let q = 0; q < L; q++) idx[r * L + q] = off[q] + slots[q][entries[i * G + lrIds[q]]];
  });
  const lambda = new Float64Array(D);
  lrIds.forEach((g, q) => lambda.fill(lam[Math.min(tables[g].cols.length, lam.length) - 1], off[q], q + 1 < L ? off[q + 1] : D));
  const lr = fitSparseLogistic(idx, m, L, yy, D, lambda, { maxIter: cfg.lrMaxIter, m: cfg.lrMemory });
  const w = tables.map((t) => new Float64Array(t.keys.length));
  const rareW = tables.map(() => 0);
  lrIds.forEach((g, q) => {
    for (let e = 0; e < w[g].length; e++) w[g][e] = lr.weights[off[q] + slots[q][e]];
    rareW[g] = lr.weights[off[q]];
  });
  return { w, rareW, bias: lr.bias };
}

/** Out-of-fold logits of (a) for every training row (stackFolds fits, each on the other folds' rows). */
export function oofLogistic(
  tables: GroupTable[],
  entries: Int32Array,
  G: number,
  y: Int32Array,
  fold: Int32Array,
  K: number,
  cfg: RiskModelConfig,
  lrIds: number[] = tables.map((_, g) => g),
  lam: number[] = cfg.lrLambdaAll ?? cfg.lrLambda,
): Float64Array {
  const n = y.length;
  const out = new Float64Array(n);
  for (let k = 0; k < K; k++) {
    const fit = fitGroupLogistic(tables, entries, G, y, fold, k, cfg, lrIds, lam);
    for (let i = 0; i < n; i++) {
      if (fold[i] !== k) continue;
      let z = fit.bias;
      for (let g = 0; g < G; g++) z += fit.w[g][entries[i * G + g]];
      out[i] = z;
    }
  }
  return out;
}

type FfmIndex = { fields: number[]; slot: Int32Array[]; V: number };
const ffmIndexCache = new WeakMap<GroupTable[], FfmIndex>();

/**
 * Ids of (c): one field per single-column group; a value seen at least minCount times in training gets its own id,
 * the others (and unseen values) their field's rare id. Derived from the stored counts, so not serialised.
 */
function ffmIndex(groups: GroupTable[], minCount: number): FfmIndex {
  const hit = ffmIndexCache.get(groups);
  if (hit) return hit;
  const fields = groups.flatMap((t, g) => (t.cols.length === 1 ? [g] : []));
  let V = 0;
  const slot = fields.map((g) => {
    const t = groups[g];
    const rare = V++;
    const sl = new Int32Array(t.keys.length + 1); // last = unseen
    for (let e = 0; e < t.keys.length; e++) sl[e] = t.n[e] >= minCount ? V++ : rare;
    sl[t.keys.length] = rare;
    return sl;
  });
  const out = { fields, slot, V };
  ffmIndexCache.set(groups, out);
  return out;
}

function ffmIds(fi: FfmIndex, entries: Int32Array, G: number, n: number): Int32Array {
  const F = fi.fields.length;
  const ids = new Int32Array(n * F);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < F; f++) {
      const sl = fi.slot[f];
      const e = entries[i * G + fi.fields[f]];
      ids[i * F + f] = sl[e >= 0 ? e : sl.length - 1];
    }
  }
  return ids;
}

function treeGroupIds(tables: GroupTable[], cfg: RiskModelConfig): number[] {
  return tables.flatMap((t, g) => (t.cols.length <= cfg.treeMaxOrder ? [g] : []));
}

function statFeatures(out: Float64Array, o: number, cnt: number, pos: number, prior: number, A: number, scale: number) {
  const te = (pos + A * prior) / (cnt + A);
  out[o] = logit(Math.min(1 - 1e-9, Math.max(1e-9, te)));
  out[o + 1] = Math.log1p(cnt * scale);
}

type PredictTables = { treeGroups: number[]; feats: Float64Array[] };
const predictCache = new WeakMap<RiskModel, PredictTables>();

/**
 * Per tree group, the two tree features of every entry (entry e at [2e, 2e+1], an unseen combination at the
 * end), so prediction gathers instead of computing logs per row. Cached per model; filled on first use of an
 * entry (NaN = not yet computed), so a small batch does not pay for all entries.
 */
function predictTables(model: RiskModel): PredictTables {
  const hit = predictCache.get(model);
  if (hit) return hit;
  const treeGroups = treeGroupIds(model.groups, model.config);
  const feats = treeGroups.map((g) => {
    const E = model.groups[g].keys.length;
    const f = new Float64Array(2 * E + 2).fill(NaN);
    statFeatures(f, 2 * E, 0, 0, model.prior, model.config.targetPrior, 1);
    return f;
  });
  const out = { treeGroups, feats };
  predictCache.set(model, out);
  return out;
}

/** Per-row logits of both learners for rows aligned with model.columns (undefined value = unseen). */
export function componentLogits(model: RiskModel, rows: string[][]): { za: Float64Array; zb: Float64Array; zc: Float64Array; entries: Int32Array } {
  const n = rows.length;
  const C = model.columns.length;
  const G = model.groups.length;
  const codes = encodeRows(rows, model.maps);
  const entries = lookupEntries(codes, n, C, model.groups);
  const za = new Float64Array(n).fill(model.bias);
  for (let g = 0; g < G; g++) {
    const t = model.groups[g];
    if (!t.lr) continue;
    const w = t.w;
    const rareW = t.rareW;
    for (let i = 0; i < n; i++) {
      const e = entries[i * G + g];
      za[i] += e >= 0 ? w[e] : rareW;
    }
  }
  // trees: features of a block of rows at a time (gathered from the per-entry tables), then all trees on it
  const { treeGroups, feats } = predictTables(model);
  const stack = model.config.stack ?? "off";
  const F = 2 * treeGroups.length + (stack === "feature" ? 1 : 0);
  const zb = new Float64Array(n).fill(model.gbdt.base);
  if (stack === "init") for (let i = 0; i < n; i++) zb[i] += za[i];
  const X = new Float64Array(Math.min(n, PREDICT_BLOCK) * F);
  for (let b0 = 0; b0 < n; b0 += PREDICT_BLOCK) {
    const nb = Math.min(n, b0 + PREDICT_BLOCK) - b0;
    for (let q = 0; q < treeGroups.length; q++) {
      const g = treeGroups[q];
      const t = model.groups[g];
      const f = feats[q];
      const unseen = f.length - 2;
      for (let i = 0; i < nb; i++) {
        const e = entries[(b0 + i) * G + g];
        const s = e >= 0 ? 2 * e : unseen;
        if (Number.isNaN(f[s])) statFeatures(f, s, t.n[e], t.pos[e], model.prior, model.config.targetPrior, 1);
        X[i * F + 2 * q] = f[s];
        X[i * F + 2 * q + 1] = f[s + 1];
      }
    }
    if (stack === "feature") for (let i = 0; i < nb; i++) X[i * F + F - 1] = za[b0 + i];
    addTreeLogits(model.gbdt, X, nb, zb, b0);
  }
  const zc = new Float64Array(n);
  if (model.ffm) {
    const fi = ffmIndex(model.groups, model.config.ffmMinCount);
    const ids = ffmIds(fi, entries, G, n);
    for (let i = 0; i < n; i++) zc[i] = ffmLogit(model.ffm, ids, i * fi.fields.length);
  }
  return { za, zb, zc, entries };
}

function blendLogit(model: RiskModel, za: number, zb: number, zc: number): number {
  const c = model.config.blend;
  return c[0] + c[1] * za + c[2] * zb + (model.ffm ? (c[3] ?? 0) * zc : 0);
}

/** p_approve for rows whose values are in model.columns order. */
export function predictRows(model: RiskModel, rows: string[][]): Float64Array {
  const { za, zb, zc } = componentLogits(model, rows);
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = sigmoid(blendLogit(model, za[i], zb[i], zc[i]));
  return out;
}

/** Reorder rows of a table with its own header into the model's column order (missing column = unseen). */
export function alignRows(model: RiskModel, header: string[], rows: string[][]): string[][] {
  const pos = model.columns.map((c) => header.indexOf(c));
  return rows.map((r) => pos.map((p) => (p >= 0 ? r[p] : (undefined as unknown as string))));
}

export type RiskReason = {
  feature: string; // e.g. "RESOURCE=4675" or "RESOURCE=4675 & ROLE_DEPTNAME=118992"
  columns: string[];
  values: string[];
  effect: number; // push on the log-odds of approval (positive = towards approval)
  pastRequests: number;
  pastDenied: number;
  text: string;
};

export type RiskExplanation = { pApprove: number; riskScore: number; reasons: RiskReason[] };

/**
 * p_approve and the top reasons for one request (record of column -> category value). Reasons are the groups
 * whose weight moved the log-odds furthest from the model's baseline, largest first.
 */
export function explainRequest(model: RiskModel, record: Record<string, string>, topK = 5): RiskExplanation {
  const row = model.columns.map((c) => (c in record ? String(record[c]) : (undefined as unknown as string)));
  const { za, zb, zc, entries } = componentLogits(model, [row]);
  const c1 = model.config.blend[1];
  const pApprove = sigmoid(blendLogit(model, za[0], zb[0], zc[0]));
  const reasons: RiskReason[] = [];
  model.groups.forEach((t, g) => {
    if (!t.lr) return;
    const e = entries[g];
    const effect = c1 * (e >= 0 ? t.w[e] : t.rareW);
    const columns = t.cols.map((c) => model.columns[c]);
    const values = t.cols.map((c) => row[c] ?? "(missing)");
    const n = e >= 0 ? t.n[e] : 0;
    const denied = e >= 0 ? t.n[e] - t.pos[e] : 0;
    const feature = columns.map((c, j) => `${c}=${values[j]}`).join(" & ");
    reasons.push({ feature, columns, values, effect, pastRequests: n, pastDenied: denied, text: reasonText(feature, columns.length, n, denied, effect, model.prior) });
  });
  reasons.sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect));
  return { pApprove, riskScore: riskScore(pApprove), reasons: reasons.slice(0, topK) };
}

function reasonText(feature: string, order: number, n: number, denied: number, effect: number, prior: number): string {
  const subject = order === 1 ? feature : `the combination ${feature}`;
  const counts = `${denied} of ${n} past request${n === 1 ? "" : "s"} denied`;
  if (n === 0) return `${subject} has never been requested before (${effect < 0 ? "raises" : "lowers"} risk)`;
  const rate = denied / n;
  const baseDeny = 1 - prior;
  let judgement: string;
  if (n < 3) judgement = `is rare`;
  else if (rate === 0) judgement = `has never been denied`;
  else if (rate < baseDeny / 2) judgement = `is rarely denied`;
  else if (rate > 2 * baseDeny) judgement = `is often denied`;
  else judgement = `is denied at about the usual rate`;
  return `${subject} ${judgement} (${counts}); ${effect < 0 ? "raises" : "lowers"} risk`;
}

/**
 * Risk on a 0..10 scale (10 = riskiest) from the probability of denial q = 1 - p_approve, on a log scale
 * because denials are rare and what matters is the ratio to the usual rate:
 *   score = 10 * (log10 q - log10 0.005) / (log10 0.5 - log10 0.005), clipped to [0, 10], one decimal.
 * So q <= 0.5% -> 0, q = 5% (about the Amazon base rate of 5.8%) -> 5, q >= 50% -> 10; each +1 is
 * about a 1.6x higher chance of denial.
 */
export function riskScore(pApprove: number): number {
  const q = Math.min(1, Math.max(1e-12, 1 - pApprove));
  const s = (10 * (Math.log10(q) - Math.log10(0.005))) / 2;
  return Math.round(Math.min(10, Math.max(0, s)) * 10) / 10;
}

// ---------------------------------------------------------------- serialisation

/**
 * Version 2 stores a group's logistic weights only for its frequent entries (n >= config.minCount),
 * in entry order, as `wFrequent`; every other entry shares the group's `rareW` (that is how training ties
 * them), which drops about two thirds of the weights on the Amazon data. Version 1 stored `w` for every
 * entry; it still loads. Version 3 (current) is version 2 plus the optional factorisation machine `ffm` and the
 * config's `stack` / `blend[3]`, which an older reader would silently ignore (hence the new number). Version 4 adds
 * `lr: false` on groups that only feed the trees (config.lrGroups): they store no weights (all 0 in (a)).
 */
type GroupJson = { cols: number[]; radix: number[]; keys: number[]; n: number[]; pos: number[]; w?: number[]; wFrequent?: number[]; rareW: number; lr?: boolean };
export type RiskModelJson = {
  format: "gatehouse-risk-model";
  version: 1 | 2 | 3 | 4;
  label: string;
  columns: string[];
  levels: string[][];
  bias: number;
  prior: number;
  trainedRows: number;
  config: RiskModelConfig;
  groups: GroupJson[];
  gbdt: { base: number; nFeatures: number; trees: Tree[] };
  ffm?: { F: number; V: number; k: number; bias: number; w: number[]; v: number[] };
};

const round = (x: number, digits = 6) => Number(x.toPrecision(digits));

export function modelToJson(model: RiskModel): RiskModelJson {
  return {
    format: "gatehouse-risk-model",
    version: 4,
    label: model.label,
    columns: model.columns,
    levels: model.levels,
    bias: model.bias,
    prior: model.prior,
    trainedRows: model.trainedRows,
    config: model.config,
    groups: model.groups.map((t) => ({
      cols: t.cols,
      radix: t.radix,
      keys: t.keys,
      n: Array.from(t.n),
      pos: Array.from(t.pos),
      ...(t.lr ? { wFrequent: frequentWeights(t, model.config.minCount), rareW: t.rareW } : { rareW: 0, lr: false }),
    })),
    gbdt: {
      base: model.gbdt.base,
      nFeatures: model.gbdt.nFeatures,
      trees: model.gbdt.trees.map((t) => ({ ...t, value: t.value.map((v) => round(v, 7)) })),
    },
    ...(model.ffm
      ? {
          ffm: {
            F: model.ffm.F,
            V: model.ffm.V,
            k: model.ffm.k,
            bias: model.ffm.bias,
            w: Array.from(model.ffm.w, (x) => round(x)),
            v: Array.from(model.ffm.v, (x) => round(x, 5)),
          },
        }
      : {}),
  };
}

export function modelFromJson(json: RiskModelJson): RiskModel {
  if (json?.format !== "gatehouse-risk-model" || ![1, 2, 3, 4].includes(json.version)) throw new Error("not a gatehouse risk model (format/version)");
  return {
    label: json.label,
    columns: json.columns,
    levels: json.levels,
    maps: vocabMaps(json.levels),
    bias: json.bias,
    prior: json.prior,
    trainedRows: json.trainedRows,
    config: json.config,
    groups: json.groups.map((g) => ({
      cols: g.cols,
      radix: g.radix,
      keys: g.keys,
      index: KeyIndex.from(g.keys),
      n: Int32Array.from(g.n),
      pos: Int32Array.from(g.pos),
      w: g.lr === false ? new Float64Array(g.keys.length) : json.version === 1 ? Float64Array.from(g.w ?? []) : expandWeights(g, json.config.minCount),
      rareW: g.rareW,
      lr: g.lr !== false,
    })),
    gbdt: { base: json.gbdt.base, nFeatures: json.gbdt.nFeatures, trees: json.gbdt.trees },
    ffm: json.ffm ? { ...json.ffm, w: Float64Array.from(json.ffm.w), v: Float64Array.from(json.ffm.v) } : null,
  };
}

function frequentWeights(t: RuntimeGroup, minCount: number): number[] {
  const out: number[] = [];
  for (let e = 0; e < t.w.length; e++) if (t.n[e] >= minCount) out.push(round(t.w[e]));
  return out;
}

function expandWeights(g: GroupJson, minCount: number): Float64Array {
  const wf = g.wFrequent ?? [];
  const w = new Float64Array(g.keys.length);
  let k = 0;
  for (let e = 0; e < w.length; e++) w[e] = g.n[e] >= minCount ? wf[k++] : g.rareW;
  if (k !== wf.length) throw new Error("risk model: weights do not match the entry counts");
  return w;
}
