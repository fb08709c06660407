/**
 * Access-request risk model: probability that a request is approved, from categorical attributes of the
 * request (resource, manager, role rollups, department, title, family...), with plain-words reasons.
 *
 * Inputs (training): column names, rows of category strings, 0/1 labels (1 = approved).
 * Output: a RiskModel (JSON-serialisable) and, per row, p_approve.
 *
 * Method: a blend on the logit scale of two learners that see the same "group tables" (every single
 * column and every pair of columns, counts of requests and approvals per observed combination):
 *  (a) L2 logistic regression on one-hot indicators of single columns, pairs and triples (Miroslaw Horbal's
 *      Amazon Employee Access Challenge starter, used by most top teams), fitted by L-BFGS. Combinations seen
 *      fewer than `minCount` times share one "rare" weight per group, which is also the weight of an unseen
 *      combination at prediction time: so the model learns how risky "never seen before" is, instead of
 *      treating it as neutral.
 *  (b) gradient-boosted trees (./gbdt) on target statistics and frequencies of the same groups (the idea
 *      of CatBoost's CTR features, Prokhorenkova et al. 2018): smoothed approval log-odds and log-count of
 *      each combination. For training rows the statistics are computed out-of-fold (K inner folds), so a
 *      row's own label never leaks into its features; at prediction time they come from all training rows.
 *  The blend logit = c0 + c1 * logit_a + c2 * logit_b; (c0, c1, c2) act as a Platt scaling of the blend
 *  and were fitted once by logistic regression on 5-fold out-of-fold logits of (a) and (b) on the Amazon
 *  train.csv (see defaultRiskConfig). Measured there (5-fold CV) with the earlier, slower settings (120 L-BFGS
 *  iterations, 200 trees at rate 0.05): (a) alone AUC 0.877 / logloss 0.145, (b) alone 0.874 / 0.147, blend
 *  0.884 / 0.141; with pairs only the blend reached 0.879 / 0.143. With the current defaults (40 iterations,
 *  80 trees at rate 0.12 on 50% of the features and 80% of the rows; several times less training time) the
 *  blend measures 0.884 / 0.1416. (With 60 trees at rate 0.15 on 40% / 70%: (a) 0.877 / 0.1454,
 *  (b) 0.871 / 0.1483, blend 0.883 / 0.1418; refitting c0..c2 on those logits gave no gain, so they were kept.)
 * Complexity: training O(iterations * n * G) for (a) and O(trees * n * F log leaves) for (b), with G groups
 * (8 + 28 + 56 = 92 for the Amazon data: 9 columns, one redundant) and F = 2G features; prediction O(G + trees * depth) per row.
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
  outOfFoldStats,
  vocabMaps,
  type GroupTable,
} from "./features";
import { fitSparseLogistic } from "./logistic";
import { addTreeLogits, PREDICT_BLOCK, trainGbdt, type GbdtModel, type GbdtParams, type Tree } from "./gbdt";
import { stratifiedFolds } from "./folds";

export type RiskModelConfig = {
  maxOrder: number; // 1 = single columns, 2 = + pairs, 3 = + triples
  minCount: number; // combinations seen fewer times share the group's "rare" weight in (a)
  lrLambda: number[]; // L2 strength of (a) for single columns, pairs, triples
  lrMaxIter: number; // L-BFGS iterations of (a)
  lrMemory: number; // L-BFGS correction pairs
  treeMaxOrder: number; // groups of at most this many columns feed the trees (b)
  targetPrior: number; // pseudo-count A of the smoothed target statistic (pos + A p0) / (n + A)
  innerFolds: number; // K of the out-of-fold target statistics for (b)
  gbdt: Partial<GbdtParams>;
  blend: [number, number, number]; // c0, c1 (logistic), c2 (trees)
  seed: number;
};

export const defaultRiskConfig: RiskModelConfig = {
  maxOrder: 3,
  minCount: 2,
  lrLambda: [2, 3, 8],
  treeMaxOrder: 3,
  lrMaxIter: 40, // with the preconditioned L-BFGS (./logistic), 40 iterations get within 0.15% of the optimum
  lrMemory: 5,
  targetPrior: 1,
  innerFolds: 20,
  gbdt: { trees: 80, learningRate: 0.12, maxLeaves: 24, minChildSamples: 20, lambda: 2, rowSample: 0.8, colSample: 0.5, maxBins: 64 },
  blend: [-0.015, 0.52, 0.44],
  seed: 1,
};

type RuntimeGroup = GroupTable & { w: Float64Array; rareW: number };

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
  const groupCols = enumerateGroups(cols, cfg.maxOrder);
  const sizes = levels.map((l) => l.length);
  const { tables, entries } = buildGroupTables(codes, n, C, groupCols, sizes, y);
  const G = tables.length;
  const prior = npos / n;

  // (a) logistic regression: one weight slot per frequent combination + one rare slot per group
  const off: number[] = [];
  const slots: Int32Array[] = [];
  let D = 0;
  for (const t of tables) {
    off.push(D);
    const sl = new Int32Array(t.keys.length);
    let d = 1; // slot 0 = rare / unseen
    for (let e = 0; e < sl.length; e++) sl[e] = t.n[e] >= cfg.minCount ? d++ : 0;
    slots.push(sl);
    D += d;
  }
  const idx = new Int32Array(n * G);
  for (let i = 0; i < n; i++) for (let g = 0; g < G; g++) idx[i * G + g] = off[g] + slots[g][entries[i * G + g]];
  const lambda = new Float64Array(D);
  tables.forEach((t, g) => lambda.fill(cfg.lrLambda[Math.min(t.cols.length, cfg.lrLambda.length) - 1], off[g], g + 1 < G ? off[g + 1] : D));
  const lr = fitSparseLogistic(idx, n, G, y, D, lambda, { maxIter: cfg.lrMaxIter, m: cfg.lrMemory });
  const groups: RuntimeGroup[] = tables.map((t, g) => {
    const w = new Float64Array(t.keys.length);
    for (let e = 0; e < w.length; e++) w[e] = lr.weights[off[g] + slots[g][e]];
    return { ...t, w, rareW: lr.weights[off[g]] };
  });

  // (b) boosted trees on out-of-fold target statistics
  const K = Math.max(2, Math.min(cfg.innerFolds, n));
  const inner = stratifiedFolds(y, K, cfg.seed + 17);
  const st = outOfFoldStats(entries, n, tables, y, inner, K);
  const treeGroups = treeGroupIds(tables, cfg);
  const F = 2 * treeGroups.length;
  const X = new Float64Array(n * F);
  const scale = K / (K - 1);
  for (let i = 0; i < n; i++) {
    treeGroups.forEach((g, q) => statFeatures(X, i * F + 2 * q, st.cnt[i * G + g], st.pos[i * G + g], prior, cfg.targetPrior, scale));
  }
  const gbdt = trainGbdt(X, n, F, y, { ...cfg.gbdt, seed: cfg.seed });

  return { label: input.label, columns: [...columns], levels, maps, groups, bias: lr.bias, prior, config: cfg, gbdt, trainedRows: n };
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
function componentLogits(model: RiskModel, rows: string[][]): { za: Float64Array; zb: Float64Array; entries: Int32Array } {
  const n = rows.length;
  const C = model.columns.length;
  const G = model.groups.length;
  const codes = encodeRows(rows, model.maps);
  const entries = lookupEntries(codes, n, C, model.groups);
  const za = new Float64Array(n).fill(model.bias);
  for (let g = 0; g < G; g++) {
    const t = model.groups[g];
    const w = t.w;
    const rareW = t.rareW;
    for (let i = 0; i < n; i++) {
      const e = entries[i * G + g];
      za[i] += e >= 0 ? w[e] : rareW;
    }
  }
  // trees: features of a block of rows at a time (gathered from the per-entry tables), then all trees on it
  const { treeGroups, feats } = predictTables(model);
  const F = 2 * treeGroups.length;
  const zb = new Float64Array(n).fill(model.gbdt.base);
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
    addTreeLogits(model.gbdt, X, nb, zb, b0);
  }
  return { za, zb, entries };
}

/** p_approve for rows whose values are in model.columns order. */
export function predictRows(model: RiskModel, rows: string[][]): Float64Array {
  const { za, zb } = componentLogits(model, rows);
  const [c0, c1, c2] = model.config.blend;
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = sigmoid(c0 + c1 * za[i] + c2 * zb[i]);
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
  const { za, zb, entries } = componentLogits(model, [row]);
  const [c0, c1, c2] = model.config.blend;
  const pApprove = sigmoid(c0 + c1 * za[0] + c2 * zb[0]);
  const reasons: RiskReason[] = [];
  model.groups.forEach((t, g) => {
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
 * Version 2 (current) stores a group's logistic weights only for its frequent entries (n >= config.minCount),
 * in entry order, as `wFrequent`; every other entry shares the group's `rareW` (that is how training ties
 * them), which drops about two thirds of the weights on the Amazon data. Version 1 stored `w` for every
 * entry; it still loads.
 */
type GroupJson = { cols: number[]; radix: number[]; keys: number[]; n: number[]; pos: number[]; w?: number[]; wFrequent?: number[]; rareW: number };
export type RiskModelJson = {
  format: "gatehouse-risk-model";
  version: 1 | 2;
  label: string;
  columns: string[];
  levels: string[][];
  bias: number;
  prior: number;
  trainedRows: number;
  config: RiskModelConfig;
  groups: GroupJson[];
  gbdt: { base: number; nFeatures: number; trees: Tree[] };
};

const round = (x: number, digits = 6) => Number(x.toPrecision(digits));

export function modelToJson(model: RiskModel): RiskModelJson {
  return {
    format: "gatehouse-risk-model",
    version: 2,
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
      wFrequent: frequentWeights(t, model.config.minCount),
      rareW: t.rareW,
    })),
    gbdt: {
      base: model.gbdt.base,
      nFeatures: model.gbdt.nFeatures,
      trees: model.gbdt.trees.map((t) => ({ ...t, value: t.value.map((v) => round(v, 7)) })),
    },
  };
}

export function modelFromJson(json: RiskModelJson): RiskModel {
  if (json?.format !== "gatehouse-risk-model" || (json.version !== 1 && json.version !== 2)) throw new Error("not a gatehouse risk model (format/version)");
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
      w: json.version === 1 ? Float64Array.from(g.w ?? []) : expandWeights(g, json.config.minCount),
      rareW: g.rareW,
    })),
    gbdt: { base: json.gbdt.base, nFeatures: json.gbdt.nFeatures, trees: json.gbdt.trees },
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
