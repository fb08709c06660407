/**
 * Evaluation metrics for binary probabilistic classifiers.
 *
 * - auc(scores, labels): area under the ROC curve as the Mann-Whitney U statistic, with tied scores
 *   counted as one half (average ranks). O(n log n).
 * - logloss(p, labels): mean negative log-likelihood, probabilities clipped to [1e-15, 1 - 1e-15]. O(n).
 * - calibrationTable(p, labels, bins): equal-width bins over [0, 1] (the admin page's reliability
 *   diagram): per bin the count, mean predicted probability and observed frequency of label 1. O(n).
 * Labels are 0/1; the positive class is 1 (approved).
 */

export type CalibrationBin = { lo: number; hi: number; count: number; meanPredicted: number; observed: number };

export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  if (labels.length !== n) throw new Error("auc: length mismatch");
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let nPos = 0;
  let rankSumPos = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const avgRank = (i + j + 2) / 2; // 1-based ranks i+1..j+1
    for (let k = i; k <= j; k++) {
      if (labels[order[k]] === 1) {
        nPos++;
        rankSumPos += avgRank;
      }
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

export function logloss(p: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = p.length;
  if (labels.length !== n) throw new Error("logloss: length mismatch");
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const q = Math.min(1 - 1e-15, Math.max(1e-15, p[i]));
    s -= labels[i] === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return s / n;
}

export function calibrationTable(p: ArrayLike<number>, labels: ArrayLike<number>, bins = 10): CalibrationBin[] {
  const count = new Array<number>(bins).fill(0);
  const sumP = new Array<number>(bins).fill(0);
  const sumY = new Array<number>(bins).fill(0);
  for (let i = 0; i < p.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p[i] * bins)));
    count[b]++;
    sumP[b] += p[i];
    sumY[b] += labels[i];
  }
  return count.map((c, b) => ({
    lo: b / bins,
    hi: (b + 1) / bins,
    count: c,
    meanPredicted: c ? sumP[b] / c : NaN,
    observed: c ? sumY[b] / c : NaN,
  }));
}
