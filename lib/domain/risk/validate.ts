/**
 * Stratified K-fold cross-validation of the risk model, for the CLI, the benchmark and the admin page.
 *
 * Inputs: rows (records column -> category value, or a header + string rows), 0/1 labels, K, optional config.
 * Outputs: AUC and logloss of the out-of-fold predictions, a 10-bin calibration table (mean predicted vs
 * observed approval rate), per-fold metrics and the out-of-fold p_approve of every row.
 * Complexity: K trainings on (K-1)/K of the rows plus one prediction pass.
 */

import { stratifiedFolds } from "./folds";
import { auc, calibrationTable, logloss, type CalibrationBin } from "./metrics";
import { predictRows, trainRiskModel, type RiskModelConfig } from "./model";

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
  const n = rows.length;
  if (labels.length !== n) throw new Error("crossValidate: labels and rows differ in length");
  const fold = stratifiedFolds(labels, folds, seed);
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
