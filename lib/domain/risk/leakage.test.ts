import { describe, expect, it } from "vitest";
import { buildGroupTables, buildVocab, encodeRows, enumerateGroups, outOfFoldStats, vocabMaps } from "./features";
import { mulberry32, stratifiedFolds, stratifiedHoldout } from "./folds";
import { defaultRiskConfig, oofLogistic, type RiskModelConfig } from "./model";
import { crossValidateWithFolds, evaluateHoldout, holdoutSplit, repeatedCrossValidateTable } from "./validate";

// Small, fast settings (the benchmark uses the defaults); stacking on, so its inner out-of-fold fits are covered.
const fast: Partial<RiskModelConfig> = { gbdt: { trees: 15, maxLeaves: 8 }, innerFolds: 4, lrMaxIter: 15, stack: "init", stackFolds: 3 };

/** Requests where the pair (resource, dept) decides, plus noise. */
function data(n: number, seed: number) {
  const rand = mulberry32(seed);
  const columns = ["RESOURCE", "DEPT", "MGR"];
  const rows: string[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = [`R${Math.floor(rand() * 12)}`, `D${Math.floor(rand() * 5)}`, `M${Math.floor(rand() * 30)}`];
    rows.push(r);
    labels.push((r[0] === "R3" && r[1] === "D1") || rand() < 0.06 ? 0 : 1);
  }
  return { columns, rows, labels };
}

/** Copy of labels with every label of the selected rows replaced at random (both classes kept overall). */
function scramble(labels: number[], selected: (i: number) => boolean, seed: number): number[] {
  const rand = mulberry32(seed);
  return labels.map((y, i) => (selected(i) ? (rand() < 0.5 ? 0 : 1) : y));
}

describe("no label leakage", () => {
  const d = data(700, 3);

  it("out-of-fold target statistics of a row never count the labels of its own fold", () => {
    const n = d.rows.length;
    const C = d.columns.length;
    const codes = encodeRows(d.rows, vocabMaps(buildVocab(d.rows, C)));
    const groups = enumerateGroups([0, 1, 2], 3);
    const sizes = buildVocab(d.rows, C).map((l) => l.length);
    const K = 5;
    const fold = stratifiedFolds(d.labels, K, 9);
    const other = scramble(d.labels, (i) => fold[i] === 2, 4);
    expect(other).not.toEqual(d.labels);
    const stats = (y: number[]) => {
      const { tables, entries } = buildGroupTables(codes, n, C, groups, sizes, y);
      return outOfFoldStats(entries, n, tables, y, fold, K);
    };
    const a = stats(d.labels);
    const b = stats(other);
    const G = groups.length;
    let checked = 0;
    for (let i = 0; i < n; i++) {
      if (fold[i] !== 2) continue;
      for (let g = 0; g < G; g++) {
        expect(b.pos[i * G + g]).toBe(a.pos[i * G + g]);
        expect(b.cnt[i * G + g]).toBe(a.cnt[i * G + g]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("out-of-fold logits of the logistic part (used for stacking) ignore the labels of their own fold", () => {
    const n = d.rows.length;
    const C = d.columns.length;
    const codes = encodeRows(d.rows, vocabMaps(buildVocab(d.rows, C)));
    const groups = enumerateGroups([0, 1, 2], 2);
    const sizes = buildVocab(d.rows, C).map((l) => l.length);
    const K = 3;
    const fold = stratifiedFolds(d.labels, K, 5);
    const other = scramble(d.labels, (i) => fold[i] === 1, 6);
    const cfg = { ...defaultRiskConfig, lrMaxIter: 20 };
    const oof = (y: number[]) => {
      const { tables, entries } = buildGroupTables(codes, n, C, groups, sizes, y);
      return oofLogistic(tables, entries, groups.length, Int32Array.from(y), fold, K, cfg);
    };
    const a = oof(d.labels);
    const b = oof(other);
    for (let i = 0; i < n; i++) if (fold[i] === 1) expect(b[i]).toBe(a[i]);
    // and they do depend on the other folds' labels (the test can fail)
    expect([...a].some((v, i) => fold[i] === 1 && v !== oof(scramble(d.labels, (j) => fold[j] === 0, 7))[i])).toBe(true);
  });

  it("cross-validated predictions of a fold do not change when that fold's labels change", () => {
    const K = 4;
    const fold = stratifiedFolds(d.labels, K, 42);
    const other = scramble(d.labels, (i) => fold[i] === 0, 8);
    const a = crossValidateWithFolds(d.columns, d.rows, d.labels, fold, K, fast);
    const b = crossValidateWithFolds(d.columns, d.rows, other, fold, K, fast);
    let same = 0;
    let changed = 0;
    for (let i = 0; i < d.rows.length; i++) {
      if (fold[i] === 0) {
        expect(b.oof[i]).toBe(a.oof[i]);
        same++;
      } else if (b.oof[i] !== a.oof[i]) changed++;
    }
    expect(same).toBeGreaterThan(100);
    expect(changed).toBeGreaterThan(0); // the other folds' models did see the changed labels
  });

  it("held-out predictions do not depend on the held-out labels, and the split is stratified and fixed", () => {
    const split = holdoutSplit(d.labels, 0.2, 11);
    expect(split.holdout.length + split.tune.length).toBe(d.rows.length);
    expect(new Set([...split.holdout, ...split.tune]).size).toBe(d.rows.length);
    expect(holdoutSplit(d.labels, 0.2, 11)).toEqual(split);
    const mask = stratifiedHoldout(d.labels, 0.2, 11);
    for (const cls of [0, 1]) {
      const size = d.labels.filter((y) => y === cls).length;
      expect(d.labels.filter((y, i) => y === cls && mask[i]).length).toBe(Math.round(0.2 * size));
    }
    const held = new Set(split.holdout);
    const other = scramble(d.labels, (i) => held.has(i), 12);
    const a = evaluateHoldout(d.columns, d.rows, d.labels, split, fast);
    const b = evaluateHoldout(d.columns, d.rows, other, split, fast);
    expect(Array.from(b.p)).toEqual(Array.from(a.p));
    expect(a.model.trainedRows).toBe(split.tune.length);
  });

  it("repeated cross-validation reports mean and sd over folds x repeats", () => {
    const r = repeatedCrossValidateTable(d.columns, d.rows, d.labels, { folds: 3, repeats: 2, config: fast });
    expect(r.runs).toHaveLength(2);
    expect(r.runs.flatMap((x) => x.perFold)).toHaveLength(6);
    const aucs = r.runs.flatMap((x) => x.perFold.map((f) => f.auc));
    expect(r.auc.mean).toBeCloseTo(aucs.reduce((a, b) => a + b, 0) / 6, 12);
    expect(r.auc.sd).toBeGreaterThan(0);
    expect(r.auc.mean).toBeGreaterThan(0.5); // the planted pair is learnt (small data: weak but above chance)
  });
});
