import { afterAll, beforeAll, describe, expect, it } from "vitest";
import net from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { notifications, people } from "@/db/schema";
import { resetEnvCache, smtpConfig } from "@/lib/env";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { sendEmailOutbox } from "./send-email-outbox";
import { sendMail } from "./smtp";

/**
 * A real SMTP server in the test (the smtp-server package) on a free port: it authenticates with AUTH PLAIN/LOGIN,
 * may refuse recipients, and records each message it accepts (envelope, credentials, TLS, raw data parsed with
 * mailparser).
 */
type Received = { auth: string | null; from: string; to: string[]; raw: string; mail: ParsedMail; tls: boolean; helo: string };
function realSmtp(opts: { rejectRcpt?: (addr: string) => boolean; password: string; tls?: { key: Buffer; cert: Buffer } }) {
  const got: Received[] = [];
  const authTries: Array<{ user: string; tls: boolean }> = [];
  const server = new SMTPServer({
    logger: false,
    banner: "test.local ESMTP ready",
    authMethods: ["PLAIN", "LOGIN"],
    allowInsecureAuth: !opts.tls,
    ...(opts.tls ? { key: opts.tls.key, cert: opts.tls.cert } : { disabledCommands: ["STARTTLS"] }),
    onAuth(auth, session, cb) {
      authTries.push({ user: auth.username ?? "", tls: Boolean(session.secure) });
      if (auth.password !== opts.password) {
        // A careless server that echoes the credential in its refusal: the client must scrub it.
        return cb(Object.assign(new Error(`bad credentials for ${auth.username}/${auth.password}`), { responseCode: 535 }));
      }
      cb(null, { user: `${auth.username}\0${auth.password}` });
    },
    onRcptTo(address, _session, cb) {
      if (opts.rejectRcpt?.(address.address)) return cb(Object.assign(new Error(`5.1.1 <${address.address}>: no such user`), { responseCode: 550 }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        void simpleParser(raw).then((mail) => {
          got.push({
            auth: typeof session.user === "string" ? session.user : null,
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            mail,
            tls: Boolean(session.secure),
            helo: session.hostNameAppearsAs,
          });
          cb(null, "2.0.0 queued");
        }, cb);
      });
    },
  });
  server.on("error", () => {});
  return {
    got,
    authTries,
    start: () => new Promise<number>((r) => server.listen(0, "127.0.0.1", () => r((server.server.address() as net.AddressInfo).port))),
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const PASSWORD = "s3cret-Pa55word";

for (const driver of testDrivers()) {
  describe(`email outbox over SMTP on ${driver.label}`, () => {
    let t: TestDb;
    const srv = realSmtp({ password: PASSWORD, rejectRcpt: (a) => a === "nobody@x.test" });
    let port = 0;
    let alice = "";
    let ghost = "";
    beforeAll(async () => {
      port = await srv.start();
      t = await driver.open();
      const base = { department: "Sales", title: "AE", location: "Austin", givenName: "G", familyName: "F" };
      const rows = await t.db
        .insert(people)
        .values([
          { ...base, employeeId: "M1", displayName: "Alice", email: "alice@x.test" },
          { ...base, employeeId: "M2", displayName: "Ghost", email: "nobody@x.test" },
        ])
        .returning({ id: people.id });
      alice = rows[0]!.id;
      ghost = rows[1]!.id;
    });
    afterAll(async () => {
      await t?.close();
      await srv.stop();
    });
    const cfg = () => ({ host: "127.0.0.1", port, user: "gatehouse", password: PASSWORD, from: "Gatehouse <noreply@gatehouse.test>", starttls: false });

    it("skips entirely when SMTP is not configured", async () => {
      const [n] = await t.db.insert(notifications).values({ personId: alice, kind: "k", title: "Left alone", channel: "email" }).returning();
      const r = await sendEmailOutbox(t.db, { config: null });
      expect(r).toMatchObject({ configured: false, sent: 0 });
      const [row] = await t.db.select().from(notifications).where(eq(notifications.id, n!.id));
      expect(row!.sentAt).toBeNull();
      await t.db.delete(notifications).where(eq(notifications.id, n!.id));
    });

    it("sends unsent email notifications: the server receives to, subject and body; sentAt set", async () => {
      const [n] = await t.db
        .insert(notifications)
        .values({ personId: alice, kind: "approval.requested", title: "Approval needed", body: "Line one\n.starts with a dot\n..two dots", link: "/approvals", channel: "email" })
        .returning();
      await t.db.insert(notifications).values({ personId: alice, kind: "k", title: "In app only", channel: "in_app" });
      const now = new Date("2030-01-02T03:04:05Z");
      const logs: string[] = [];
      const r = await sendEmailOutbox(t.db, { now, config: cfg(), smtp: { timeoutMs: 5000, clientName: "gatehouse.test" }, log: (m) => logs.push(m) });
      expect(r).toMatchObject({ configured: true, sent: 1, failed: 0 });
      expect(logs).toEqual([]);
      expect(srv.got).toHaveLength(1);
      const m = srv.got[0]!;
      expect(m.helo).toBe("gatehouse.test");
      expect(m.auth).toBe(`gatehouse\0${PASSWORD}`);
      expect(m.from).toBe("noreply@gatehouse.test");
      expect(m.to).toEqual(["alice@x.test"]);
      expect(m.mail.from?.text).toBe('"Gatehouse" <noreply@gatehouse.test>');
      expect(m.mail.to && !Array.isArray(m.mail.to) ? m.mail.to.text : "").toBe("alice@x.test");
      expect(m.mail.subject).toBe("Approval needed");
      expect(m.mail.date?.toISOString()).toBe(now.toISOString());
      expect(m.mail.messageId).toMatch(/^<.+@.+>$/);
      expect(m.mail.headers.get("auto-submitted")).toBe("auto-generated");
      // The body arrives intact (lines starting with "." survive the dot-stuffing on the wire) with the link.
      expect(m.mail.text).toContain("Line one\n.starts with a dot\n..two dots");
      expect(m.mail.text).toContain("/approvals");
      const [row] = await t.db.select().from(notifications).where(eq(notifications.id, n!.id));
      expect(row!.sentAt?.toISOString()).toBe(now.toISOString());
      // Nothing left: a second run sends nothing again.
      expect((await sendEmailOutbox(t.db, { config: cfg(), smtp: { timeoutMs: 5000 } })).sent).toBe(0);
      expect(srv.got).toHaveLength(1);
    });

    it("a 550 leaves the row unsent, logs the server's reply, does not throw", async () => {
      const [n] = await t.db.insert(notifications).values({ personId: ghost, kind: "k", title: "To nobody", channel: "email" }).returning();
      const logs: string[] = [];
      const r = await sendEmailOutbox(t.db, { config: cfg(), smtp: { timeoutMs: 5000 }, log: (m) => logs.push(m) });
      expect(r).toMatchObject({ sent: 0, failed: 1 });
      expect(logs.join("\n")).toMatch(/550 5\.1\.1 <nobody@x\.test>: no such user/);
      const [row] = await t.db.select().from(notifications).where(eq(notifications.id, n!.id));
      expect(row!.sentAt).toBeNull();
      await t.db.delete(notifications).where(eq(notifications.id, n!.id));
    });

    it("the password never appears in errors, even when the server echoes it", async () => {
      const err = await sendMail(
        { host: "127.0.0.1", port, user: "gatehouse", password: "wrong-Secret-99", starttls: false, timeoutMs: 5000 },
        { from: "noreply@gatehouse.test", to: ["alice@x.test"], subject: "x", text: "x" },
      ).then(
        () => null,
        (e: Error) => e,
      );
      expect(err).not.toBeNull();
      expect(err!.message).toMatch(/535/);
      expect(`${err!.message} ${(err as { reply?: string }).reply} ${err!.stack}`).not.toContain("wrong-Secret-99");
      const [n] = await t.db.insert(notifications).values({ personId: alice, kind: "k", title: "Bad password", channel: "email" }).returning();
      const logs: string[] = [];
      const r = await sendEmailOutbox(t.db, { config: { ...cfg(), password: "wrong-Secret-99" }, smtp: { timeoutMs: 5000 }, log: (m) => logs.push(m) });
      expect(r.failed).toBe(1);
      expect(logs.join("\n")).toMatch(/535/);
      expect(logs.join("\n") + JSON.stringify(r)).not.toContain("wrong-Secret-99");
      const [row] = await t.db.select().from(notifications).where(eq(notifications.id, n!.id));
      expect(row!.sentAt).toBeNull();
    });

    it("STARTTLS: upgrades the connection, then EHLO again and authenticates inside TLS", async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "gh-smtp-"));
      try {
        execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
          "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", path.join(dir, "k.pem"), "-out", path.join(dir, "c.pem")], { stdio: "ignore" });
        const cert = readFileSync(path.join(dir, "c.pem"));
        const secure = realSmtp({ password: PASSWORD, tls: { key: readFileSync(path.join(dir, "k.pem")), cert } });
        const p = await secure.start();
        try {
          const opts = { host: "127.0.0.1", port: p, user: "gatehouse", password: PASSWORD, starttls: true, timeoutMs: 5000 };
          // An unknown certificate is refused (verification is on by default), before any credential is sent.
          await expect(sendMail(opts, { from: "a@x.test", to: ["b@x.test"], subject: "s", text: "t" })).rejects.toThrow(/TLS handshake/);
          expect(secure.authTries).toEqual([]);
          await sendMail({ ...opts, tlsOptions: { ca: cert } }, { from: "a@x.test", to: ["b@x.test"], subject: "Über", text: "héllo\n.dot" });
          expect(secure.got).toHaveLength(1);
          const m = secure.got[0]!;
          expect(m.tls).toBe(true);
          expect(secure.authTries).toEqual([{ user: "gatehouse", tls: true }]);
          expect(m.auth).toBe(`gatehouse\0${PASSWORD}`);
          expect(m.to).toEqual(["b@x.test"]);
          // Non-ASCII subject and body are MIME-encoded on the wire and decode back exactly.
          expect(m.raw).not.toContain("Subject: Über");
          expect(m.mail.subject).toBe("Über");
          expect(m.mail.text?.trim()).toBe("héllo\n.dot");
        } finally {
          await secure.stop();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("configuration comes from lib/env.ts: none without SMTP_HOST, STARTTLS on by default for port 587", () => {
      const keys = ["SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_FROM", "SMTP_STARTTLS"] as const;
      const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
      try {
        for (const k of keys) delete process.env[k];
        resetEnvCache();
        expect(smtpConfig()).toBeNull();
        process.env.SMTP_HOST = "mail.x.test";
        resetEnvCache();
        expect(smtpConfig()).toMatchObject({ host: "mail.x.test", port: 587, starttls: true, from: "gatehouse@mail.x.test" });
        process.env.SMTP_PORT = "25";
        process.env.SMTP_FROM = "Gatehouse <gh@x.test>";
        resetEnvCache();
        expect(smtpConfig()).toMatchObject({ port: 25, starttls: false, from: "Gatehouse <gh@x.test>" });
        process.env.SMTP_STARTTLS = "1";
        resetEnvCache();
        expect(smtpConfig()?.starttls).toBe(true);
      } finally {
        for (const k of keys) {
          if (saved[k] === undefined) delete process.env[k];
          else process.env[k] = saved[k];
        }
        resetEnvCache();
      }
    });

    it("a server that never answers times out", async () => {
      const mute = net.createServer((sock) => sock.on("error", () => {}));
      await new Promise<void>((r) => mute.listen(0, "127.0.0.1", () => r()));
      const p = (mute.address() as net.AddressInfo).port;
      try {
        await expect(sendMail({ host: "127.0.0.1", port: p, starttls: false, timeoutMs: 300 }, { from: "a@x.test", to: ["b@x.test"], subject: "s", text: "t" })).rejects.toThrow(
          /did not answer within 300 ms/,
        );
      } finally {
        await new Promise<void>((r) => mute.close(() => r()));
      }
    });

    it("STARTTLS required but not offered: refused before any credential is sent", async () => {
      const authBefore = srv.authTries.length;
      await expect(
        sendMail({ host: "127.0.0.1", port, user: "gatehouse", password: PASSWORD, starttls: true, timeoutMs: 5000 }, { from: "a@x.test", to: ["b@x.test"], subject: "s", text: "t" }),
      ).rejects.toThrow(/STARTTLS/);
      expect(srv.authTries.length).toBe(authBefore);
    });
  });
}
