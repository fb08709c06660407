import { afterAll, describe, expect, it, vi } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { run } from "../../cli/commands/risk";
import { mulberry32 } from "./folds";

const dir = mkdtempSync(path.join(tmpdir(), "gatehouse-risk-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeCsv(file: string, n: number, seed: number, order: "label-first" | "shuffled", crlf = false) {
  const rand = mulberry32(seed);
  const lines: string[] = [order === "label-first" ? "ACTION,RESOURCE,MGR_ID,ROLE_DEPTNAME" : "ROLE_DEPTNAME,RESOURCE,MGR_ID"];
  for (let i = 0; i < n; i++) {
    const res = String(100 + Math.floor(rand() * 15));
    const mgr = `"m ${Math.floor(rand() * 20)}"`; // quoted values
    const dept = String(Math.floor(rand() * 5));
    const y = res === "101" && dept === "2" ? 0 : rand() < 0.95 ? 1 : 0;
    lines.push(order === "label-first" ? `${y},${res},${mgr},${dept}` : `${dept},${res},${mgr}`);
  }
  writeFileSync(file, lines.join(crlf ? "\r\n" : "\n") + (crlf ? "\r\n" : "\n"));
}

describe("gatehouse risk CLI", () => {
  it("train -> predict writes a p_approve header and one line per row", async () => {
    const train = path.join(dir, "train.csv");
    const test = path.join(dir, "test.csv");
    const model = path.join(dir, "model.json");
    const preds = path.join(dir, "preds.csv");
    writeCsv(train, 600, 1, "label-first", true);
    writeCsv(test, 123, 2, "shuffled");
    const err = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(await run(["train", "--data", train, "--label", "ACTION", "--out", model])).toBe(0);
    expect(await run(["predict", "--model", model, "--data", test, "--out", preds])).toBe(0);
    err.mockRestore();
    const lines = readFileSync(preds, "utf8").trimEnd().split("\n");
    expect(lines[0]).toBe("p_approve");
    expect(lines).toHaveLength(124);
    for (const l of lines.slice(1)) {
      const p = Number(l);
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
    }
  });

  it("ignores a label column present at prediction time", async () => {
    const data = path.join(dir, "with-label.csv");
    const model = path.join(dir, "model2.json");
    const preds = path.join(dir, "preds2.csv");
    writeCsv(data, 300, 3, "label-first");
    const err = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(await run(["train", "--data", data, "--label", "ACTION", "--out", model])).toBe(0);
    expect(await run(["predict", "--model", model, "--data", data, "--out", preds])).toBe(0);
    err.mockRestore();
    expect(readFileSync(preds, "utf8").trimEnd().split("\n")).toHaveLength(301);
  });

  it("fails with a non-zero exit and a message on stderr for bad input", async () => {
    const err = vi.spyOn(console, "error").mockImplementation(() => {});
    const out = vi.spyOn(console, "log").mockImplementation(() => {});
    expect(await run(["train", "--data", path.join(dir, "nope.csv"), "--label", "ACTION", "--out", path.join(dir, "m.json")])).not.toBe(0);
    expect(await run(["train", "--data", path.join(dir, "train.csv")])).not.toBe(0);
    expect(await run(["frobnicate"])).not.toBe(0);
    expect(out).not.toHaveBeenCalled();
    expect(err).toHaveBeenCalled();
    err.mockRestore();
    out.mockRestore();
  });

  it("keeps the train / predict command-line contract (arguments, help, output format, exit codes)", async () => {
    const train = path.join(dir, "contract-train.csv");
    const test = path.join(dir, "contract-test.csv");
    const model = path.join(dir, "contract-model.json");
    const preds = path.join(dir, "contract-preds.csv");
    writeCsv(train, 400, 21, "label-first");
    writeCsv(test, 57, 22, "shuffled");
    const err = vi.spyOn(console, "error").mockImplementation(() => {});
    const out = vi.spyOn(console, "log").mockImplementation(() => {});
    // the documented usage lines, word for word
    expect(await run(["--help"])).toBe(0);
    const help = String(out.mock.calls[0][0]);
    expect(help).toContain("  train   --data FILE.csv --label ACTION --out MODEL.json");
    expect(help).toContain("  predict --model MODEL.json --data FILE.csv --out PREDS.csv");
    out.mockClear();
    // both flag spellings; nothing on stdout
    expect(await run(["train", "--data=" + train, "--label", "ACTION", "--out", model])).toBe(0);
    expect(await run(["predict", "--model", model, "--data=" + test, "--out", preds])).toBe(0);
    expect(out).not.toHaveBeenCalled();
    expect(JSON.parse(readFileSync(model, "utf8")).format).toBe("gatehouse-risk-model");
    const text = readFileSync(preds, "utf8");
    expect(text.endsWith("\n")).toBe(true);
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(58);
    expect(lines[0]).toBe("p_approve");
    for (const l of lines.slice(1)) {
      expect(l).toMatch(/^(0\.\d+|\d\.\d+e-\d+)$/); // one probability per line, plain number
      expect(l.replace(/^0\.0*|e-\d+$|\./g, "").length).toBeLessThanOrEqual(8); // 8 significant digits at most
    }
    // usage errors exit 2, other errors 1
    expect(await run(["train", "--data", train, "--label", "ACTION", "--out", model, "--folds", "3"])).toBe(2);
    expect(await run(["predict", "--model", model, "--data", test])).toBe(2);
    expect(await run(["predict", "--model", path.join(dir, "missing.json"), "--data", test, "--out", preds])).toBe(1);
    expect(out).not.toHaveBeenCalled();
    err.mockRestore();
    out.mockRestore();
  });
});
