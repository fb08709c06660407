/**
 * A standalone SCIM 2.0 application (the stand-in for Slack/Jira-like SaaS apps) for tests, benchmarks and
 * manual runs: scimmy (protocol: schemas, filters, PATCH, paging, errors) + scimmy-routers (express routes)
 * + in-memory Maps for Users and Groups. Mounted at /scim/v2 on 127.0.0.1.
 *
 * - Bearer token required (401 without or with a wrong one).
 * - userName is unique (409 uniqueness on create/replace), ids are NOT UUIDs ("usr-1001", "grp-7").
 * - User resources do not carry `groups` (as many real apps): clients must read Groups and invert members.
 * - Fault injection (setFault): "none" | "500" (every request answers 500) | "429" | "timeout" (requests are
 *   accepted and never answered) | "down" (the listener is closed: connection refused; "none" re-opens it on
 *   the same port).
 * - Quirks (options.quirks) to exercise real-world client tolerance: patchNoContent (PATCH answers 204 without a
 *   body), ignoreStartIndex (always serves the first page), extraListFields (ListResponse carries unknown fields),
 *   noPatch (PATCH answers 501 Not Implemented, so clients must fall back to PUT).
 *
 * - Sign-ins: like many SaaS apps, it records each user's last sign-in in a vendor extension of its own
 *   (ACTIVITY_SCHEMA, attribute `lastLogin`, readOnly dateTime): recordSignIn(userName, at) sets it, the way the app
 *   would when the person signs in; clients read it at the path `${ACTIVITY_SCHEMA}:lastLogin`. Updates from clients
 *   keep it (it is the app's own record, not theirs to write).
 *
 * scimmy declares resources process-wide, so the handlers are declared once and find the instance's store
 * through the per-router `context` function; several apps can run in one process.
 */
// express ships no types and @types/express is not a dependency: typed loosely here on purpose.
// @ts-ignore TS7016
import express from "express";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import SCIMMY from "scimmy";
import SCIMMYRouters from "scimmy-routers";

/** The vendor extension where this app records sign-ins (see recordSignIn). */
export const ACTIVITY_SCHEMA = "urn:ietf:params:scim:schemas:extension:activity:2.0:User";

export type ScimFault = "none" | "500" | "429" | "timeout" | "down";
export type ScimQuirks = { patchNoContent?: boolean; ignoreStartIndex?: boolean; extraListFields?: boolean; noPatch?: boolean };

type Rec = Record<string, any>;
type Request = any;
type Response = any;
type NextFunction = () => void;
type Store = { users: Map<string, Rec>; groups: Map<string, Rec>; seq: number };

export type ScimApp = {
  baseUrl: string;
  token: string;
  port: number;
  stop(): Promise<void>;
  state(): { users: Rec[]; groups: Rec[] };
  setFault(mode: ScimFault): Promise<void>;
  setQuirks(q: ScimQuirks): void;
  /** The person signed in to the app at `at`: recorded in the user's activity extension (false: no such user). */
  recordSignIn(userName: string, at: Date): boolean;
  /** Requests received so far (method + path), for asserting paging behaviour. */
  requests: string[];
};

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const strip = (v: Rec): Rec => {
  const { schemas: _s, meta: _m, ...rest } = clone(v);
  return rest;
};

let declared = false;
function declareResources() {
  if (declared) return;
  declared = true;
  const notFound = (id: string) => new SCIMMY.Types.Error(404, null as any, `Resource ${id} not found`);
  const stamp = (rec: Rec, created?: string) => {
    const now = new Date().toISOString();
    rec.meta = { created: created ?? now, lastModified: now };
    return rec;
  };

  SCIMMY.Resources.declare(SCIMMY.Resources.User, {
    egress: (res: any, store: Store) => {
      if (res.id) {
        const u = store.users.get(res.id);
        if (!u) throw notFound(res.id);
        return clone(u);
      }
      const all = [...store.users.values()].map(clone);
      return res.filter ? res.filter.match(all) : all;
    },
    ingress: (res: any, instance: any, store: Store) => {
      const data = strip(instance);
      const clash = [...store.users.values()].find(
        (u) => String(u.userName).toLowerCase() === String(data.userName).toLowerCase() && u.id !== res.id,
      );
      if (clash) throw new SCIMMY.Types.Error(409, "uniqueness", `userName "${data.userName}" is already taken`);
      if (res.id) {
        const old = store.users.get(res.id);
        if (!old) throw notFound(res.id);
        // The app's own sign-in record (readOnly) survives any client update.
        const rec = stamp({ ...data, groups: undefined, id: res.id, ...(old[ACTIVITY_SCHEMA] ? { [ACTIVITY_SCHEMA]: old[ACTIVITY_SCHEMA] } : {}) }, old.meta?.created);
        store.users.set(res.id, rec);
        return clone(rec);
      }
      const id = `usr-${1000 + ++store.seq}`;
      const rec = stamp({ active: true, ...data, groups: undefined, id });
      store.users.set(id, rec);
      return clone(rec);
    },
    degress: (res: any, store: Store) => {
      if (!store.users.delete(res.id)) throw notFound(res.id);
      for (const g of store.groups.values()) g.members = (g.members ?? []).filter((m: Rec) => m.value !== res.id);
    },
    extensions: [
      { schema: SCIMMY.Schemas.EnterpriseUser, required: false },
      {
        schema: new SCIMMY.Types.SchemaDefinition("Activity", ACTIVITY_SCHEMA, "Sign-in activity recorded by the application", [
          new SCIMMY.Types.Attribute("dateTime", "lastLogin", { mutable: false, description: "When the user last signed in" }),
        ]),
        required: false,
      },
    ],
  } as any);

  SCIMMY.Resources.declare(SCIMMY.Resources.Group, {
    egress: (res: any, store: Store) => {
      if (res.id) {
        const g = store.groups.get(res.id);
        if (!g) throw notFound(res.id);
        return clone(g);
      }
      const all = [...store.groups.values()].map(clone);
      return res.filter ? res.filter.match(all) : all;
    },
    ingress: (res: any, instance: any, store: Store) => {
      const data = strip(instance);
      // Members are a set: a repeated add is a no-op, unknown user ids are rejected.
      const seen = new Set<string>();
      const members: Rec[] = [];
      for (const m of data.members ?? []) {
        if (!store.users.has(m.value)) throw new SCIMMY.Types.Error(400, "invalidValue", `No user with id ${m.value}`);
        if (seen.has(m.value)) continue;
        seen.add(m.value);
        members.push({ value: m.value, display: store.users.get(m.value)?.userName, type: "User" });
      }
      if (res.id) {
        const old = store.groups.get(res.id);
        if (!old) throw notFound(res.id);
        const rec = stamp({ ...data, members, id: res.id }, old.meta?.created);
        store.groups.set(res.id, rec);
        return clone(rec);
      }
      const id = `grp-${++store.seq}`;
      const rec = stamp({ ...data, members, id });
      store.groups.set(id, rec);
      return clone(rec);
    },
    degress: (res: any, store: Store) => {
      if (!store.groups.delete(res.id)) throw notFound(res.id);
    },
  } as any);
}

export async function startScimApp(opts: {
  token: string;
  port?: number;
  faults?: ScimFault;
  quirks?: ScimQuirks;
}): Promise<ScimApp> {
  declareResources();
  const store: Store = { users: new Map(), groups: new Map(), seq: 0 };
  let fault: ScimFault = opts.faults ?? "none";
  let quirks: ScimQuirks = { ...opts.quirks };
  const requests: string[] = [];
  const expected = `Bearer ${opts.token}`;

  const app = express();
  app.disable("x-powered-by");
  app.use((req: Request, res: Response, next: NextFunction) => {
    requests.push(`${req.method} ${req.originalUrl}`);
    if (fault === "timeout") return; // accept the request, never answer
    if (fault === "500" || fault === "429") {
      const status = Number(fault);
      res.status(status).type("application/scim+json");
      if (status === 429) res.setHeader("Retry-After", "1");
      res.send(JSON.stringify({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: fault, detail: "Injected fault" }));
      return;
    }
    if (quirks.noPatch && req.method === "PATCH") {
      res.status(501).type("application/scim+json");
      res.send(JSON.stringify({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "501", detail: "PATCH is not supported" }));
      return;
    }
    // Express 5 re-parses req.query on every access, so scimmy-routers' cast of startIndex/count to numbers
    // would be lost (and paging silently ignored). Pin one parsed, writable copy for the request.
    const query: Record<string, unknown> = { ...(req.query as Record<string, unknown>) };
    if (quirks.ignoreStartIndex) delete query.startIndex;
    Object.defineProperty(req, "query", { value: query, writable: true, configurable: true, enumerable: true });
    const json = res.json.bind(res);
    res.json = (body: any) => {
      if (quirks.extraListFields && body && Array.isArray(body.Resources)) {
        body = { ...clone(body), "urn:vendor:paging": { cursor: "opaque-123" }, nextLink: null, took: 3 };
      }
      if (quirks.patchNoContent && req.method === "PATCH" && res.statusCode === 200) {
        res.status(204);
        return res.end();
      }
      return json(body);
    };
    next();
  });
  app.use(
    "/scim/v2",
    new SCIMMYRouters({
      type: "bearer",
      handler: (req: Request) => {
        if (req.header("Authorization") !== expected) throw new Error("Invalid or missing bearer token");
        return "scim-admin";
      },
      context: () => store,
    }) as unknown as never,
  );

  const sockets = new Set<Socket>();
  let server: http.Server | null = null;
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const s = http.createServer(app);
      // Idle keep-alive sockets outlive the client's (undici keeps them 4 s): the client, not the server, closes them,
      // so a request never races the server closing its socket (ECONNRESET on a busy machine).
      s.keepAliveTimeout = 60_000;
      s.on("connection", (sock) => {
        sockets.add(sock);
        sock.on("close", () => sockets.delete(sock));
      });
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        server = s;
        resolve((s.address() as AddressInfo).port);
      });
    });
  const close = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = null;
      if (!s) return resolve();
      s.close(() => resolve());
      for (const sock of sockets) sock.destroy();
      sockets.clear();
    });

  const port = await listen(opts.port ?? 0);
  if (fault === "down") await close();
  const baseUrl = `http://127.0.0.1:${port}/scim/v2`;

  return {
    baseUrl,
    token: opts.token,
    port,
    requests,
    async stop() {
      fault = "none";
      await close();
    },
    state() {
      return { users: [...store.users.values()].map(clone), groups: [...store.groups.values()].map(clone) };
    },
    async setFault(mode: ScimFault) {
      const wasDown = fault === "down";
      fault = mode;
      if (mode === "down" && !wasDown) await close();
      if (mode !== "down" && wasDown && !server) await listen(port);
      // Drop requests parked by "timeout" when leaving that mode.
      if (mode !== "timeout") for (const sock of sockets) if ((sock as any)._httpMessage) sock.destroy();
    },
    setQuirks(q: ScimQuirks) {
      quirks = { ...q };
    },
    recordSignIn(userName: string, at: Date) {
      const u = [...store.users.values()].find((x) => String(x.userName).toLowerCase() === userName.toLowerCase());
      if (!u) return false;
      u[ACTIVITY_SCHEMA] = { lastLogin: at.toISOString() };
      return true;
    },
  };
}
