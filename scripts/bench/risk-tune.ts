/**
 * `tsx scripts/bench/risk-tune.ts '{"config": ...}'`: how the risk model's settings were chosen. Cross-validates a
 * configuration on the tuning part of the Amazon file only (the 80% that the benchmark's held-out 20% excludes:
 * validate.holdoutSplit with its default seed), and prints, per learner, the out-of-fold AUC / logloss of
 * (a) the logistic part, (b) the trees, the configured blend, and the best blend refitted on those logits
 * (c0 + c1 za + c2 zb, by logistic regression on the out-of-fold logits: an optimistic figure, for guidance).
 */
import { writeFileSync } from "node:fs";
import { stratifiedFolds } from "../../lib/domain/risk/folds";
import { auc, logloss } from "../../lib/domain/risk/metrics";
import { componentLogits, defaultRiskConfig, trainRiskModel, type RiskModelConfig } from "../../lib/domain/risk/model";
import { amazonTuningPart } from "./amazon-tuning";

const { columns, rows, labels } = amazonTuningPart();

const arg = JSON.parse(process.argv[2] ?? "{}") as { config?: Partial<RiskModelConfig>; folds?: number; seed?: number };
const config = arg.config ?? {};
const K = arg.folds ?? 5;
const fold = stratifiedFolds(labels, K, arg.seed ?? 42);
const n = rows.length;
const za = new Float64Array(n);
const zb = new Float64Array(n);
const zc = new Float64Array(n);
const cpu0 = process.cpuUsage();
let trainCpu = 0;
for (let k = 0; k < K; k++) {
  const tr: number[] = [];
  const te: number[] = [];
  for (let i = 0; i < n; i++) (fold[i] === k ? te : tr).push(i);
  const c0 = process.cpuUsage();
  const model = trainRiskModel({ label: "ACTION", columns, rows: tr.map((i) => rows[i]), labels: tr.map((i) => labels[i]) }, config);
  const c = process.cpuUsage(c0);
  trainCpu += (c.user + c.system) / 1e6;
  const z = componentLogits(model, te.map((i) => rows[i]));
  te.forEach((i, j) => ((za[i] = z.za[j]), (zb[i] = z.zb[j]), (zc[i] = z.zc[j])));
}
const sig = (z: number) => 1 / (1 + Math.exp(-z));
const cfg = { ...defaultRiskConfig, ...config };
const comps = config.ffm ? [za, zb, zc] : [za, zb];
const pa = za.map(sig);
const pb = zb.map(sig);
const pc = zc.map(sig);
const c = cfg.blend;
const pBlend = za.map((_, i) => sig(c[0] + c[1] * za[i] + c[2] * zb[i] + (config.ffm ? (c[3] ?? 0) * zc[i] : 0)));
const w = refitBlend(comps, labels);
const pRefit = za.map((_, i) => sig(w[0] + comps.reduce((s, z, j) => s + w[j + 1] * z[i], 0)));

/** Logistic regression of the labels on (1, components...) by Newton's method: the best blend of these logits. */
function refitBlend(zs: Float64Array[], y: number[]): number[] {
  const m = zs.length + 1;
  const b = new Array<number>(m).fill(0);
  for (let it = 0; it < 30; it++) {
    const g = new Array<number>(m).fill(0);
    const H = Array.from({ length: m }, () => new Array<number>(m + 1).fill(0));
    for (let i = 0; i < y.length; i++) {
      const x = [1, ...zs.map((z) => z[i])];
      const p = sig(x.reduce((s, v, j) => s + b[j] * v, 0));
      for (let a = 0; a < m; a++) {
        g[a] += (p - y[i]) * x[a];
        for (let q = 0; q < m; q++) H[a][q] += p * (1 - p) * x[a] * x[q];
      }
    }
    for (let a = 0; a < m; a++) H[a][m] = g[a];
    for (let col = 0; col < m; col++) {
      let piv = col;
      for (let r = col + 1; r < m; r++) if (Math.abs(H[r][col]) > Math.abs(H[piv][col])) piv = r;
      [H[col], H[piv]] = [H[piv], H[col]];
      for (let r = 0; r < m; r++) {
        if (r === col) continue;
        const fct = H[r][col] / H[col][col];
        for (let q = col; q <= m; q++) H[r][q] -= fct * H[col][q];
      }
    }
    for (let a = 0; a < m; a++) b[a] -= H[a][m] / H[a][a];
  }
  return b;
}
const f = (p: Float64Array) => `auc ${auc(p, labels).toFixed(4)} logloss ${logloss(p, labels).toFixed(4)}`;
const total = process.cpuUsage(cpu0);
// RISK_TUNE_DUMP=file: write the out-of-fold logits and labels (for calibration experiments on the tuning part)
if (process.env.RISK_TUNE_DUMP) writeFileSync(process.env.RISK_TUNE_DUMP, JSON.stringify({ za: [...za], zb: [...zb], y: labels }));
console.log(JSON.stringify(arg));
console.log(`  (a) ${f(pa)} | (b) ${f(pb)} | (c) ${config.ffm ? f(pc) : "-"} | blend ${f(pBlend)} | refit [${w.map((v) => v.toFixed(3)).join(", ")}] ${f(pRefit)}`);
console.log(`  train cpu per fold ${(trainCpu / K).toFixed(1)} s, total cpu ${((total.user + total.system) / 1e6).toFixed(0)} s`);
