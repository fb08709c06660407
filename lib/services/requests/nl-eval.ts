/**
 * Score a phrase file (lib/domain/nl/phrase-set.ts) with the parser or the language model: `gatehouse nl eval FILE`
 * and `npm run bench:nl`. Reads no database: the file carries its people, personas and "today"; "applications":
 * "demo" means the demo catalog (db/seed/catalog.ts).
 */
import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { APPLICATIONS } from "@/db/seed/catalog";
import { parseRequest, type ParseResult } from "@/lib/domain/nl/parser";
import { type CaseScore, type EvalReport, type PhraseApplications, type PhraseSet, directoryFor, phraseSetSchema, scoreCase, summarise } from "@/lib/domain/nl/phrase-set";
import { ValidationError } from "@/lib/errors";
import { interpretWithLlm, type LlmConfig } from "./nl-llm";

export function demoApplications(): PhraseApplications {
  return APPLICATIONS.map((a) => ({
    key: a.key,
    name: a.name,
    entitlements: a.entitlements.map((e) => ({ id: e.id, name: e.name, level: e.level, privileged: !!e.privileged, requestable: e.requestable !== false })),
  }));
}

export async function loadPhraseSet(file: string): Promise<PhraseSet> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new ValidationError(`Cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parsed = phraseSetSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new ValidationError(`${file}: ${i?.path.join(".") || "(root)"}: ${i?.message}`);
  }
  return parsed.data;
}

export type EvalRun = { report: EvalReport; scores: CaseScore[]; results: ParseResult[]; fallbacks: number };

/** Run every case through the backend and score it. The parser's latency is measured per phrase (after one warm-up). */
export async function evaluatePhraseSet(set: PhraseSet, backend: "parser" | "llm", llm?: LlmConfig | null, fetchImpl?: typeof fetch): Promise<EvalRun> {
  if (backend === "llm" && !llm) throw new ValidationError("The llm backend needs GATEHOUSE_NL_LLM_URL (and GATEHOUSE_NL_LLM_MODEL).");
  const apps = set.applications === "demo" ? demoApplications() : set.applications;
  const dirs = new Map<string, ReturnType<typeof directoryFor>>();
  const dirOf = (persona: string) => {
    let d = dirs.get(persona);
    if (!d) dirs.set(persona, (d = directoryFor(set, apps, persona)));
    return d;
  };
  const warm = set.cases[0];
  parseRequest(warm.text, dirOf(warm.persona).dir, { requesterId: dirOf(warm.persona).requesterId, today: set.today });
  const results: ParseResult[] = [];
  const latencies: number[] = [];
  let fallbacks = 0;
  for (const c of set.cases) {
    const { dir, requesterId } = dirOf(c.persona);
    const opts = { requesterId, today: set.today, choices: c.choices };
    const t0 = performance.now();
    let r: ParseResult;
    if (backend === "llm") {
      const out = await interpretWithLlm({ text: c.text, dir, opts, config: llm!, fetchImpl });
      if (out.backend === "parser" && out.fallbackReason) fallbacks++;
      r = out.result;
    } else r = parseRequest(c.text, dir, opts);
    latencies.push(performance.now() - t0);
    results.push(r);
  }
  const scores = set.cases.map((c, i) => scoreCase(c, results[i]));
  return { report: summarise(set.cases, scores, latencies), scores, results, fallbacks };
}
