import { afterAll, beforeAll, describe, expect, it } from "vitest";
import net from "node:net";
import tls from "node:tls";
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

/** A tiny SMTP server for the test: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT; records what it received. */
type Received = { helo: string; auth: string | null; from: string; to: string[]; data: string; commands: string[]; tls: boolean };
function fakeSmtp(opts: { rejectRcpt?: (addr: string) => boolean; password: string; tls?: { key: Buffer; cert: Buffer } }) {
  const got: Received[] = [];
  const server = net.createServer((sock) => {
    const cur: Received = { helo: "", auth: null, from: "", to: [], data: "", commands: [], tls: false };
    let buf = "";
    let inData = false;
    let stream: net.Socket = sock;
    const say = (s: string) => stream.write(`${s}\r\n`);
    say("220 test.local ESMTP ready");
    const onData = (d: Buffer) => {
      buf += d.toString("utf8");
      for (;;) {
        if (inData) {
          const end = buf.indexOf("\r\n.\r\n");
          if (end < 0) return;
          cur.data = buf.slice(0, end + 2);
          buf = buf.slice(end + 5);
          inData = false;
          got.push({ ...cur, to: [...cur.to] }); // commands: the live list (QUIT comes after)
          say("250 2.0.0 queued");
          continue;
        }
        const i = buf.indexOf("\r\n");
        if (i < 0) return;
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        cur.commands.push(line.split(" ")[0]!.toUpperCase());
        const [verb] = line.split(" ");
        switch (verb!.toUpperCase()) {
          case "EHLO":
            cur.helo = line.slice(5);
            say("250-test.local");
            if (opts.tls && !cur.tls) say("250-STARTTLS");
            say("250-AUTH PLAIN");
            say("250 8BITMIME");
            break;
          case "AUTH": {
            const decoded = Buffer.from(line.split(" ")[2] ?? "", "base64").toString("utf8");
            cur.auth = decoded;
            const [, user, pass] = decoded.split("\0");
            // A careless server that echoes the credential in its refusal: the client must scrub it.
            if (pass !== opts.password) say(`535 5.7.8 bad credentials for ${user}/${pass}`);
            else say("235 2.7.0 ok");
            break;
          }
          case "MAIL":
            cur.from = /<(.*)>/.exec(line)?.[1] ?? "";
            say("250 ok");
            break;
          case "RCPT": {
            const a = /<(.*)>/.exec(line)?.[1] ?? "";
            if (opts.rejectRcpt?.(a)) say(`550 5.1.1 <${a}>: no such user`);
            else {
              cur.to.push(a);
              say("250 ok");
            }
            break;
          }
          case "DATA":
            inData = true;
            say("354 end with <CRLF>.<CRLF>");
            break;
          case "STARTTLS": {
            if (!opts.tls) {
              say("502 not implemented");
              break;
            }
            say("220 go ahead");
            sock.off("data", onData);
            const secure = new tls.TLSSocket(sock, { isServer: true, key: opts.tls.key, cert: opts.tls.cert });
            secure.on("data", onData);
            secure.on("error", () => {});
            stream = secure;
            cur.tls = true;
            buf = "";
            return;
          }
          case "RSET":
            say("250 ok");
            break;
          case "QUIT":
            say("221 bye");
            stream.end();
            return;
          default:
            say("502 not implemented");
        }
      }
    };
    sock.on("data", onData);
    sock.on("error", () => {});
  });
  return {
    got,
    start: () => new Promise<number>((r) => server.listen(0, "127.0.0.1", () => r((server.address() as net.AddressInfo).port))),
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const PASSWORD = "s3cret-Pa55word";

for (const driver of testDrivers()) {
  describe(`email outbox over SMTP on ${driver.label}`, () => {
    let t: TestDb;
    const srv = fakeSmtp({ password: PASSWORD, rejectRcpt: (a) => a === "nobody@x.test" });
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

    it("sends unsent email notifications: envelope, headers, dot-stuffing; sentAt set", async () => {
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
      expect(m.auth).toBe(`\0gatehouse\0${PASSWORD}`);
      expect(m.from).toBe("noreply@gatehouse.test");
      expect(m.to).toEqual(["alice@x.test"]);
      expect(m.commands).toEqual(["EHLO", "AUTH", "MAIL", "RCPT", "DATA", "QUIT"]);
      const cut = m.data.indexOf("\r\n\r\n");
      const head = m.data.slice(0, cut);
      const body = m.data.slice(cut + 4);
      expect(head).toMatch(/^From: Gatehouse <noreply@gatehouse\.test>$/m);
      expect(head).toMatch(/^To: alice@x\.test$/m);
      expect(head).toMatch(/^Subject: Approval needed$/m);
      expect(head).toMatch(/^Date: Wed, 02 Jan 2030 03:04:05 \+0000$/m);
      expect(head).toMatch(/^Message-ID: <[0-9a-f-]{36}@gatehouse\.test>$/m);
      // Every line ends in CRLF; lines starting with "." were stuffed on the wire.
      expect(m.data).not.toMatch(/[^\r]\n/);
      expect(body).toContain("Line one\r\n..starts with a dot\r\n...two dots\r\n");
      expect(body).toContain("/approvals");
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
        const secure = fakeSmtp({ password: PASSWORD, tls: { key: readFileSync(path.join(dir, "k.pem")), cert } });
        const p = await secure.start();
        try {
          const opts = { host: "127.0.0.1", port: p, user: "gatehouse", password: PASSWORD, starttls: true, timeoutMs: 5000 };
          // An unknown certificate is refused (verification is on by default), before any credential is sent.
          await expect(sendMail(opts, { from: "a@x.test", to: ["b@x.test"], subject: "s", text: "t" })).rejects.toThrow(/TLS handshake/);
          await sendMail({ ...opts, tlsOptions: { ca: cert } }, { from: "a@x.test", to: ["b@x.test"], subject: "Über", text: "héllo\n.dot" });
          expect(secure.got).toHaveLength(1);
          const m = secure.got[0]!;
          expect(m.tls).toBe(true);
          expect(m.commands).toEqual(["EHLO", "STARTTLS", "EHLO", "AUTH", "MAIL", "RCPT", "DATA", "QUIT"]);
          expect(m.auth).toBe(`\0gatehouse\0${PASSWORD}`);
          expect(m.data).toMatch(/^Subject: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/m);
          expect(m.data).toMatch(/^Content-Transfer-Encoding: base64$/m);
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
      await expect(
        sendMail({ host: "127.0.0.1", port, user: "gatehouse", password: PASSWORD, starttls: true, timeoutMs: 5000 }, { from: "a@x.test", to: ["b@x.test"], subject: "s", text: "t" }),
      ).rejects.toThrow(/does not offer STARTTLS/);
    });
  });
}
