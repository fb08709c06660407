import { describe, expect, it } from "vitest";
import { mulberry32 } from "./folds";
import { alignRows, explainRequest, modelFromJson, modelToJson, predictRows, riskScore, trainRiskModel, type RiskModelConfig } from "./model";
import { crossValidate } from "./validate";
import { auc } from "./metrics";

// Small, fast settings for unit tests (the benchmark uses the defaults).
const fast: Partial<RiskModelConfig> = { gbdt: { trees: 40, maxLeaves: 8 }, innerFolds: 5 };

/** Synthetic requests: resource R7 requested from department D3 is denied; everything else mostly approved. */
function planted(n: number, seed: number) {
  const rand = mulberry32(seed);
  const pick = (k: number, prefix: string) => `${prefix}${Math.floor(rand() * k)}`;
  const columns = ["RESOURCE", "DEPT", "MGR", "TITLE"];
  const rows: string[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = [pick(10, "R"), pick(6, "D"), pick(40, "M"), pick(8, "T")];
    // make the planted pair common enough to learn
    if (rand() < 0.08) (r[0] = "R7"), (r[1] = "D3");
    const bad = r[0] === "R7" && r[1] === "D3";
    labels.push(bad ? (rand() < 0.9 ? 0 : 1) : rand() < 0.97 ? 1 : 0);
    rows.push(r);
  }
  return { columns, rows, labels };
}

describe("risk model", () => {
  const data = planted(2500, 11);
  const model = trainRiskModel({ label: "ACTION", ...data }, fast);

  it("learns a planted rule (resource R7 denied for department D3)", () => {
    const test = planted(1000, 99);
    const p = predictRows(model, test.rows);
    expect(auc(p, test.labels)).toBeGreaterThan(0.85);
    const [bad] = predictRows(model, [["R7", "D3", "M1", "T1"]]);
    const [ok] = predictRows(model, [["R7", "D1", "M1", "T1"]]);
    expect(bad).toBeLessThan(0.4);
    expect(ok).toBeGreaterThan(0.85);
  });

  it("names the planted feature pair as the top reason, with counts", () => {
    const ex = explainRequest(model, { RESOURCE: "R7", DEPT: "D3", MGR: "M1", TITLE: "T1" });
    expect(ex.pApprove).toBeLessThan(0.4);
    expect(ex.riskScore).toBeGreaterThanOrEqual(8);
    const top = ex.reasons[0];
    expect(top.columns).toEqual(["RESOURCE", "DEPT"]);
    expect(top.values).toEqual(["R7", "D3"]);
    expect(top.effect).toBeLessThan(0);
    expect(top.pastDenied).toBeGreaterThan(top.pastRequests / 2);
    expect(top.text).toContain("RESOURCE=R7 & DEPT=D3");
    expect(top.text).toMatch(/often denied \(\d+ of \d+ past requests denied\); raises risk/);
  });

  it("handles unseen categories and missing columns", () => {
    const p = predictRows(model, [["R_NEW", "D_NEW", "M_NEW", "T_NEW"]]);
    expect(p[0]).toBeGreaterThan(0);
    expect(p[0]).toBeLessThan(1);
    const ex = explainRequest(model, { RESOURCE: "R_NEW", DEPT: "D1" });
    expect(Number.isFinite(ex.pApprove)).toBe(true);
    expect(ex.reasons.some((r) => r.text.includes("never been requested"))).toBe(true);
  });

  it("matches columns by header name, so order does not matter", () => {
    const rows = data.rows.slice(0, 50);
    const header = ["TITLE", "ACTION", "MGR", "RESOURCE", "DEPT"];
    const shuffled = rows.map((r, i) => [r[3], String(data.labels[i]), r[2], r[0], r[1]]);
    const a = predictRows(model, rows);
    const b = predictRows(model, alignRows(model, header, shuffled));
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it("survives JSON serialisation", () => {
    const back = modelFromJson(JSON.parse(JSON.stringify(modelToJson(model))));
    const a = predictRows(model, data.rows.slice(0, 200));
    const b = predictRows(back, data.rows.slice(0, 200));
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 4);
  });

  it("writes version 4 (weights of frequent entries only), still loads versions 3, 2 and 1 (all weights)", () => {
    const v2 = modelToJson(model);
    expect(v2.version).toBe(4);
    const stored = v2.groups.reduce((s, g) => s + (g.wFrequent?.length ?? 0), 0);
    const entries = v2.groups.reduce((s, g) => s + g.keys.length, 0);
    expect(stored).toBeLessThan(entries);
    const v1 = { ...v2, version: 1 as const, groups: v2.groups.map((g, k) => ({ ...g, wFrequent: undefined, w: Array.from(model.groups[k].w) })) };
    const a = predictRows(modelFromJson(JSON.parse(JSON.stringify(v2))), data.rows.slice(0, 100));
    const b = predictRows(modelFromJson(JSON.parse(JSON.stringify(v1))), data.rows.slice(0, 100));
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 5);
    const asV2 = predictRows(modelFromJson(JSON.parse(JSON.stringify({ ...v2, version: 2 }))), data.rows.slice(0, 100));
    for (let i = 0; i < a.length; i++) expect(asV2[i]).toBeCloseTo(a[i], 5);
    const asV3 = predictRows(modelFromJson(JSON.parse(JSON.stringify({ ...v2, version: 3 }))), data.rows.slice(0, 100));
    for (let i = 0; i < a.length; i++) expect(asV3[i]).toBeCloseTo(a[i], 5);
    expect(() => modelFromJson({ ...v2, version: 5 } as never)).toThrow(/format\/version/);
  });

  it("uses only the named groups of lrGroups in the logistic part (up to 4 columns), and falls back to every group", () => {
    const cfg: Partial<RiskModelConfig> = { ...fast, lrGroups: [["DEPT", "RESOURCE"], ["MGR"], ["RESOURCE", "DEPT", "MGR", "TITLE"]] };
    const m = trainRiskModel({ label: "ACTION", ...data }, cfg);
    const lr = m.groups.filter((g) => g.lr).map((g) => g.cols.map((c) => m.columns[c]).join("&"));
    expect(lr.sort()).toEqual(["MGR", "RESOURCE&DEPT", "RESOURCE&DEPT&MGR&TITLE"]);
    expect(m.groups.some((g) => !g.lr && g.cols.length === 3)).toBe(true); // the trees still see every triple
    expect(m.groups.filter((g) => !g.lr).every((g) => g.w.every((w) => w === 0) && g.rareW === 0)).toBe(true);
    const ex = explainRequest(m, { RESOURCE: "R7", DEPT: "D3", MGR: "M1", TITLE: "T1" }, 10);
    expect(ex.reasons.length).toBe(3);
    expect(ex.reasons[0].feature).toBe("RESOURCE=R7 & DEPT=D3");
    const json = modelToJson(m);
    expect(json.groups.filter((g) => g.lr === false).every((g) => g.wFrequent === undefined)).toBe(true);
    const back = modelFromJson(JSON.parse(JSON.stringify(json)));
    const p0 = predictRows(m, data.rows.slice(0, 100));
    const p1 = predictRows(back, data.rows.slice(0, 100));
    for (let i = 0; i < p0.length; i++) expect(p1[i]).toBeCloseTo(p0[i], 5);
    // a named column the data does not have: every group
    const all = trainRiskModel({ label: "ACTION", ...data }, { ...fast, lrGroups: [["NOPE", "MGR"]] });
    expect(all.groups.every((g) => g.lr)).toBe(true);
  });

  it("rejects bad labels", () => {
    expect(() => trainRiskModel({ label: "y", columns: ["a"], rows: [["x"], ["y"]], labels: [1, 1] })).toThrow(/both 0 and 1/);
    expect(() => trainRiskModel({ label: "y", columns: ["a"], rows: [["x"], ["y"]], labels: [1, 2] })).toThrow(/expected 0 or 1/);
  });
});

describe("riskScore", () => {
  it.each([
    [0.999, 0],
    [0.995, 0],
    [0.95, 5],
    [0.5, 10],
    [0.01, 10],
  ])("riskScore(%d) = %d", (p, s) => expect(riskScore(p)).toBeCloseTo(s, 6));
  it("is monotone: lower approval probability never means lower risk", () => {
    let last = -1;
    for (let p = 1; p >= 0; p -= 0.001) {
      const s = riskScore(p);
      expect(s).toBeGreaterThanOrEqual(last);
      expect(s).toBeLessThanOrEqual(10);
      last = s;
    }
  });
});

describe("crossValidate", () => {
  it("returns AUC, logloss and a 10-bin calibration table", () => {
    const d = planted(900, 5);
    const records = d.rows.map((r) => Object.fromEntries(d.columns.map((c, j) => [c, r[j]])));
    const cv = crossValidate(records, d.labels, 3, fast);
    expect(cv.auc).toBeGreaterThan(0.75);
    expect(cv.logloss).toBeLessThan(0.3);
    expect(cv.calibration).toHaveLength(10);
    expect(cv.calibration.reduce((s, b) => s + b.count, 0)).toBe(900);
    expect(cv.perFold).toHaveLength(3);
  });
});
