import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { embeddedWorkerWanted } from "./embedded";

const saved = { url: process.env.DATABASE_URL, worker: process.env.GATEHOUSE_WORKER };
afterEach(() => {
  for (const [k, v] of [["DATABASE_URL", saved.url], ["GATEHOUSE_WORKER", saved.worker]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvCache();
});

describe("embedded worker", () => {
  it.each([
    [undefined, undefined, true],
    ["postgres://u@127.0.0.1:5432/db", undefined, true], // PostgreSQL: runs in the portal with no extra setting (as documented)
    ["postgres://u@127.0.0.1:5432/db", "embedded", true],
    ["postgres://u@127.0.0.1:5432/db", "off", false],
    [undefined, "off", false],
  ])("DATABASE_URL=%s GATEHOUSE_WORKER=%s → runs: %s", (url, worker, wanted) => {
    if (url === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = url;
    if (worker === undefined) delete process.env.GATEHOUSE_WORKER;
    else process.env.GATEHOUSE_WORKER = worker;
    resetEnvCache();
    expect(embeddedWorkerWanted()).toBe(wanted);
  });
});
