import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSafeText } from "@/lib/domain/strict-input";
import { nastyString } from "@/lib/testing/nasty";
import {
  ACCOUNT_STATUSES, applicationParams, catalogParams, EMPLOYMENT_TYPES, findingsParams, lifecycleParams, operationsParams, PAGE_PARAM_PARSERS, peopleParams,
  PERSON_STATUSES, reviewBoardParams, signinParams,
} from "./page-params";
import { reviewBoardInput } from "@/lib/services/reviews/review-board";
import type { RawSearchParams } from "./search-params";

const KEYS = ["q", "page", "pageSize", "status", "kind", "days", "view", "department", "location", "employmentType", "beneficiaryId", "fresh", "callbackUrl", "error", "other", "rec", "app", "person", "size"];
const rawParams = (): fc.Arbitrary<RawSearchParams> =>
  fc.dictionary(fc.constantFrom(...KEYS), fc.oneof(nastyString(), fc.array(nastyString(), { maxLength: 3 }), fc.constant(undefined)), { maxKeys: 8 });

describe("page search params", () => {
  it("the examples of issue 12 give clean values and a notice, never an error", () => {
    expect(applicationParams({ page: "0", status: ["active", "bogus"] }).values).toEqual({ page: 1, status: "active" });
    expect(peopleParams({ q: ["a", "b"], page: "0", pageSize: "1000" }).values).toMatchObject({ q: "a", page: 1, pageSize: 100 });
    expect(peopleParams({ pageSize: "1000" }).notices).toEqual(["The page size is at most 100; showing 100."]);
    const bogus = peopleParams({ status: "bogus" });
    expect(bogus.values.status).toBeUndefined();
    expect(bogus.notices[0]).toMatch(/^Unknown status "bogus": ignored/);
    expect(operationsParams({ status: "bogus" }).values.status).toBeUndefined();
    expect(operationsParams({ status: "bogus" }).notices).toHaveLength(1);
    expect(findingsParams({ days: "99999" })).toEqual({ values: { kind: "outliers", page: 1, days: 3650 }, notices: ["The number of days is at most 3650; showing 3650."] });
    expect(findingsParams({ days: "abc", kind: "nope" }).values).toEqual({ kind: "outliers", page: 1, days: 90 });
    expect(lifecycleParams({ view: "x", kind: "leaver" }).values).toEqual({ kind: "leaver", page: 1, view: "events" });
    expect(peopleParams({ q: "a\u0000b" }).values.q).toBeUndefined();
    expect(peopleParams({ q: "a\u0000b" }).notices[0]).toMatch(/cannot be searched/);
    expect(peopleParams({ department: "x\ud800" }).values.department).toBeUndefined();
    expect(catalogParams({ beneficiaryId: "not-a-uuid", page: "-5" }).values).toEqual({ q: undefined, beneficiaryId: undefined, page: 1, pageSize: 20 });
  });

  it("sign-in only returns to a local path (no //host, no /\\host) and ignores unknown error codes", () => {
    expect(signinParams({ callbackUrl: "/reviews" }).values.callbackUrl).toBe("/reviews");
    for (const bad of ["//evil.test", "/\\evil.test", "https://evil.test", ["//x", "/ok"]]) expect(signinParams({ callbackUrl: bad }).values.callbackUrl).toBe("/dashboard");
    expect(signinParams({ callbackUrl: ["/a", "/b"] }).values.callbackUrl).toBe("/a");
  });

  it("every page's parser: random params never throw and always give values in range", () => {
    fc.assert(
      fc.property(rawParams(), (raw) => {
        for (const parse of Object.values(PAGE_PARAM_PARSERS)) {
          const { values, notices } = parse(raw);
          expect(Array.isArray(notices)).toBe(true);
          for (const n of notices) expect(isSafeText(n)).toBe(true);
          for (const [k, v] of Object.entries(values as Record<string, unknown>)) {
            if (typeof v === "string") expect(isSafeText(v), k).toBe(true);
            if (k === "page") expect(v as number).toBeGreaterThanOrEqual(1);
            if (typeof v === "number") expect(Number.isInteger(v), k).toBe(true);
          }
        }
        const people = peopleParams(raw).values;
        expect(people.pageSize).toBeGreaterThanOrEqual(5);
        expect(people.pageSize).toBeLessThanOrEqual(100);
        expect([undefined, ...PERSON_STATUSES]).toContain(people.status);
        expect([undefined, ...EMPLOYMENT_TYPES]).toContain(people.employmentType);
        expect([undefined, ...ACCOUNT_STATUSES]).toContain(applicationParams(raw).values.status);
        const f = findingsParams(raw).values;
        expect(f.days).toBeGreaterThanOrEqual(1);
        expect(f.days).toBeLessThanOrEqual(3650);
        expect(signinParams(raw).values.callbackUrl).toMatch(/^\/(?![/\\])/);
        // The review board: whatever the URL, what the reader gives is valid input for the service.
        const board = reviewBoardInput.safeParse({ ...reviewBoardParams(raw).values, campaignId: "3ae100ba-ab70-4752-9788-b3a1c19f0960" });
        expect(board.success, JSON.stringify(board.error?.issues)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
