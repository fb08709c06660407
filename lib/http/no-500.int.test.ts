/**
 * Property test (issue 12 §3): random strings, numbers and JSON thrown at EVERY route handler
 * (app/** /route.ts, found by glob, so a new one is covered) and EVERY server action
 * (app/** /actions.ts) never produce a 500, an unhandled throw, or the generic "Something went
 * wrong" message. The real exported functions are called, against PGlite: route handlers with
 * `new Request(...)` and their params, actions with random FormData (field names read from the
 * action's source, so the values reach the code behind them) or a random argument.
 *
 * Replaced for the test: the session (who is signed in: an admin, an employee, or nobody), the
 * database handle (the test's PGlite), Next's cache revalidation (needs a request scope) and the
 * webhook secret (so signature checking runs). Everything else is the code that ships.
 */
import { createHmac } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/auth/can";
import { nastyJson, nastyString } from "@/lib/testing/nasty";

const state = vi.hoisted(() => {
  process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true"; // as `experimental.authInterrupts` in next.config.js does for forbidden()
  return { db: null as unknown, handle: null as unknown, actor: null as Actor | null };
});

vi.mock("@/db/client", async (orig) => ({ ...(await orig<typeof import("@/db/client")>()), getDb: async () => state.db, getHandle: async () => state.handle }));
vi.mock("@/lib/auth/session", async () => {
  const { UnauthorizedError } = await import("@/lib/errors");
  const { redirect } = await import("next/navigation");
  return {
    loadActor: async () => state.actor,
    currentActor: async () => state.actor,
    requireActor: async () => state.actor ?? redirect("/signin"),
    actorOrThrow: async () => {
      if (!state.actor) throw new UnauthorizedError();
      return state.actor;
    },
  };
});
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {}, unstable_cache: (f: unknown) => f }));
vi.mock("@/lib/env", async (orig) => {
  const real = await orig<typeof import("@/lib/env")>();
  return { ...real, env: () => ({ ...real.env(), GATEHOUSE_HR_WEBHOOK_SECRET: "test-secret-test-secret" /* = SECRET */ }) };
});

const { pgliteTestDb } = await import("@/lib/testing/test-db");
const schema = await import("@/db/schema");
const { testPerson } = await import("@/lib/testing/fixtures");
const { createScimToken } = await import("@/lib/services/scim-inbound/tokens");
const { URN } = await import("@/lib/domain/scim/schema");
const SECRET = "test-secret-test-secret";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
type AnyFn = (...args: unknown[]) => Promise<unknown>;

const root = path.resolve(__dirname, "../..");
const routeModules = import.meta.glob<Record<string, unknown>>("/app/**/route.ts");
const actionModules = import.meta.glob<Record<string, unknown>>("/app/**/actions.ts");
const pageModules = import.meta.glob<{ default: (props: unknown) => Promise<unknown> }>("/app/**/page.tsx");
/** Next's control flow (notFound(), forbidden(), redirect()) is an answer (404, 403, 303), not a failure. */
const isNextAnswer = (e: unknown) => typeof (e as { digest?: unknown })?.digest === "string" && /^(NEXT_HTTP_ERROR_FALLBACK|NEXT_REDIRECT)/.test((e as { digest: string }).digest);
// next-auth's own handler (sign-in protocol) is a library's endpoint, configured per deployment; it is not ours to map.
const SKIP_ROUTES = ["/app/api/auth/[...nextauth]/route.ts"];
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const GENERIC = /Something went wrong|Internal error/;

/** Percent-encode any JS string as its UTF-8 bytes (lone surrogates become U+FFFD, as on the wire). */
const pct = (s: string) => [...Buffer.from(s, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");

describe("no input gives a 500", () => {
  let close: () => Promise<void>;
  let admin: Actor;
  let employee: Actor;
  const ids: string[] = [];
  let token = "";

  beforeAll(async () => {
    const t = await pgliteTestDb();
    state.db = t.db;
    state.handle = t;
    close = t.close;
    const [a] = await t.db.insert(schema.people).values(testPerson("Ada")).returning();
    const [e] = await t.db.insert(schema.people).values(testPerson("Eve", { managerId: a!.id })).returning();
    const [app] = await t.db.insert(schema.applications).values({ key: "crm", name: "CRM" }).returning();
    const [ent] = await t.db.insert(schema.entitlements).values({ applicationId: app!.id, externalId: "crm-user", name: "CRM user" }).returning();
    const [c] = await t.db.insert(schema.reviewCampaigns).values({ name: "Q1", dueAt: new Date(Date.now() + 30 * 86_400_000), createdById: a!.id }).returning();
    ids.push(a!.id, e!.id, app!.id, ent!.id, c!.id);
    admin = { personId: a!.id, name: "Ada Test", email: a!.email, roles: ["employee", "manager", "admin"], ownedApplicationIds: [] };
    employee = { personId: e!.id, name: "Eve Test", email: e!.email, roles: ["employee"], ownedApplicationIds: [] };
    token = (await createScimToken({ ctx: { db: t.db, actor: admin }, input: { name: "property test" } })).token;
  });
  afterAll(async () => {
    await new Promise((r) => setTimeout(r, 500)); // background work started by an action (mining) settles first
    await close?.();
  });

  const value = () => fc.oneof(nastyString(), fc.constantFrom(...ids));
  // ISO dates and date-times, real or impossible or out of range, or anything.
  const dateish = () => {
    const d = fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true });
    return fc.oneof({ arbitrary: d.map((x) => x.toISOString().slice(0, 10)), weight: 3 }, { arbitrary: d.map((x) => x.toISOString()), weight: 2 },
      { arbitrary: fc.oneof(nastyString(), fc.constantFrom("2026-02-30", "0000-01-01T00:00:00Z", "9999-12-31", "10000-01-01", "2026-13-01", "2026-01-01T25:00:00Z")), weight: 2 });
  };
  const emailish = () => fc.oneof(nastyString(), nastyString().map((x) => `p${x}@x.test`), fc.constantFrom("ada@example.test", "EVE@example.test"));
  const filter = () => fc.oneof(nastyString(), fc.tuple(fc.constantFrom("userName", "meta.lastModified", "meta.created", "title", "active", "emails.value", `${URN.enterprise}:employeeNumber`, "name.givenName", "x"),
    fc.constantFrom("eq", "ne", "gt", "ge", "lt", "le", "co", "sw", "pr"), fc.oneof(dateish(), nastyString())).map(([a, o, v]) => (o === "pr" ? `${a} pr` : `${a} ${o} ${JSON.stringify(v)}`)));
  /** Mostly ordinary text (so a request gets past its first check), sometimes hostile. */
  const plain = () => fc.oneof({ arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 12 }), weight: 3 }, { arbitrary: nastyString(), weight: 1 });
  const email = () => fc.oneof({ arbitrary: fc.stringMatching(/^[a-z]{1,8}$/).map((x) => `${x}@x.test`), weight: 3 }, { arbitrary: emailish(), weight: 1 });
  /** Bodies shaped like what each endpoint reads, with hostile leaves, so values get past the first check and reach the services and the database. */
  const shapes = () => fc.record({
    scimUser: fc.record({ schemas: fc.constant([URN.user, URN.enterprise]), userName: email(), name: fc.record({ givenName: plain(), familyName: plain() }), emails: fc.array(fc.record({ value: email(), primary: fc.boolean() }), { maxLength: 2 }),
      title: plain(), active: fc.boolean(), externalId: plain(), addresses: fc.array(fc.record({ type: fc.constantFrom("work", "home"), locality: plain() }), { maxLength: 1 }),
      [URN.enterprise]: fc.record({ employeeNumber: plain(), department: plain(), manager: fc.record({ value: value() }) }, { requiredKeys: [] }) }, { requiredKeys: ["schemas", "userName"] }),
    scimPatch: fc.record({ schemas: fc.constant([URN.patchOp]), Operations: fc.array(fc.record({ op: fc.constantFrom("replace", "add", "remove", "Replace", "bogus"), path: fc.option(fc.oneof(plain(), fc.constantFrom("userName", "title", "active", "name.givenName", `${URN.enterprise}:manager`, 'emails[type eq "work"].value', "x-location"))), value: fc.oneof(plain(), email(), nastyJson()) }), { minLength: 1, maxLength: 3 }) }),
    search: fc.record({ schemas: fc.constant([URN.searchRequest]), filter: filter(), startIndex: nastyJson(), count: nastyJson(), sortBy: plain() }, { requiredKeys: ["schemas"] }),
    campaign: fc.record({ name: plain(), dueAt: dateish(), scope: fc.oneof({ arbitrary: nastyJson(), weight: 1 }, { arbitrary: fc.record({ applicationIds: fc.array(value(), { maxLength: 2 }), changedSince: dateish(), departments: fc.array(plain(), { maxLength: 2 }) }, { requiredKeys: [] }), weight: 3 }), reviewerKind: fc.constantFrom("manager", "app_owner", "group", "x"), launch: fc.boolean(), defaultDecision: fc.constantFrom("keep", "revoke", "recommendation", "x"), expected: fc.oneof(nastyJson(), fc.record({ items: fc.nat(), orphans: fc.nat(), token: plain() })) }, { requiredKeys: ["name", "dueAt"] }),
    team: fc.record({ indirect: fc.oneof(fc.boolean(), nastyJson()), personIds: fc.array(value(), { maxLength: 2 }), applicationIds: fc.array(value(), { maxLength: 2 }), dueAt: dateish(), name: plain(), defaultDecision: fc.constantFrom("keep", "revoke", "x"), expected: fc.oneof(nastyJson(), fc.record({ items: fc.nat(), orphans: fc.nat(), token: plain() })) }, { requiredKeys: [] }),
    decision: fc.record({ itemId: value(), decision: fc.constantFrom("keep", "revoke", "x"), comment: plain(), confirm: fc.boolean(), expectedCount: nastyJson(), mode: fc.constantFrom("off", "shadow", "on", "x") }, { requiredKeys: [] }),
    items: fc.record({ addGrantIds: fc.array(value(), { maxLength: 2 }), removeItemIds: fc.array(value(), { maxLength: 2 }), extendTo: dateish(), reassign: fc.record({ itemIds: fc.array(value(), { maxLength: 2 }), reviewerId: value() }) }, { requiredKeys: [] }),
    webhook: fc.record({ events: fc.array(fc.record({ person: fc.record({ employeeId: fc.oneof(plain(), fc.constantFrom("W1", "W2")), givenName: plain(), familyName: plain(), email: email(), department: plain(), title: plain(),
      startDate: dateish(), endDate: dateish(), managerEmployeeId: fc.oneof(plain(), fc.constantFrom("W1", "W2")), level: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 20 }), weight: 4 }, { arbitrary: nastyJson(), weight: 1 }), attributes: fc.oneof({ arbitrary: fc.dictionary(plain(), plain(), { maxKeys: 2 }), weight: 4 }, { arbitrary: nastyJson(), weight: 1 }) }, { requiredKeys: ["employeeId", "givenName", "familyName", "email", "department", "title"] }) }), { minLength: 1, maxLength: 2 }) }),
  });
  // The words forms choose between (modes, verbs, decisions, roles), so random forms also take the paths behind them.
  const TOKENS = ["preview", "apply", "grant", "revoke", "keep", "approve", "deny", "close", "extend", "on", "yes", "true", "false", "active", "shadow", "shadow_off", "admin", "auditor", "security", "rule.enabled", "role.publish", "form", "plain_language", "auto", "wide", "long"];
  const formValue = () => fc.oneof({ arbitrary: value(), weight: 3 }, { arbitrary: fc.constantFrom(...TOKENS), weight: 2 }, { arbitrary: dateish(), weight: 1 }, { arbitrary: fc.constantFrom("ada@example.test", "eve@example.test"), weight: 1 });
  const actor = () => fc.constantFrom<() => Actor | null>(() => admin, () => employee, () => null);
  const shapeFor = (method: string, route: string): string => {
    if (route === "/api/hr/events") return "webhook";
    if (/scim\/v2/.test(route)) return method === "PATCH" ? "scimPatch" : method === "GET" ? "search" : "scimUser";
    if (/\/items$/.test(route)) return "items";
    if (route === "/api/v1/reviews" || route === "/api/v1/reviews/preview") return "campaign";
    if (route.startsWith("/api/v1/reviews/team")) return "team";
    return "decision";
  };

  it("every route handler answers random requests without a 500 or a throw", async () => {
    const handlers: Array<{ file: string; route: string; method: string; fn: Handler }> = [];
    for (const [file, load] of Object.entries(routeModules)) {
      if (SKIP_ROUTES.includes(file)) continue;
      const mod = await load();
      const route = file.replace(/^\/app/, "").replace(/\/route\.ts$/, "").replace(/\/\([^)]+\)/g, "") || "/";
      for (const m of METHODS) if (typeof mod[m] === "function") handlers.push({ file, route, method: m, fn: mod[m] as Handler });
    }
    expect(handlers.length).toBeGreaterThan(30);

    const request = fc.record({
      params: fc.array(value(), { minLength: 0, maxLength: 3 }),
      query: fc.array(fc.oneof(fc.tuple(fc.constantFrom("q", "page", "count", "startIndex", "attributes", "sortBy", "sortOrder", "status", "x"), value()), fc.tuple(fc.constant("filter"), filter())), { maxLength: 3 }),
      shaped: shapes(),
      body: fc.oneof({ arbitrary: fc.constant("shaped"), weight: 6 }, { arbitrary: nastyJson().map((v) => JSON.stringify(v)), weight: 1 }, { arbitrary: nastyString(), weight: 1 }, { arbitrary: fc.constant(undefined), weight: 1 }),
      contentType: fc.constantFrom("application/json", "application/scim+json", "text/plain"),
      auth: fc.constantFrom<string | undefined>("token", "token", undefined, "Bearer ghscim_nope", "Bearer \u00ff", "Basic Og=="),
      who: actor(),
    });
    const failures: string[] = [];
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        state.actor = r.who();
        for (const h of handlers) {
          const body = r.body === "shaped" ? JSON.stringify((r.shaped as Record<string, unknown>)[shapeFor(h.method, h.route)]) : r.body;
          let first = true;
          const params: Record<string, string | string[]> = {};
          const urlPath = h.route.replace(/\[(\.\.\.)?([^\]]+)\]/g, (_m, rest: string | undefined, name: string) => {
            const v = first ? r.params : r.params.slice(1);
            first = false;
            params[name] = rest ? v : (v[0] ?? "x");
            return rest ? v.map(pct).join("/") : pct(v[0] ?? "x");
          });
          const url = `http://gh.test${urlPath}?${r.query.map(([k, v]) => `${k}=${pct(v)}`).join("&")}`;
          // Signed like the HR system would (the webhook then parses and applies the body); a fresh idempotency key per call.
          // The signature covers the timestamp, the idempotency key and the body.
          const ts = String(Math.floor(Date.now() / 1000));
          const key = `evt-property-${++calls}`;
          const signature = `sha256=${createHmac("sha256", SECRET).update(`${ts}.${key}.${body ?? ""}`).digest("hex")}`;
          const headers: Record<string, string> = { "content-type": r.contentType, "x-gatehouse-timestamp": ts, "x-gatehouse-signature": signature, "idempotency-key": key };
          if (r.auth) headers.authorization = r.auth === "token" ? `Bearer ${token}` : r.auth;
          const hasBody = h.method !== "GET" && body !== undefined;
          let res: Response;
          try {
            res = await h.fn(new Request(url, { method: h.method, headers, body: hasBody ? body : undefined }), { params: Promise.resolve(params) });
          } catch (e) {
            failures.push(`${h.method} ${h.route} threw ${(e as Error)?.message}`);
            continue;
          }
          const text = await res.text();
          if (res.status === 500 || GENERIC.test(text)) failures.push(`${h.method} ${h.route} → ${res.status} ${text.slice(0, 200)} (${JSON.stringify({ params, query: r.query, body: body?.slice(0, 300) })})`);
        }
        expect(failures.slice(0, 5)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it("every server action answers random forms and arguments with a value (a refusal at worst), never a throw or a generic error", async () => {
    const actions: Array<{ file: string; name: string; fn: AnyFn; fields: string[] }> = [];
    for (const [file, load] of Object.entries(actionModules)) {
      const mod = await load();
      const src = fs.readFileSync(path.join(root, file), "utf8");
      const fields = [...new Set([...src.matchAll(/\.get(?:All)?\("([^"]+)"\)/g)].map((m) => m[1]!))];
      for (const [name, fn] of Object.entries(mod)) if (typeof fn === "function" && /Action$/.test(name)) actions.push({ file, name, fn: fn as AnyFn, fields });
    }
    expect(actions.length).toBeGreaterThan(25);

    const call = fc.record({
      entries: fc.array(fc.tuple(fc.nat(), formValue(), fc.boolean()), { maxLength: 8 }),
      arg: nastyJson(),
      who: actor(),
    });
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(call, async (c) => {
        state.actor = c.who();
        for (const a of actions) {
          let out: unknown;
          try {
            if (a.fn.length >= 2) {
              const form = new FormData();
              for (const [i, v, asFile] of c.entries) {
                const key = a.fields.length ? a.fields[i % a.fields.length]! : String(i);
                form.append(key, asFile ? new File([v], `${v.slice(0, 20)}.csv`, { type: "text/csv" }) : v);
              }
              out = await a.fn(null, form);
            } else {
              out = await a.fn(c.arg);
            }
          } catch (e) {
            failures.push(`${a.file} ${a.name} threw ${(e as Error)?.message}`);
            continue;
          }
          const message = (out as { message?: unknown } | null)?.message;
          if (typeof message === "string" && GENERIC.test(message)) failures.push(`${a.file} ${a.name} → ${message}`);
        }
        expect(failures.slice(0, 5)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it("every page loads its data for random params and search params without a throw (a 404, 403 or redirect at worst)", async () => {
    const pages: Array<{ file: string; fn: (props: unknown) => Promise<unknown> }> = [];
    for (const [file, load] of Object.entries(pageModules)) pages.push({ file, fn: (await load()).default });
    expect(pages.length).toBeGreaterThan(25);
    const KEYS = ["q", "page", "pageSize", "status", "kind", "days", "view", "department", "location", "employmentType", "beneficiaryId", "fresh", "actor", "person", "action", "from", "to", "callbackUrl", "error"];
    const props = fc.record({
      id: value(),
      sp: fc.dictionary(fc.constantFrom(...KEYS), fc.oneof(formValue(), fc.array(formValue(), { maxLength: 3 })), { maxKeys: 6 }),
      who: actor(),
    });
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(props, async (p) => {
        state.actor = p.who();
        for (const page of pages) {
          try {
            await page.fn({ params: Promise.resolve({ id: p.id }), searchParams: Promise.resolve(p.sp) });
          } catch (e) {
            if (!isNextAnswer(e)) failures.push(`${page.file} threw ${(e as Error)?.message} (${JSON.stringify({ id: p.id, sp: p.sp })})`);
          }
        }
        expect(failures.slice(0, 5)).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });
});
