import { describe, expect, it } from "vitest";
import { auc, calibrationTable, logloss } from "./metrics";
import { stratifiedFolds } from "./folds";

describe("auc", () => {
  it.each([
    // scores, labels, expected (hand-computed: fraction of (pos, neg) pairs ranked correctly, ties = 1/2)
    [[0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], 0.75],
    [[0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0], 1],
    [[0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1], 0],
    [[0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1], 0.5],
    [[0.1, 0.5, 0.5, 0.9], [0, 0, 1, 1], 0.875], // pairs: (0.5 vs 0.1)=1, (0.5 vs 0.5)=0.5, (0.9 vs both)=2 -> 3.5/4
  ])("auc(%j, %j) = %d", (s, y, want) => {
    expect(auc(s, y)).toBeCloseTo(want, 12);
  });
  it("is NaN with a single class", () => {
    expect(auc([0.2, 0.3], [1, 1])).toBeNaN();
  });
});

describe("logloss", () => {
  it("matches hand computation", () => {
    // -(ln 0.8 + ln(1 - 0.4)) / 2
    expect(logloss([0.8, 0.4], [1, 0])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 12);
    expect(logloss([0.5], [1])).toBeCloseTo(Math.LN2, 12);
  });
  it("clips certain wrong predictions instead of returning Infinity", () => {
    expect(Number.isFinite(logloss([0], [1]))).toBe(true);
  });
});

describe("calibrationTable", () => {
  it("bins by predicted probability", () => {
    const t = calibrationTable([0.05, 0.07, 0.95, 0.99, 1], [0, 1, 1, 1, 0], 10);
    expect(t).toHaveLength(10);
    expect(t[0]).toMatchObject({ count: 2, observed: 0.5 });
    expect(t[0].meanPredicted).toBeCloseTo(0.06, 12);
    expect(t[9].count).toBe(3);
    expect(t[9].observed).toBeCloseTo(2 / 3, 12);
    expect(t[5].count).toBe(0);
  });
});

describe("stratifiedFolds", () => {
  it("keeps class shares equal across folds", () => {
    const y = Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 0 : 1));
    const f = stratifiedFolds(y, 5, 3);
    for (let k = 0; k < 5; k++) {
      const rows = y.filter((_, i) => f[i] === k);
      expect(rows.length).toBe(200);
      expect(rows.filter((v) => v === 0).length).toBe(20);
    }
  });
});
