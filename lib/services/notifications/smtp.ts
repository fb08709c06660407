/**
 * A minimal SMTP submission client (RFC 5321) on node:net / node:tls, enough to hand plain-text notifications to a
 * relay: greeting, EHLO (HELO if EHLO is refused), STARTTLS (RFC 3207) with the socket upgraded in place and EHLO
 * sent again, AUTH PLAIN (RFC 4616) when a user is configured, MAIL FROM, RCPT TO, DATA with CRLF line endings and
 * dot-stuffing, QUIT. One connection per message; every wait is bounded by `timeoutMs`.
 *
 * Errors are SmtpError: the command that failed and the server's reply (so an operator sees "550 5.1.1 no such
 * user"), never the password: the AUTH line is not quoted and any echo of the secret is scrubbed.
 *
 * Not supported (not needed for a relay on 587/25): implicit TLS (port 465), other AUTH mechanisms, pipelining,
 * attachments.
 */
import net from "node:net";
import tls from "node:tls";
import { randomUUID } from "node:crypto";
import os from "node:os";

export type SmtpOptions = {
  host: string;
  port: number;
  user?: string;
  password?: string;
  /** Upgrade with STARTTLS after the first EHLO; the server must offer it. */
  starttls: boolean;
  /** Per step (connect, each reply). Default 30 s. */
  timeoutMs?: number;
  /** Name sent with EHLO. Default: this host's name. */
  clientName?: string;
  /** Extra TLS options for the STARTTLS upgrade (e.g. a private CA). Certificates are verified by default. */
  tlsOptions?: tls.ConnectionOptions;
};

export type MailMessage = { from: string; to: string[]; subject: string; text: string; date?: Date; messageId?: string; headers?: Record<string, string> };

export class SmtpError extends Error {
  constructor(
    message: string,
    /** The reply code, or null for connection trouble (refused, timeout, closed). */
    readonly code: number | null = null,
    /** The server's reply text. */
    readonly reply = "",
  ) {
    super(message);
    this.name = "SmtpError";
  }
  /** 5xx: the server refused for good; retrying the same message will not help. */
  get permanent(): boolean {
    return this.code != null && this.code >= 500;
  }
}

type Reply = { code: number; lines: string[]; text: string };

/** Reads replies (multi-line "250-…" continued, "250 …" last) from whatever socket is attached. */
class ReplyReader {
  private buf = "";
  private cur: string[] = [];
  private ready: Reply[] = [];
  private waiter: { resolve: (r: Reply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | null = null;
  private failure: Error | null = null;
  private socket: net.Socket | null = null;
  private readonly onData = (d: Buffer) => this.push(d.toString("utf8"));
  private readonly onError = (e: Error) => this.fail(new SmtpError(`SMTP connection error: ${e.message}`));
  private readonly onClose = () => this.fail(new SmtpError("SMTP server closed the connection"));

  constructor(private readonly timeoutMs: number) {}

  attach(socket: net.Socket): void {
    this.detach();
    this.socket = socket;
    socket.on("data", this.onData);
    socket.on("error", this.onError);
    socket.on("close", this.onClose);
  }

  detach(): void {
    const s = this.socket;
    if (!s) return;
    s.off("data", this.onData);
    s.off("error", this.onError);
    s.off("close", this.onClose);
    this.socket = null;
  }

  private push(chunk: string): void {
    this.buf += chunk;
    for (let i = this.buf.indexOf("\n"); i >= 0; i = this.buf.indexOf("\n")) {
      const line = this.buf.slice(0, i).replace(/\r$/, "");
      this.buf = this.buf.slice(i + 1);
      this.cur.push(line);
      const m = /^(\d{3})([ -]|$)/.exec(line);
      if (!m) {
        this.fail(new SmtpError(`Malformed SMTP reply: ${line.slice(0, 200)}`));
        return;
      }
      if (m[2] !== "-") {
        const lines = this.cur.map((l) => l.slice(4));
        this.ready.push({ code: Number(m[1]), lines, text: this.cur.join(" | ") });
        this.cur = [];
      }
    }
    this.deliver();
  }

  private deliver(): void {
    if (!this.waiter) return;
    const w = this.waiter;
    if (this.ready.length) {
      this.waiter = null;
      clearTimeout(w.timer);
      w.resolve(this.ready.shift()!);
    } else if (this.failure) {
      this.waiter = null;
      clearTimeout(w.timer);
      w.reject(this.failure);
    }
  }

  fail(e: Error): void {
    this.failure ??= e;
    this.deliver();
  }

  read(): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        const e = new SmtpError(`SMTP server did not answer within ${this.timeoutMs} ms`);
        this.failure ??= e;
        reject(e);
        this.socket?.destroy();
      }, this.timeoutMs);
      this.waiter = { resolve, reject, timer };
      this.deliver();
    });
  }

  /** Unread input is a protocol violation before STARTTLS (RFC 3207 §4: discard; we refuse instead). */
  pending(): boolean {
    return this.buf.length > 0 || this.ready.length > 0;
  }
}

const oneLine = (s: string) => s.replace(/[\r\n]+/g, " ").trim();

function checkAddress(a: string): string {
  const v = a.trim();
  if (!v || /[\s<>\r\n]/.test(v) || !v.includes("@")) throw new SmtpError(`Invalid email address: ${JSON.stringify(v.slice(0, 100))}`);
  return v;
}

/** Bare address out of `Name <addr>` or `addr`. */
export function addressOf(s: string): string {
  const m = /<([^<>]+)>\s*$/.exec(s);
  return checkAddress(m ? m[1]! : s);
}

/** RFC 2047 encoded-word for non-ASCII header text. */
function encodeHeader(v: string): string {
  const clean = oneLine(v);
  return /^[\x20-\x7e]*$/.test(clean) ? clean : `=?UTF-8?B?${Buffer.from(clean, "utf8").toString("base64")}?=`;
}

/** RFC 5322 date, e.g. "Tue, 01 Jan 2030 00:00:00 +0000". */
export function rfc5322Date(d: Date): string {
  return d.toUTCString().replace(/GMT$/, "+0000");
}

/** The whole message (headers, blank line, body) with CRLF line endings, before dot-stuffing. */
export function buildMessage(msg: MailMessage): { data: string; messageId: string } {
  const domain = addressOf(msg.from).split("@")[1] ?? "localhost";
  const messageId = msg.messageId ?? `<${randomUUID()}@${domain}>`;
  const text = msg.text.replace(/\r\n|\r|\n/g, "\n");
  const ascii = /^[\x00-\x7f]*$/.test(text);
  const body = ascii ? text.split("\n").join("\r\n") : (Buffer.from(text.split("\n").join("\r\n"), "utf8").toString("base64").match(/.{1,76}/g) ?? []).join("\r\n");
  const headers: Array<[string, string]> = [
    ["From", oneLine(msg.from)],
    ["To", msg.to.map(oneLine).join(", ")],
    ["Subject", encodeHeader(msg.subject)],
    ["Date", rfc5322Date(msg.date ?? new Date())],
    ["Message-ID", oneLine(messageId)],
    ["MIME-Version", "1.0"],
    ["Content-Type", "text/plain; charset=utf-8"],
    ["Content-Transfer-Encoding", ascii ? "7bit" : "base64"],
    ...Object.entries(msg.headers ?? {}).map(([k, v]) => [k.replace(/[^A-Za-z0-9-]/g, ""), encodeHeader(v)] as [string, string]),
  ];
  return { data: `${headers.map(([k, v]) => `${k}: ${v}`).join("\r\n")}\r\n\r\n${body}`, messageId };
}

/** DATA payload: lines starting with "." get another "." (RFC 5321 §4.5.2), terminated by CRLF.CRLF. */
export function dotStuff(data: string): string {
  const lines = data.split("\r\n").map((l) => (l.startsWith(".") ? `.${l}` : l));
  return `${lines.join("\r\n")}\r\n.\r\n`;
}

function connect(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new SmtpError(`Could not connect to SMTP server ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    s.once("connect", () => {
      clearTimeout(timer);
      s.off("error", onError);
      resolve(s);
    });
    const onError = (e: Error) => {
      clearTimeout(timer);
      reject(new SmtpError(`Could not connect to SMTP server ${host}:${port}: ${e.message}`));
    };
    s.once("error", onError);
  });
}

function upgrade(socket: net.Socket, host: string, timeoutMs: number, extra?: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    // host: what the certificate is checked against (with a socket given, Node would otherwise check "localhost").
    const t = tls.connect({ host, servername: net.isIP(host) ? undefined : host, ...extra, socket });
    const timer = setTimeout(() => {
      t.destroy();
      reject(new SmtpError(`TLS handshake with ${host} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    t.once("secureConnect", () => {
      clearTimeout(timer);
      t.off("error", onError);
      resolve(t);
    });
    const onError = (e: Error) => {
      clearTimeout(timer);
      reject(new SmtpError(`TLS handshake with ${host} failed: ${e.message}`));
    };
    t.once("error", onError);
  });
}

/** Send one message. Resolves with the Message-ID and the server's final reply once the server accepted the DATA. */
export async function sendMail(opts: SmtpOptions, msg: MailMessage): Promise<{ messageId: string; reply: string }> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const secrets = [opts.password, opts.password && opts.user != null ? Buffer.from(`\0${opts.user}\0${opts.password}`, "utf8").toString("base64") : undefined].filter(
    (s): s is string => Boolean(s),
  );
  const scrub = (s: string) => secrets.reduce((acc, sec) => acc.split(sec).join("***"), s);
  const from = addressOf(msg.from);
  const rcpts = msg.to.map(addressOf);
  if (rcpts.length === 0) throw new SmtpError("No recipients");
  const { data, messageId } = buildMessage(msg);

  const reader = new ReplyReader(timeoutMs);
  let socket: net.Socket = await connect(opts.host, opts.port, timeoutMs);
  reader.attach(socket);
  const write = (line: string) => {
    socket.write(line);
  };
  /** Send a command (or nothing) and require one of the expected codes; `shown` is what an error quotes. */
  const step = async (line: string | null, expect: number[], shown = line?.trim() ?? "connection"): Promise<Reply> => {
    if (line != null) write(`${line}\r\n`);
    const r = await reader.read();
    if (!expect.includes(r.code)) throw new SmtpError(scrub(`SMTP ${shown} refused: ${r.text}`), r.code, scrub(r.text));
    return r;
  };
  try {
    const name = oneLine(opts.clientName ?? os.hostname() ?? "localhost") || "localhost";
    await step(null, [220], "greeting");
    const ehlo = async () => {
      write(`EHLO ${name}\r\n`);
      const r = await reader.read();
      if (r.code === 250) return r.lines.map((l) => l.toUpperCase());
      await step(`HELO ${name}`, [250]);
      return [];
    };
    let caps = await ehlo();
    if (opts.starttls) {
      if (!caps.some((c) => c.split(" ")[0] === "STARTTLS")) throw new SmtpError(`SMTP server ${opts.host} does not offer STARTTLS (set SMTP_STARTTLS=0 to send without it)`);
      await step("STARTTLS", [220]);
      if (reader.pending()) throw new SmtpError("SMTP server sent data after STARTTLS before the TLS handshake");
      reader.detach();
      socket = await upgrade(socket, opts.host, timeoutMs, opts.tlsOptions);
      reader.attach(socket);
      caps = await ehlo();
    }
    if (opts.user) {
      const auth = Buffer.from(`\0${opts.user}\0${opts.password ?? ""}`, "utf8").toString("base64");
      write(`AUTH PLAIN ${auth}\r\n`);
      const r = await reader.read();
      if (r.code !== 235) throw new SmtpError(scrub(`SMTP authentication as ${opts.user} refused: ${r.text}`), r.code, scrub(r.text));
    }
    await step(`MAIL FROM:<${from}>`, [250]);
    for (const to of rcpts) await step(`RCPT TO:<${to}>`, [250, 251]);
    await step("DATA", [354]);
    write(dotStuff(data));
    const done = await step(null, [250], "message");
    // The message is accepted; a failed QUIT changes nothing.
    await step("QUIT", [221]).catch(() => {});
    return { messageId, reply: scrub(done.text) };
  } catch (e) {
    if (e instanceof SmtpError) throw e;
    throw new SmtpError(scrub(e instanceof Error ? e.message : String(e)));
  } finally {
    reader.detach();
    socket.on("error", () => {}); // late errors after we are done are not interesting
    socket.end();
    socket.destroy();
  }
}
