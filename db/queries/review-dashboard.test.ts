import { describe, expect, it } from "vitest";
import { fmtDuration } from "@/components/reviews/review-dashboard";
import { pickReviewers } from "./reviews";

const r = (name: string, decided: number, open: number) => ({ reviewerId: name, name, decided, open });

describe("review dashboard: progress by reviewer", () => {
  it("never hides the reviewers who decided something behind the largest open piles", () => {
    const rows = [...Array.from({ length: 30 }, (_, i) => r(`Idle ${String(i).padStart(2, "0")}`, 0, 100 + i)), r("Only Actor", 3, 1)];
    const shown = pickReviewers(rows, 15);
    expect(shown).toHaveLength(15);
    expect(shown[0]).toMatchObject({ name: "Only Actor", decided: 3 });
    // The largest open piles follow; the rest is one summed bar, so no item is lost from the totals.
    expect(shown[1]).toMatchObject({ name: "Idle 29", open: 129 });
    expect(shown[14]).toMatchObject({ name: "17 other reviewers", others: 17 });
    const total = (xs: Array<{ decided: number; open: number }>) => xs.reduce((n, x) => n + x.decided + x.open, 0);
    expect(total(shown)).toBe(total(rows));
  });

  it("shows everyone when they fit", () => {
    expect(pickReviewers([r("B", 0, 5), r("A", 2, 0)], 15).map((x) => x.name)).toEqual(["A", "B"]);
  });
});

describe("review dashboard: time to revoke", () => {
  it("a revoke that finished within a second is not shown as 0 s", () => {
    expect(fmtDuration(0.42)).toBe("420 ms");
    expect(fmtDuration(0.0001)).toBe("1 ms");
    expect(fmtDuration(3.25)).toBe("3.3 s");
    expect(fmtDuration(42)).toBe("42 s");
    expect(fmtDuration(null)).toBe("–");
  });
});
