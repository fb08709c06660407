import { describe, expect, it } from "vitest";
import { healthScore } from "./system-health";

const now = new Date("2026-06-01T12:00:00Z");
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);

describe("healthScore", () => {
  it.each([
    { name: "all good", f: { lastReconciledAt: hoursAgo(1), accounts: 100, driftedAccounts: 0, failedOps7d: 0, openIncidents: 0 }, score: 100, band: "healthy", reasons: 0 },
    { name: "never reconciled", f: { lastReconciledAt: null, accounts: 0, driftedAccounts: 0, failedOps7d: 0, openIncidents: 0 }, score: 75, band: "degraded", reasons: 1 },
    { name: "stale by 2 days", f: { lastReconciledAt: hoursAgo(48), accounts: 10, driftedAccounts: 0, failedOps7d: 0, openIncidents: 0 }, score: 90, band: "healthy", reasons: 1 },
    { name: "stale by 10 days", f: { lastReconciledAt: hoursAgo(240), accounts: 10, driftedAccounts: 0, failedOps7d: 0, openIncidents: 0 }, score: 80, band: "healthy", reasons: 1 },
    { name: "10% drift", f: { lastReconciledAt: hoursAgo(1), accounts: 100, driftedAccounts: 10, failedOps7d: 0, openIncidents: 0 }, score: 94, band: "healthy", reasons: 1 },
    { name: "drift capped at 30", f: { lastReconciledAt: hoursAgo(1), accounts: 10, driftedAccounts: 10, failedOps7d: 0, openIncidents: 0 }, score: 70, band: "degraded", reasons: 1 },
    { name: "failures and incidents", f: { lastReconciledAt: hoursAgo(1), accounts: 10, driftedAccounts: 0, failedOps7d: 2, openIncidents: 1 }, score: 80, band: "healthy", reasons: 2 },
    { name: "everything wrong, clamped", f: { lastReconciledAt: null, accounts: 10, driftedAccounts: 10, failedOps7d: 20, openIncidents: 9 }, score: 0, band: "unhealthy", reasons: 4 },
  ])("$name → $score", ({ f, score, band, reasons }) => {
    const h = healthScore(f, now);
    expect(h.score).toBe(score);
    expect(h.band).toBe(band);
    expect(h.reasons).toHaveLength(reasons);
  });
});
