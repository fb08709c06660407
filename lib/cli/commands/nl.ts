/**
 * `gatehouse nl eval FILE [--backend parser|llm] [--json] [--quiet]`: score a plain-language phrase file (the JSON of
 * scripts/bench/nl-phrases.json) with the parser or with the configured language model (GATEHOUSE_NL_LLM_URL …), so
 * operators can measure their own model on their own phrasings. Prints accuracy per category, the unsafe count
 * (drafts that must not be) and latency. Exit code 0 when no reading is unsafe, 1 otherwise, 2 for bad usage.
 */
import { nlLlmConfig } from "@/lib/env";
import { formatReport } from "@/lib/domain/nl/phrase-set";
import { evaluatePhraseSet, loadPhraseSet } from "@/lib/services/requests/nl-eval";

export const usage = `Usage: gatehouse nl eval FILE [--backend parser|llm] [--json] [--quiet]
  Score a phrase file: accuracy per category, unsafe drafts, latency per phrase.
  --backend parser   the built-in parser (default)
  --backend llm      the language model at GATEHOUSE_NL_LLM_URL (model GATEHOUSE_NL_LLM_MODEL), checked by the parser
  --json             print the report as JSON
  --quiet            leave out the list of phrases that were not read right`;

export async function run(argv: string[]): Promise<number> {
  const [sub, file, ...rest] = argv;
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(usage);
    return 0;
  }
  if (sub !== "eval" || !file || file.startsWith("--")) {
    console.error(usage);
    return 2;
  }
  const bi = rest.indexOf("--backend");
  const backend = bi >= 0 ? rest[bi + 1] : "parser";
  if (backend !== "parser" && backend !== "llm") {
    console.error(`--backend must be parser or llm\n\n${usage}`);
    return 2;
  }
  let set;
  try {
    set = await loadPhraseSet(file);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 2;
  }
  const llm = backend === "llm" ? nlLlmConfig() : null;
  if (backend === "llm" && !llm) {
    console.error("The llm backend needs GATEHOUSE_NL_LLM_URL (and GATEHOUSE_NL_LLM_MODEL, GATEHOUSE_NL_LLM_API_KEY when the endpoint wants one).");
    return 2;
  }
  const run = await evaluatePhraseSet(set, backend, llm);
  if (rest.includes("--json")) console.log(JSON.stringify({ backend, ...run.report, fallbacks: run.fallbacks }, null, 1));
  else {
    console.log(formatReport(run.report, backend === "llm" ? `llm (${llm!.model}; ${run.fallbacks} fell back to the parser)` : "parser", !rest.includes("--quiet")));
  }
  return run.report.unsafe === 0 ? 0 : 1;
}
