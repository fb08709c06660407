/**
 * The paged review board (getReviewBoard), against PGlite (and PostgreSQL when TEST_DATABASE_URL is set):
 * - every count is the reviewer's total in the campaign whatever the page or view, and `matching` is the view's;
 * - walking the pages of a view gives each matching item exactly once, in the board's order (flagged people
 *   first, a person's items together), with the same counts on every page; a page past the end shows the last;
 * - filters by status, recommendation, application, person and text (a % in the text is literal) in SQL;
 * - ownership: another reviewer's items are never counted, listed or nameable through the person filter;
 * - each person's summary covers all their items (not the page's) and follows a decision made on a later page;
 * - the status default: undecided while there are any, then all;
 * - bad input: the URL reader ignores it with a notice; the service refuses it (ValidationError), never a crash.
 * Fixture: Mia reviews 12 people × 5 entitlements of Code and Wiki (60 items, recommendations and a few
 * decisions set by a fixed rule); Sam reviews 2 of the same people and one only he reviews.
 */
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applications, entitlements, grants, people, reviewCampaigns, reviewItems } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { personSummary } from "@/lib/domain/review-triage";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { reviewBoardParams } from "@/lib/http/page-params";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { decideItem } from "./decide-item";
import { getReviewBoard, type ReviewBoardView } from "./review-board";

const now = new Date("2031-05-04T10:00:00Z");
const DAY = 86_400_000;
type Rec = "no_action" | "review" | "remove";

const mkPerson = (n: string, extra: Partial<typeof people.$inferInsert> = {}) => ({
  id: randomUUID(), employeeId: `E-${n}-${randomUUID().slice(0, 6)}`, givenName: n, familyName: "Test", displayName: `${n} Test`,
  email: `${n.toLowerCase()}-${randomUUID().slice(0, 4)}@example.test`, department: "Engineering", title: "Engineer", location: "Remote", ...extra,
});
const actorOf = (p: { id: string; displayName: string; email: string }): Actor => ({ personId: p.id, name: p.displayName, email: p.email, roles: ["employee", "manager"], ownedApplicationIds: [] });
const recOf = (k: number, j: number): Rec => ((k + j) % 7 === 0 ? "remove" : (k * j) % 4 === 1 ? "review" : "no_action");
const rank = { remove: 0, review: 1, no_action: 2 } as const;
const ids = (v: ReviewBoardView) => v.people.flatMap((p) => p.items.map((i) => i.id));

for (const driver of testDrivers()) {
  describe(`paged review board on ${driver.label}`, () => {
    let t: TestDb;
    const mia = mkPerson("Mia", { title: "Engineering Manager" });
    const sam = mkPerson("Sam", { title: "Sales Manager", department: "Sales" });
    // Names with a % and an underscore, to check that search text is literal.
    const reports = Array.from({ length: 12 }, (_, k) => mkPerson(k === 3 ? "Pct%Ann" : k === 4 ? "Under_Bo" : `P${String(k).padStart(2, "0")}`));
    const onlySam = mkPerson("Solo");
    let campaignId = "";
    const codeWiki: Record<string, { id: string; app: string; name: string }> = {};
    let wikiId = "";
    /** Mia's items as the fixture made them (id, person, entitlement, recommendation, decision). */
    let mine: Array<{ id: string; personId: string; entitlementId: string; recommendation: Rec; decision: "keep" | "revoke" | null }> = [];
    const board = (input: Record<string, unknown>, who = mia) => getReviewBoard({ ctx: { actor: actorOf(who), db: t.db }, input: { campaignId, ...input } });
    const reload = async () => {
      mine = (await t.db.select().from(reviewItems).where(and(eq(reviewItems.campaignId, campaignId), eq(reviewItems.reviewerId, mia.id)))).map((r) => ({
        id: r.id, personId: r.personId, entitlementId: r.entitlementId, recommendation: r.recommendation, decision: r.decision,
      }));
    };
    const expectedCounts = () => ({
      total: mine.length,
      decided: mine.filter((i) => i.decision).length,
      open: mine.filter((i) => !i.decision).length,
      openNoAction: mine.filter((i) => !i.decision && i.recommendation === "no_action").length,
      openFlagged: mine.filter((i) => !i.decision && i.recommendation !== "no_action").length,
      flagged: mine.filter((i) => i.recommendation !== "no_action").length,
      remove: mine.filter((i) => i.recommendation === "remove").length,
      review: mine.filter((i) => i.recommendation === "review").length,
      noAction: mine.filter((i) => i.recommendation === "no_action").length,
    });
    /** Every page of a view, in order, with the counts of each page. */
    const walk = async (input: Record<string, unknown>) => {
      const first = await board({ ...input, page: 1 });
      const pages = [first];
      for (let p = 2; p <= first.pages; p++) pages.push(await board({ ...input, page: p }));
      return pages;
    };

    beforeAll(async () => {
      t = await driver.open();
      await t.db.insert(people).values([mia, sam, ...reports, onlySam]);
      const [code, wiki] = await t.db.insert(applications).values([
        { key: "code", name: "Code", connectorKind: "manual", config: {} },
        { key: "wiki", name: "Wiki", connectorKind: "manual", config: {} },
      ]).returning();
      wikiId = wiki!.id;
      const ents = await t.db.insert(entitlements).values([
        { applicationId: code!.id, externalId: "read", name: "Code Read" },
        { applicationId: code!.id, externalId: "write", name: "Code Write" },
        { applicationId: code!.id, externalId: "admin", name: "Code Admin", privileged: true },
        { applicationId: wiki!.id, externalId: "wread", name: "Wiki Read" },
        { applicationId: wiki!.id, externalId: "wedit", name: "Wiki Edit" },
      ]).returning();
      for (const e of ents) codeWiki[e.externalId] = { id: e.id, app: e.applicationId === wikiId ? "Wiki" : "Code", name: e.name };
      const [c] = await t.db.insert(reviewCampaigns).values({ name: "Q2 review", status: "active", dueAt: new Date(now.getTime() + 14 * DAY), startsAt: now }).returning();
      campaignId = c!.id;
      const pairs = [...reports.flatMap((p, k) => ents.map((e, j) => ({ p, k, e, j }))), { p: onlySam, k: 99, e: ents[0]!, j: 0 }];
      const gs = await t.db.insert(grants).values(pairs.map(({ p, e }) => ({ personId: p.id, entitlementId: e.id, source: "manual" as const, grantedAt: new Date(now.getTime() - 100 * DAY), reason: "fixture" }))).returning();
      await t.db.insert(reviewItems).values([
        ...reports.flatMap((p, k) => ents.map((e, j) => {
          const rec = recOf(k, j);
          return {
            campaignId, personId: p.id, entitlementId: e.id, reviewerId: mia.id, grantId: gs[k * ents.length + j]!.id, recommendation: rec,
            reasons: [rec === "remove" ? `removal recommended: unused ${k}-${j}` : `${rec} ${k}-${j}`],
            // A few decided already (every 6th item).
            decision: (k * ents.length + j) % 6 === 5 ? ("keep" as const) : null, decidedAt: (k * ents.length + j) % 6 === 5 ? now : null, decidedById: (k * ents.length + j) % 6 === 5 ? mia.id : null,
          };
        })),
        // Sam's items: two of Mia's people, and Solo whom only Sam reviews.
        { campaignId, personId: reports[0]!.id, entitlementId: ents[0]!.id, reviewerId: sam.id, recommendation: "remove" as const, reasons: ["removal recommended: Sam's"] },
        { campaignId, personId: reports[1]!.id, entitlementId: ents[1]!.id, reviewerId: sam.id, recommendation: "review" as const, reasons: ["Sam's"] },
        { campaignId, personId: onlySam.id, entitlementId: ents[0]!.id, reviewerId: sam.id, grantId: gs[gs.length - 1]!.id, recommendation: "no_action" as const, reasons: ["Sam's"] },
      ]);
      await reload();
    });
    afterAll(async () => {
      await t?.close();
    });

    it("the counts are the reviewer's totals on every page and view; walking a view's pages gives each item once, flagged people first", async () => {
      expect(mine).toHaveLength(60);
      const want = expectedCounts();
      expect(want.remove).toBeGreaterThan(0);
      expect(want.decided).toBe(10);
      // The default view: undecided items (there are some), 50 per page.
      const v = await board({});
      expect(v.query).toMatchObject({ status: "open", rec: "all", page: 1, size: 50 });
      expect(v.counts).toEqual(want);
      expect(v.matching).toBe(want.open);
      expect(ids(v)).toHaveLength(50);
      expect(v.applications.map((a) => [a.name, a.total, a.open])).toEqual([
        ["Code", 36, mine.filter((i) => !i.decision && ["read", "write", "admin"].some((k) => codeWiki[k]!.id === i.entitlementId)).length],
        ["Wiki", 24, mine.filter((i) => !i.decision && ["wread", "wedit"].some((k) => codeWiki[k]!.id === i.entitlementId)).length],
      ]);

      const pages = await walk({ status: "all", size: 10 });
      expect(pages).toHaveLength(6);
      for (const [n, p] of pages.entries()) {
        expect(p.counts).toEqual(want);
        expect(p.matching).toBe(60);
        expect(p.query.page).toBe(n + 1);
        expect(ids(p)).toHaveLength(10);
      }
      const seen = pages.flatMap(ids);
      expect(new Set(seen).size).toBe(60);
      expect([...seen].sort()).toEqual(mine.map((i) => i.id).sort());
      // Order: people by their best recommendation (removal first), a person's items together and by recommendation.
      const byId = new Map(mine.map((i) => [i.id, i]));
      const personOrder = [...new Set(seen.map((s) => byId.get(s)!.personId))];
      expect(personOrder).toHaveLength(12);
      const best = (pid: string) => Math.min(...mine.filter((i) => i.personId === pid).map((i) => rank[i.recommendation]));
      for (let k = 1; k < personOrder.length; k++) expect(best(personOrder[k]!)).toBeGreaterThanOrEqual(best(personOrder[k - 1]!));
      for (const pid of personOrder) {
        const at = seen.flatMap((s, n) => (byId.get(s)!.personId === pid ? [n] : []));
        expect(at[at.length - 1]! - at[0]!).toBe(at.length - 1);
        const recs = at.map((n) => rank[byId.get(seen[n]!)!.recommendation]);
        expect(recs).toEqual([...recs].sort((a, b) => a - b));
      }
      // A page past the end shows the last page.
      const late = await board({ status: "all", size: 10, page: 999 });
      expect(late.query.page).toBe(6);
      expect(ids(late)).toEqual(ids(pages[5]!));
    });

    it("filters by status, recommendation, application, person and text, in SQL", async () => {
      const count = (f: (i: (typeof mine)[number]) => boolean) => mine.filter(f).length;
      const all = async (input: Record<string, unknown>) => (await walk({ size: 100, ...input })).flatMap(ids).sort();
      const want = (f: (i: (typeof mine)[number]) => boolean) => mine.filter(f).map((i) => i.id).sort();
      expect(await all({ status: "decided" })).toEqual(want((i) => Boolean(i.decision)));
      expect(await all({ status: "all", rec: "flagged" })).toEqual(want((i) => i.recommendation !== "no_action"));
      expect(await all({ status: "open", rec: "remove" })).toEqual(want((i) => !i.decision && i.recommendation === "remove"));
      const wikiEnts = new Set([codeWiki.wread!.id, codeWiki.wedit!.id]);
      expect(await all({ status: "all", app: wikiId })).toEqual(want((i) => wikiEnts.has(i.entitlementId)));
      const v = await board({ status: "all", person: reports[5]!.id });
      expect(v.personName).toBe("P05 Test");
      expect(ids(v).sort()).toEqual(want((i) => i.personId === reports[5]!.id));
      expect(v.matching).toBe(5);
      // Text: a person's name, an application, an entitlement; % and _ are literal.
      expect(await all({ status: "all", q: "p05" })).toEqual(want((i) => i.personId === reports[5]!.id));
      expect(await all({ status: "all", q: "wiki" })).toEqual(want((i) => wikiEnts.has(i.entitlementId)));
      expect(await all({ status: "all", q: "Code Admin" })).toEqual(want((i) => i.entitlementId === codeWiki.admin!.id));
      expect(await all({ status: "all", q: "%" })).toEqual(want((i) => i.personId === reports[3]!.id));
      expect(await all({ status: "all", q: "P0_" })).toEqual([]);
      expect(await all({ status: "all", q: "er_Bo" })).toEqual(want((i) => i.personId === reports[4]!.id));
      // The counts never follow the view.
      const narrow = await board({ status: "decided", rec: "review", app: wikiId, q: "test" });
      expect(narrow.counts).toEqual(expectedCounts());
      expect(narrow.matching).toBe(count((i) => Boolean(i.decision) && i.recommendation === "review" && wikiEnts.has(i.entitlementId)));
    });

    it("ownership is in SQL: another reviewer's items are never counted, listed or named", async () => {
      const s = await board({ status: "all" }, sam);
      expect(s.counts.total).toBe(3);
      expect(s.people.map((p) => p.name).sort()).toEqual(["P00 Test", "P01 Test", "Solo Test"]);
      // Sam's summary of P00 counts only his item of P00.
      expect(s.people.find((p) => p.name === "P00 Test")!.tally).toHaveLength(1);
      const m = await board({ status: "all", person: onlySam.id });
      expect(m.matching).toBe(0);
      expect(m.people).toEqual([]);
      expect(m.personName).toBeNull();
      expect((await board({ status: "all", q: "Solo" })).matching).toBe(0);
      expect((await board({ status: "all" })).people.flatMap((p) => p.tally).every((x) => mine.some((i) => i.id === x.id))).toBe(true);
    });

    it("a person's summary covers all their items and follows a decision made on a later page", async () => {
      const pages = await walk({ status: "all", size: 12 });
      // A person split across two pages (5 items each, 12 a page): the same summary (over all 5 items) on both.
      const split = pages.findIndex((p, n) => n > 0 && p.people[0]!.personId === pages[n - 1]!.people.at(-1)!.personId);
      expect(split).toBeGreaterThan(0);
      expect(pages[split]!.people[0]!.items.length + pages[split - 1]!.people.at(-1)!.items.length).toBe(5);
      expect(pages[split]!.people[0]!.summary).toBe(pages[split - 1]!.people.at(-1)!.summary);
      for (const p of pages.flatMap((x) => x.people)) {
        const items = mine.filter((i) => i.personId === p.personId);
        expect(p.tally).toHaveLength(items.length);
        expect(p.summary).toBe(personSummary(p, p.tally.map((x) => ({ recommendation: x.recommendation, decision: x.decision, reasons: x.lead ? [x.lead] : [] }))));
        expect(p.summary).toMatch(new RegExp(`^${p.name.replace(/[%_]/g, ".")} \\(Engineer, Engineering\\): 5 items`));
      }
      // Decide an undecided item on the last page of the undecided view.
      const before = await board({ size: 10 });
      const last = await board({ size: 10, page: before.pages });
      const person = last.people.at(-1)!;
      const item = person.items.at(-1)!;
      expect(item.decision).toBeNull();
      await decideItem({ ctx: { actor: actorOf(mia), db: t.db }, input: { campaignId, itemId: item.id, decision: item.recommendation === "remove" ? "revoke" : "keep" }, now });
      await reload();
      const after = await board({ size: 10 });
      expect(after.counts).toEqual(expectedCounts());
      expect(after.counts.open).toBe(before.counts.open - 1);
      expect(after.counts.decided).toBe(before.counts.decided + 1);
      expect(after.matching).toBe(before.matching - 1);
      const again = (await board({ status: "all", person: person.personId })).people[0]!;
      expect(again.tally.find((x) => x.id === item.id)!.decision).toBe(item.recommendation === "remove" ? "revoke" : "keep");
      expect(again.summary).not.toBe(person.summary);
      expect(again.summary).toMatch(/decided/);
      // The decided view shows it, with the receipt fields and its history.
      const decided = await walk({ status: "decided", size: 100 });
      const shown = decided.flatMap((p) => p.people.flatMap((x) => x.items)).find((i) => i.id === item.id)!;
      expect(shown.decision).not.toBeNull();
      expect(shown.history).toEqual([`Granted on ${new Date(now.getTime() - 100 * DAY).toISOString().slice(0, 10)}: “fixture”`]);
    });

    it("the status default is undecided while there are any, then all", async () => {
      await t.db.update(reviewItems).set({ decision: "keep", decidedAt: now, decidedById: mia.id }).where(and(eq(reviewItems.campaignId, campaignId), eq(reviewItems.reviewerId, sam.id)));
      const s = await board({}, sam);
      expect(s.query.status).toBe("all");
      expect(s.matching).toBe(3);
      expect(s.counts).toMatchObject({ total: 3, decided: 3, open: 0, openNoAction: 0 });
      expect((await board({ status: "open" }, sam)).matching).toBe(0);
    });

    it("bad input: the URL reader ignores it with a notice, the service refuses it; an unknown campaign is not found", async () => {
      const r = reviewBoardParams({ status: "bogus", rec: ["remove", "x"], app: "not-a-uuid", person: "1", q: "a\u0000b", page: "-3", size: "5000" });
      expect(r.values).toEqual({ status: undefined, rec: "remove", app: undefined, person: undefined, q: undefined, page: 1, size: 100 });
      expect(r.notices.length).toBeGreaterThanOrEqual(5);
      const v = await board(r.values);
      expect(v.query).toMatchObject({ status: "open", rec: "remove", size: 100, page: 1 });
      expect(reviewBoardParams({ page: "abc", size: "x" }).values).toMatchObject({ page: 1, size: 50 });
      for (const bad of [{ status: "bogus" }, { size: 5 }, { size: 101 }, { page: 0 }, { page: 1.5 }, { q: "a\u0000b" }, { q: "x".repeat(101) }, { app: "nope" }, { rec: "maybe" }]) {
        await expect(board(bad)).rejects.toBeInstanceOf(ValidationError);
      }
      await expect(getReviewBoard({ ctx: { actor: actorOf(mia), db: t.db }, input: { campaignId: randomUUID() } })).rejects.toBeInstanceOf(NotFoundError);
      await expect(getReviewBoard({ ctx: { actor: actorOf(mia), db: t.db }, input: { campaignId: "x" } })).rejects.toBeInstanceOf(NotFoundError);
      await expect(getReviewBoard({ ctx: { actor: actorOf(mia), db: t.db }, input: null })).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
