/**
 * The optional language model behind the plain-language parser.
 *
 * An OpenAI-compatible chat/completions endpoint (Ollama, vLLM, llama.cpp server, OpenAI, Azure OpenAI) is asked,
 * through tool (function) calling, for a structured draft only: action, who, applications and roles as the person
 * wrote them, end date, reason. The model never decides anything: its draft is written back as a plain sentence and
 * read by the same parser against the same directory (the people the actor may request for), so names, roles,
 * questions, permissions, risk and routing are exactly those of the parser path, and a model can never widen what a
 * person may get. Guards: the parser's refusals and hostile-text checks run on the original text first; a person
 * the original text does not name (nor "me"/"my …") is not accepted; when the original text names a person
 * ambiguously the parser's question wins. Any failure (no endpoint, timeout, HTTP error, no tool call, malformed
 * arguments) falls back to the parser. Secrets (the API key) go only into the request header.
 */
import { z } from "zod";
import { normalizeChat } from "@/lib/domain/nl/chat";
import { compact, matchPrepared, normalize } from "@/lib/domain/nl/fuzzy";
import { nicknamesOf } from "@/lib/domain/nl/aliases";
import { parseRequest, type Directory, type ParseOptions, type ParseResult } from "@/lib/domain/nl/parser";

export type LlmConfig = {
  /** Base URL ending before /chat/completions, e.g. http://127.0.0.1:11434/v1 or https://NAME.openai.azure.com/openai/deployments/DEPLOYMENT */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Azure OpenAI: the api-version query parameter; the key then goes in the api-key header. */
  apiVersion?: string;
  timeoutMs: number;
};

export type LlmOutcome = { result: ParseResult; backend: "llm" | "parser"; fallbackReason?: string };

export const DRAFT_TOOL = {
  type: "function",
  function: {
    name: "draft_access_request",
    description: "Record the structured reading of one access request. Copy names, applications and roles as the person wrote them; do not invent any.",
    parameters: {
      type: "object",
      properties: {
        action: { type: "string", enum: ["grant", "revoke", "unclear"], description: "grant = give/add access, revoke = remove access" },
        beneficiary: { type: "string", description: 'Who gets the change, as written: "me", a name, an email, or a phrase such as "my new hire"' },
        items: {
          type: "array",
          items: { type: "object", properties: { application: { type: "string" }, role: { type: "string", description: "role, entitlement or level as written (e.g. read-only, editor, ANALYST); empty when none was named" } }, required: ["application"] },
        },
        copy_access_from: { type: "string", description: "a person whose access should be copied, when asked" },
        until: { type: "string", description: "end date YYYY-MM-DD when one was given" },
        duration_days: { type: "integer", minimum: 1, maximum: 3650 },
        justification: { type: "string", description: "the reason given, verbatim" },
      },
      required: ["action", "beneficiary", "items"],
    },
  },
} as const;

const argsSchema = z.object({
  action: z.enum(["grant", "revoke", "unclear"]),
  beneficiary: z.string().max(200),
  items: z.array(z.object({ application: z.string().max(100), role: z.string().max(100).optional().nullable() })).max(10),
  copy_access_from: z.string().max(200).optional().nullable(),
  until: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().nullable(),
  duration_days: z.number().int().min(1).max(3650).optional().nullable(),
  justification: z.string().max(500).optional().nullable(),
});
export type LlmDraftArgs = z.infer<typeof argsSchema>;

function systemPrompt(today: string): string {
  return [
    "You read requests for access to business applications, written by employees and managers in chat.",
    `Today is ${today}. Call draft_access_request exactly once. Keep people, applications and roles as written (fix obvious typos and expand chat slang only).`,
    'The beneficiary is "me" when the writer asks for themselves. Leave role empty when no role or level was named. Put dates as YYYY-MM-DD.',
    "Never add applications, roles or people that the text does not mention.",
  ].join(" ");
}

const clean = (s: string) => s.replace(/[^\p{L}\p{N}@._' -]+/gu, " ").replace(/\s+/g, " ").trim();

/** The structured draft written back as a sentence the parser reads. */
export function sentenceOf(a: LlmDraftArgs): string {
  const verb = a.action === "revoke" ? "remove" : "give";
  const who = clean(a.beneficiary) || "me";
  const items = a.items.map((it) => clean(`${it.application} ${it.role ?? ""}`)).filter(Boolean);
  let s = a.action === "revoke" ? `${verb} ${who}'s ${items.join(" and ")}` : `${verb} ${who} ${items.join(" and ")}`;
  if (a.copy_access_from && a.action !== "revoke") s += `${items.length ? " and" : ""} the same access as ${clean(a.copy_access_from)}`;
  if (a.until) s += ` until ${a.until}`;
  else if (a.duration_days) s += ` for ${a.duration_days} days`;
  return s;
}

/** True when every word naming the resolved person comes from the original text (or it is the requester). */
function namedInText(text: string, dir: Directory, personId: string, requesterId: string): boolean {
  if (personId === requesterId) return true;
  const p = dir.people.find((x) => x.id === personId);
  if (!p) return false;
  if (/\b(my|our)\s+\w+/i.test(text)) return true; // a relation ("my new hire") is resolved by the parser from the directory
  const words = new Set(normalize(text).split(" ").map(compact));
  const keys = [p.givenName, p.familyName, p.email.split("@")[0], ...nicknamesOf(p.givenName)].map((k) => compact(normalize(k)));
  if (keys.some((k) => words.has(k))) return true;
  // A misspelt name: the parser's own reading of the original text must point at the same person.
  return false;
}

/** Every significant word of the role appears in the text (misspelt by at most the fuzzy budget, or as a level synonym). */
export function roleInText(role: string, text: string): boolean {
  const words = normalize(normalizeChat(text)).split(" ").filter(Boolean);
  const flat = compact(words.join(" "));
  const LEVEL_SYNONYMS: Record<string, string[]> = { read: ["view", "viewer", "readonly", "reader", "ro"], only: ["readonly"], admin: ["administrator", "owner"], administrator: ["admin"], editor: ["edit", "write", "rw"], write: ["rw", "editor"] };
  const sig = normalize(role).split(" ").filter((w) => w.length >= 3 || /^[a-z]{2}$/.test(w));
  if (!sig.length) return true;
  return sig.every(
    (w) => flat.includes(w) || words.some((t) => matchPrepared(t, w) !== null || (t.length >= 3 && w.startsWith(t))) || (LEVEL_SYNONYMS[w] ?? []).some((x) => words.includes(x)),
  );
}

async function callModel(text: string, opts: ParseOptions, cfg: LlmConfig, fetchImpl: typeof fetch): Promise<LlmDraftArgs> {
  const url = `${cfg.baseUrl.replace(/\/+$/, "")}/chat/completions${cfg.apiVersion ? `?api-version=${encodeURIComponent(cfg.apiVersion)}` : ""}`;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (cfg.apiKey) {
    if (cfg.apiVersion) headers["api-key"] = cfg.apiKey;
    else headers.authorization = `Bearer ${cfg.apiKey}`;
  }
  const body = {
    model: cfg.model,
    temperature: 0,
    messages: [
      { role: "system", content: systemPrompt(opts.today) },
      { role: "user", content: text },
    ],
    tools: [DRAFT_TOOL],
    tool_choice: { type: "function", function: { name: DRAFT_TOOL.function.name } },
  };
  const res = await fetchImpl(url, { method: "POST", headers, body: JSON.stringify(body), signal: AbortSignal.timeout(cfg.timeoutMs) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const json = (await res.json()) as { choices?: Array<{ message?: { tool_calls?: Array<{ type?: string; function?: { name?: string; arguments?: string } }> } }> };
  const call = json.choices?.[0]?.message?.tool_calls?.find((c) => c.function?.name === DRAFT_TOOL.function.name);
  if (!call?.function?.arguments) throw new Error("the model made no tool call");
  let parsed: unknown;
  try {
    parsed = JSON.parse(call.function.arguments);
  } catch {
    throw new Error("the tool call's arguments are not JSON");
  }
  const args = argsSchema.safeParse(parsed);
  if (!args.success) throw new Error(`the tool call's arguments do not fit the schema (${args.error.issues[0]?.path.join(".")})`);
  return args.data;
}

/** Interpret with the model, checked and resolved by the parser; falls back to the parser on any failure. */
export async function interpretWithLlm({ text, dir, opts, config, fetchImpl = fetch }: { text: string; dir: Directory; opts: ParseOptions; config: LlmConfig; fetchImpl?: typeof fetch }): Promise<LlmOutcome> {
  const parser = parseRequest(text, dir, opts);
  // Refusals, hostile text and the parser's questions about who is meant are final: the model cannot settle them.
  if (parser.kind === "not_understood" && (parser.refused || !text.trim() || text.length > 500)) return { result: parser, backend: "parser" };
  if (parser.kind === "not_understood" && /markup|database command|instruction|control characters/.test(parser.message)) return { result: parser, backend: "parser" };
  if (parser.kind === "ambiguous" && parser.field.startsWith("person:")) return { result: parser, backend: "parser" };
  let args: LlmDraftArgs;
  try {
    args = await callModel(text, opts, config, fetchImpl);
  } catch (e) {
    return { result: parser, backend: "parser", fallbackReason: e instanceof Error ? e.message : "model error" };
  }
  if (args.action === "unclear" && parser.kind !== "draft") return { result: parser, backend: "parser", fallbackReason: "the model could not tell grant from removal" };
  if (args.action === "unclear") return { result: parser, backend: "parser", fallbackReason: "the model could not tell grant from removal" };
  // A role the text does not mention is dropped (the parser then asks which): the model cannot pick a stronger one.
  const dropped: string[] = [];
  for (const it of args.items) {
    if (it.role && !roleInText(it.role, text)) {
      dropped.push(it.role);
      it.role = null;
    }
  }
  const sentence = sentenceOf(args);
  const r = parseRequest(sentence, dir, opts);
  if (r.kind === "not_understood") return { result: parser.kind === "draft" ? parser : r, backend: parser.kind === "draft" ? "parser" : "llm", fallbackReason: parser.kind === "draft" ? `the model's reading was not understood: ${sentence}` : undefined };
  if (r.kind === "ambiguous") return { result: r, backend: "llm" };
  const ids = r.beneficiary.kind === "person" ? [r.beneficiary.personId] : r.beneficiary.personIds;
  if (!ids.every((id) => namedInText(text, dir, id, opts.requesterId) || (parser.kind === "draft" && parser.beneficiary.kind === "person" && parser.beneficiary.personId === id)))
    return { result: parser, backend: "parser", fallbackReason: "the model named someone the text does not" };
  const justification = args.justification?.trim() || r.justification || (parser.kind === "draft" ? parser.justification : undefined);
  const draft = { ...r, explanation: [`Read by the language model as: "${sentence}".`, ...dropped.map((d) => `The model's role "${d}" is not in your text, so it was not used.`), ...r.explanation] };
  if (justification) draft.justification = justification;
  else delete draft.justification;
  return { result: draft, backend: "llm" };
}
