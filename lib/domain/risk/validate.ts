/**
 * Validation of the risk model, for the CLI, the benchmark and the admin page: stratified K-fold
 * cross-validation, repeated K-fold (R different fold assignments, mean and standard deviation of the
 * per-fold metrics) and a held-out split (a fixed random share of the rows that tuning never sees).
 *
 * No leakage: every model is trained by trainRiskModel on the training rows of its fold only, and everything
 * learned from data (vocabularies, combination counts, target statistics, weights, trees) comes from those
 * rows; the held-out rows are only predicted. Their predictions do not depend on their labels (tested).
 *
 * Inputs: rows (records column -> category value, or a header + string rows), 0/1 labels, K, optional config.
 * Outputs: AUC and logloss of the out-of-fold predictions, a 10-bin calibration table (mean predicted vs
 * observed approval rate), per-fold metrics and the out-of-fold p_approve of every row.
 * Complexity: K trainings on (K-1)/K of the rows plus one prediction pass.
 */

import { stratifiedFolds, stratifiedHoldout } from "./folds";
import { auc, calibrationTable, logloss, type CalibrationBin } from "./metrics";
import { predictRows, trainRiskModel, type RiskModel, type RiskModelConfig } from "./model";

export type CrossValidation = {
  folds: number;
  auc: number;
  logloss: number;
  calibration: CalibrationBin[];
  perFold: { auc: number; logloss: number; rows: number }[];
  oof: Float64Array;
};

export function crossValidateTable(
  columns: string[],
  rows: string[][],
  labels: ArrayLike<number>,
  folds = 5,
  config: Partial<RiskModelConfig> = {},
  seed = 42,
): CrossValidation {
  if (labels.length !== rows.length) throw new Error("crossValidate: labels and rows differ in length");
  return crossValidateWithFolds(columns, rows, labels, stratifiedFolds(labels, folds, seed), folds, config);
}

/** Cross-validation over a given fold assignment (fold[i] in 0..folds-1): model k trains on rows with fold !== k. */
export function crossValidateWithFolds(
  columns: string[],
  rows: string[][],
  labels: ArrayLike<number>,
  fold: Int32Array,
  folds: number,
  config: Partial<RiskModelConfig> = {},
): CrossValidation {
  const n = rows.length;
  if (labels.length !== n || fold.length !== n) throw new Error("crossValidate: labels, folds and rows differ in length");
  const oof = new Float64Array(n);
  const perFold: CrossValidation["perFold"] = [];
  for (let k = 0; k < folds; k++) {
    const tr: number[] = [];
    const te: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === k ? te : tr).push(i);
    const model = trainRiskModel(
      { label: "label", columns, rows: tr.map((i) => rows[i]), labels: tr.map((i) => labels[i]) },
      config,
    );
    const p = predictRows(model, te.map((i) => rows[i]));
    te.forEach((row, j) => (oof[row] = p[j]));
    const yk = te.map((i) => labels[i]);
    perFold.push({ auc: auc(p, yk), logloss: logloss(p, yk), rows: te.length });
  }
  return { folds, auc: auc(oof, labels), logloss: logloss(oof, labels), calibration: calibrationTable(oof, labels, 10), perFold, oof };
}

/** Same as crossValidateTable, over records (column -> value); columns are the union of the records' keys. */
export function crossValidate(
  rows: Record<string, string>[],
  labels: ArrayLike<number>,
  folds = 5,
  config: Partial<RiskModelConfig> = {},
): CrossValidation {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) if (!seen.has(k)) (seen.add(k), columns.push(k));
  const table = rows.map((r) => columns.map((c) => (c in r ? String(r[c]) : (undefined as unknown as string))));
  return crossValidateTable(columns, table, labels, folds, config);
}

export type MeanSd = { mean: number; sd: number };

export type RepeatedCrossValidation = {
  folds: number;
  repeats: number;
  /** Mean and sample standard deviation over all folds x repeats. */
  auc: MeanSd;
  logloss: MeanSd;
  /** One entry per repeat: its fold seed and the metrics of its pooled out-of-fold predictions. */
  runs: { seed: number; auc: number; logloss: number; perFold: { auc: number; logloss: number; rows: number }[] }[];
};

export function meanSd(xs: number[]): MeanSd {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd };
}

/** R x K-fold stratified cross-validation; repeat r uses fold seed `seed + r`. */
export function repeatedCrossValidateTable(
  columns: string[],
  rows: string[][],
  labels: ArrayLike<number>,
  opts: { folds?: number; repeats?: number; seed?: number; config?: Partial<RiskModelConfig> } = {},
): RepeatedCrossValidation {
  const folds = opts.folds ?? 5;
  const repeats = opts.repeats ?? 3;
  const seed = opts.seed ?? 42;
  const runs: RepeatedCrossValidation["runs"] = [];
  for (let r = 0; r < repeats; r++) {
    const cv = crossValidateTable(columns, rows, labels, folds, opts.config ?? {}, seed + r);
    runs.push({ seed: seed + r, auc: cv.auc, logloss: cv.logloss, perFold: cv.perFold });
  }
  const all = runs.flatMap((r) => r.perFold);
  return { folds, repeats, auc: meanSd(all.map((f) => f.auc)), logloss: meanSd(all.map((f) => f.logloss)), runs };
}

export type HoldoutSplit = { tune: number[]; holdout: number[] };

/** Fixed stratified split: `fraction` of the rows of each class held out (seeded), the rest for training and tuning. */
export function holdoutSplit(labels: ArrayLike<number>, fraction = 0.2, seed = 2013): HoldoutSplit {
  const mask = stratifiedHoldout(labels, fraction, seed);
  const tune: number[] = [];
  const holdout: number[] = [];
  for (let i = 0; i < labels.length; i++) (mask[i] ? holdout : tune).push(i);
  return { tune, holdout };
}

export type HoldoutEvaluation = { trainRows: number; holdoutRows: number; auc: number; logloss: number; p: Float64Array; model: RiskModel };

/** Train on split.tune only, predict split.holdout: AUC and logloss of the held-out predictions. */
export function evaluateHoldout(
  columns: string[],
  rows: string[][],
  labels: ArrayLike<number>,
  split: HoldoutSplit,
  config: Partial<RiskModelConfig> = {},
): HoldoutEvaluation {
  const model = trainRiskModel(
    { label: "label", columns, rows: split.tune.map((i) => rows[i]), labels: split.tune.map((i) => labels[i]) },
    config,
  );
  const p = predictRows(model, split.holdout.map((i) => rows[i]));
  const y = split.holdout.map((i) => labels[i]);
  return { trainRows: split.tune.length, holdoutRows: split.holdout.length, auc: auc(p, y), logloss: logloss(p, y), p, model };
}
