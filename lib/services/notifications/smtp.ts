/**
 * Hands plain-text notifications to an SMTP relay through nodemailer (the protocol is a library's job: EHLO/HELO,
 * STARTTLS, AUTH, MIME encoding of non-ASCII headers and bodies, dot-stuffing, line endings). One connection per
 * message; connection, greeting and every reply are bounded by `timeoutMs`.
 *
 * STARTTLS follows the configuration strictly: `starttls: true` requires the upgrade (a server that does not offer
 * it is refused before any credential is sent) and certificates are verified by default; `starttls: false` sends
 * without upgrading (a relay on the local network, port 25). Port 465 uses implicit TLS.
 *
 * Errors are SmtpError: what failed and the server's reply (so an operator sees "550 5.1.1 no such user"), with the
 * reply code (5xx = permanent), never the password: any echo of the secret is scrubbed.
 */
import type tls from "node:tls";
import nodemailer from "nodemailer";

export type SmtpOptions = {
  host: string;
  port: number;
  user?: string;
  password?: string;
  /** Require the STARTTLS upgrade after EHLO; the server must offer it. */
  starttls: boolean;
  /** Connection, greeting and each reply. Default 30 s. */
  timeoutMs?: number;
  /** Name sent with EHLO. Default: this host's name. */
  clientName?: string;
  /** Extra TLS options (e.g. a private CA). Certificates are verified by default. */
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

type NodemailerError = Error & { code?: string; responseCode?: number; response?: string; command?: string };

function toSmtpError(e: unknown, opts: SmtpOptions, timeoutMs: number): SmtpError {
  const secrets = [opts.password, opts.password && Buffer.from(opts.password).toString("base64"), opts.user && opts.password && Buffer.from(`\0${opts.user}\0${opts.password}`).toString("base64")].filter(
    (s): s is string => typeof s === "string" && s.length >= 3,
  );
  const scrub = (s: string) => secrets.reduce((acc, sec) => acc.split(sec).join("***"), s);
  const err = (e ?? {}) as NodemailerError;
  const reply = scrub(err.response ?? "");
  const where = `${opts.host}:${opts.port}`;
  let message: string;
  switch (err.code) {
    case "ETIMEDOUT":
      message = `SMTP server ${where} did not answer within ${timeoutMs} ms`;
      break;
    case "ECONNECTION":
    case "ESOCKET":
      message = /STARTTLS|TLS|certificate|self.signed/i.test(err.message ?? "") ? `TLS handshake with ${where} failed: ${err.message}` : `SMTP connection to ${where} failed: ${err.message}`;
      break;
    case "ETLS":
      message = /not support|STARTTLS/i.test(err.message ?? "") && !/handshake|certificate/i.test(err.message ?? "")
        ? `SMTP server ${where} does not offer STARTTLS (set SMTP_STARTTLS=0 to send without it)`
        : `TLS handshake with ${where} failed: ${err.message}`;
      break;
    case "EAUTH":
      message = `SMTP authentication as ${opts.user ?? "(none)"} refused: ${reply || err.message}`;
      break;
    default:
      message = reply ? `SMTP ${err.command ?? "command"} refused: ${reply}` : `SMTP error: ${err.message ?? String(e)}`;
  }
  return new SmtpError(scrub(message), typeof err.responseCode === "number" ? err.responseCode : null, reply);
}

export async function sendMail(opts: SmtpOptions, msg: MailMessage): Promise<{ messageId: string; reply: string }> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const implicitTls = opts.port === 465;
  const transport = nodemailer.createTransport({
    host: opts.host,
    port: opts.port,
    secure: implicitTls,
    requireTLS: opts.starttls && !implicitTls,
    ignoreTLS: !opts.starttls && !implicitTls,
    auth: opts.user ? { user: opts.user, pass: opts.password ?? "" } : undefined,
    name: opts.clientName,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    tls: { ...opts.tlsOptions },
    logger: false,
    debug: false,
  });
  try {
    const info = await transport.sendMail({
      from: msg.from,
      to: msg.to,
      subject: msg.subject,
      text: msg.text,
      date: msg.date,
      messageId: msg.messageId,
      headers: msg.headers,
    });
    return { messageId: info.messageId, reply: String(info.response ?? "") };
  } catch (e) {
    throw toSmtpError(e, opts, timeoutMs);
  } finally {
    transport.close();
  }
}
