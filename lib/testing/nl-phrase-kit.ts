/**
 * Test helpers for the plain-language parser on a phrase file (scripts/bench/nl-*.json): the file is loaded before
 * the tests of the calling file; `read(persona, text)` parses as that persona on the file's demo organisation, with
 * the file's fixed "today" (no test depends on the date it runs). `draft` asserts a draft, `items` lists its
 * entitlements (or applications), `notADraft` asserts the parser asked, refused or did not understand.
 */
import path from "node:path";
import { beforeAll, expect } from "vitest";
import { parseRequest, type ParseResult, type RequestDraft } from "@/lib/domain/nl/parser";
import { directoryFor, type PhraseSet } from "@/lib/domain/nl/phrase-set";
import { demoApplications, loadPhraseSet } from "@/lib/services/requests/nl-eval";

/** `file` relative to the project root, e.g. "scripts/bench/nl-chat.json". Call at the top level of a test file. */
export function phraseKit(file: string) {
  let loaded: PhraseSet | null = null;
  beforeAll(async () => {
    loaded = await loadPhraseSet(path.resolve(__dirname, "../..", file));
  });
  const set = (): PhraseSet => {
    if (!loaded) throw new Error(`${file} is not loaded yet (use the kit inside tests)`);
    return loaded;
  };
  const read = (persona: string, text: string, choices?: Record<string, string>): ParseResult => {
    const s = set();
    const { dir, requesterId } = directoryFor(s, demoApplications(), persona);
    return parseRequest(text, dir, { requesterId, today: s.today, choices });
  };
  const draft = (r: ParseResult): RequestDraft => {
    expect(r, JSON.stringify(r)).toMatchObject({ kind: "draft" });
    return r as RequestDraft;
  };
  const items = (r: ParseResult) => draft(r).items.map((i) => i.entitlementId ?? i.applicationId);
  const notADraft = (r: ParseResult) => expect(r.kind, JSON.stringify(r)).not.toBe("draft");
  return { set, read, draft, items, notADraft };
}
