/**
 * `tsx scripts/bench/risk-select.ts '{"folds":3,"maxOrder":4,"steps":40}'`: how the logistic part's combination
 * groups were chosen (config.lrGroups). Greedy forward selection (Miroslaw Horbal's Amazon starter): start from no
 * group, and at each step add the one candidate group (every single column, pair, triple and, with maxOrder 4,
 * quadruple of the non-redundant columns) that most improves the pooled out-of-fold AUC of the logistic regression;
 * stop when no candidate improves it by `minGain`. Runs on the 80% tuning part of the Amazon file only
 * (validate.holdoutSplit), with stratified K-fold CV: every fit sees its training folds only (its weight slots and
 * "rare" sharing come from their counts), the validation fold is only predicted. Prints each step and the final list
 * as column names (the form config.lrGroups takes).
 */
import { buildGroupTables, buildVocab, encodeRows, enumerateGroups, findDuplicateColumns, vocabMaps } from "../../lib/domain/risk/features";
import { stratifiedFolds } from "../../lib/domain/risk/folds";
import { fitSparseLogistic } from "../../lib/domain/risk/logistic";
import { auc, logloss } from "../../lib/domain/risk/metrics";
import { amazonTuningPart } from "./amazon-tuning";

const { columns, rows, labels } = amazonTuningPart();
const y = Int32Array.from(labels);

type Arg = { folds?: number; seed?: number; maxOrder?: number; steps?: number; minGain?: number; lambda?: number[]; minCount?: number; maxIter?: number; start?: string[][]; eval?: string[][]; evalOrder?: number };
const arg = JSON.parse(process.argv[2] ?? "{}") as Arg;
const K = arg.folds ?? 3;
const lambdaByOrder = arg.lambda ?? [2, 3, 8, 12];
const minCount = arg.minCount ?? 2;
const maxIter = arg.maxIter ?? 40;
const n = rows.length;
const C = columns.length;
const levels = buildVocab(rows, C);
const codes = encodeRows(rows, vocabMaps(levels));
const dup = findDuplicateColumns(codes, n, C);
const cols = [...Array(C).keys()].filter((c) => dup[c] < 0);
const cand = enumerateGroups(cols, arg.maxOrder ?? 4);
const { tables, entries } = buildGroupTables(codes, n, C, cand, levels.map((l) => l.length), y);
const G = cand.length;
const fold = stratifiedFolds(y, K, arg.seed ?? 42);
const name = (g: number) => cand[g].map((c) => columns[c]);
const byName = (names: string[]) => cand.findIndex((c) => c.length === names.length && names.every((nm, j) => columns[c[j]] === nm));

// per fold and group: the weight slot of every row (0 = rare or unseen among that fold's training rows) and the slot count
const slotOf: Int32Array[][] = [];
const dims: number[][] = [];
for (let k = 0; k < K; k++) {
  slotOf.push([]);
  dims.push([]);
  for (let g = 0; g < G; g++) {
    const E = tables[g].keys.length;
    const cnt = new Int32Array(E);
    for (let i = 0; i < n; i++) if (fold[i] !== k) cnt[entries[i * G + g]]++;
    const sl = new Int32Array(E);
    let d = 1;
    for (let e = 0; e < E; e++) sl[e] = cnt[e] >= minCount ? d++ : 0;
    const rs = new Int32Array(n);
    for (let i = 0; i < n; i++) rs[i] = sl[entries[i * G + g]];
    slotOf[k].push(rs);
    dims[k].push(d);
  }
}

function evaluate(S: number[]): { auc: number; logloss: number } {
  const z = new Float64Array(n);
  for (let k = 0; k < K; k++) {
    const off: number[] = [];
    let D = 0;
    for (const g of S) (off.push(D), (D += dims[k][g]));
    const tr: number[] = [];
    for (let i = 0; i < n; i++) if (fold[i] !== k) tr.push(i);
    const m = tr.length;
    const idx = new Int32Array(m * S.length);
    const yy = new Int32Array(m);
    tr.forEach((i, r) => {
      yy[r] = y[i];
      S.forEach((g, q) => (idx[r * S.length + q] = off[q] + slotOf[k][g][i]));
    });
    const lambda = new Float64Array(D);
    S.forEach((g, q) => lambda.fill(lambdaByOrder[cand[g].length - 1], off[q], off[q] + dims[k][g]));
    const fit = fitSparseLogistic(idx, m, S.length, yy, D, lambda, { maxIter, m: 5 });
    for (let i = 0; i < n; i++) {
      if (fold[i] !== k) continue;
      let s = fit.bias;
      S.forEach((g, q) => (s += fit.weights[off[q] + slotOf[k][g][i]]));
      z[i] = s;
    }
  }
  const p = z.map((v) => 1 / (1 + Math.exp(-v)));
  return { auc: auc(p, y), logloss: logloss(p, y) };
}

const t0 = Date.now();
if (arg.eval || arg.evalOrder) {
  const S = arg.eval ? arg.eval.map(byName) : cand.flatMap((c, g) => (c.length <= arg.evalOrder! ? [g] : []));
  if (S.some((g) => g < 0)) throw new Error("unknown group in eval");
  const r = evaluate(S);
  console.log(`eval ${S.length} groups: auc ${r.auc.toFixed(4)} logloss ${r.logloss.toFixed(4)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  process.exit(0);
}
const S: number[] = (arg.start ?? []).map(byName);
let best = S.length ? evaluate(S).auc : 0.5;
for (let step = 0; step < (arg.steps ?? 40); step++) {
  let pick = -1;
  let pickRes = { auc: best, logloss: 0 };
  for (let g = 0; g < G; g++) {
    if (S.includes(g)) continue;
    const r = evaluate([...S, g]);
    if (r.auc > pickRes.auc) (pick = g), (pickRes = r);
  }
  if (pick < 0 || pickRes.auc - best < (arg.minGain ?? 1e-4)) break;
  S.push(pick);
  best = pickRes.auc;
  console.log(`step ${step + 1}: + ${name(pick).join("&")}  auc ${pickRes.auc.toFixed(4)} logloss ${pickRes.logloss.toFixed(4)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}
console.log(JSON.stringify(S.map(name)));
