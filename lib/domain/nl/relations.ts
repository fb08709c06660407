/**
 * The requester's people ("my new hire", "my SRE", "the intern", "my boss"): relation words and titles read against
 * the requester's reporting line.
 */
import { type DirectoryIndex } from "./directory-index";
import { compact, matchPrepared, normalize, singularize, singularizeWord } from "./fuzzy";
import { type Directory, type DirectoryPerson, NEW_HIRE_DAYS, type ParseOptions, type PersonMention } from "./types";
import { STOP } from "./vocabulary";


export const RELATION_WORDS = new Set(["newbie", "newcomer", "new", "newest", "latest", "recent", "hire", "hires", "starter", "joiner", "guy", "girl", "gal", "person", "report", "direct", "boss", "manager", "intern", "contractor", "colleague", "coworker", "teammate", "buddy"]);
export const NEW_WORDS = new Set(["new", "newest", "latest", "recent", "hire", "hires", "starter", "joiner", "newbie", "newcomer"]);
export const RELATION_STOP = new Set(["to", "for", "a", "an", "the", "and", "with", "on", "in", "at", "from", "of", "as", "so", "because", "until", "till", "please", "me", "i", "is", "who", "that", "can", "needs", "need", "should", "get", "gets", "has", "have"]);

export function beneficiaryWord(mentions: PersonMention[], self: boolean): string {
  if (mentions.length === 1 && mentions[0].people.length === 1) return `${mentions[0].people[0].displayName.split(" ")[0]} should `;
  return self || !mentions.length ? "do you " : "should they ";
}

export function reportingLine(dir: Directory, managerId: string): { direct: DirectoryPerson[]; all: DirectoryPerson[] } {
  const direct = dir.people.filter((p) => p.managerId === managerId);
  const all: DirectoryPerson[] = [];
  const seen = new Set<string>([managerId]);
  let frontier = [managerId];
  for (let depth = 0; depth < 8 && frontier.length; depth++) {
    const front = new Set(frontier);
    const next = dir.people.filter((p) => p.managerId && front.has(p.managerId) && !seen.has(p.id));
    for (const p of next) seen.add(p.id);
    all.push(...next);
    frontier = next.map((p) => p.id);
  }
  return { direct, all };
}

/** Short forms of title words used in chat ("SWE", "sr", "account exec", "sales rep"). */
export const TITLE_WORD_SHORT: Record<string, string[]> = {
  software: ["sw"], engineer: ["eng"], engineering: ["eng"], executive: ["exec"], representative: ["rep"], development: ["dev"], developer: ["dev"],
  manager: ["mgr"], senior: ["sr"], junior: ["jr"], specialist: ["spec"], director: ["dir"], operations: ["ops"], assistant: ["asst"],
};

/** Acronyms of a title: each word by its initial or a short form ("Software Engineer" → se, swe). At most 16. */
export function titleAcronyms(tw: string[]): string[] {
  let out = [""];
  for (const w of tw) out = out.flatMap((a) => [w[0], ...(TITLE_WORD_SHORT[w] ?? [])].map((x) => a + x)).slice(0, 16);
  return out;
}

export function titleFits(title: string, words: string[]): boolean {
  if (!words.length) return true;
  const tw = normalize(title).split(" ").map(singularizeWord);
  const phrase = words.map(singularizeWord);
  if (phrase.length === 1 && phrase[0].length >= 2 && phrase[0].length <= 5) {
    // "my SWE", "one of my AEs": an acronym, also in the plural.
    const acr = titleAcronyms(tw);
    if (acr.includes(phrase[0]) || (words[0].endsWith("s") && acr.includes(words[0].slice(0, -1)))) return true;
  }
  if (phrase.every((w) => tw.some((t) => t === w || TITLE_WORD_SHORT[t]?.includes(w) || (w.length >= 5 && matchPrepared(w, t) !== null)))) return true;
  return matchPrepared(compact(phrase.join(" ")), compact(tw.join(" "))) !== null;
}

/** The requester's reports fitting relation words; `unknown` when the words are no relation at all. */
export function relationPeople(dir: Directory, opts: ParseOptions, words: string[], _idx: DirectoryIndex, anyone = false): { kind: "known"; people: DirectoryPerson[]; message: string } | { kind: "unknown" } {
  const said = words.join(" ");
  if (words.some((w) => w === "boss" || w === "manager") && words.length <= 2 && !words.some((w) => NEW_WORDS.has(w))) {
    const me = dir.people.find((p) => p.id === opts.requesterId);
    const boss = me?.managerId ? dir.people.filter((p) => p.id === me.managerId) : [];
    return { kind: "known", people: boss, message: `I can't file a request for your manager from here: you may request only for yourself and your reports. Ask them, or name the person.` };
  }
  if (words.some((w) => ["colleague", "coworker", "teammate", "buddy"].includes(w))) {
    return { kind: "known", people: [], message: `Who is "my ${said}"? Name the person: I don't guess which colleague you mean.` };
  }
  const { direct, all } = reportingLine(dir, opts.requesterId);
  const wantsNew = words.some((w) => NEW_WORDS.has(w));
  const titleWords = words.filter((w) => !RELATION_WORDS.has(w) && !STOP.has(w));
  const isIntern = words.includes("intern");
  const isContractor = words.includes("contractor");
  const isReport = words.includes("report") || words.includes("direct");
  if (!wantsNew && !titleWords.length && !isIntern && !isContractor && !isReport) return { kind: "unknown" };
  const today = parseIsoDay(opts.today);
  const fits = (p: DirectoryPerson) => {
    if (wantsNew) {
      const start = p.startDate ? parseIsoDay(p.startDate) : null;
      if (start === null || today === null || Math.abs(start - today) > NEW_HIRE_DAYS) return false;
    }
    if (isIntern && !/intern/i.test(p.title)) return false;
    if (isContractor && !/contract/i.test(p.title + " " + (p.department ?? ""))) return false;
    return titleFits(p.title, titleWords);
  };
  let people = direct.filter(fits);
  if (!people.length) people = all.filter(fits);
  // "the new AE", "the intern" (not "my …"): anyone the requester may see (an admin sees everyone).
  if (!people.length && anyone && (wantsNew || isIntern)) people = dir.people.filter((p) => p.id !== opts.requesterId && fits(p));
  // "my software engineer": a title said in full beats the longer titles that contain it ("Senior Software Engineer").
  const exactTitle = people.filter((p) => titleWords.length && compact(singularize(p.title)) === compact(titleWords.map(singularizeWord).join(" ")));
  if (exactTitle.length) people = exactTitle;
  if (wantsNew && people.length > 1) {
    // "my new hire": the most recent start wins when it is alone on its day.
    const sorted = [...people].sort((a, b) => (b.startDate ?? "").localeCompare(a.startDate ?? ""));
    if (sorted[0].startDate !== sorted[1].startDate && words.some((w) => w === "newest" || w === "latest")) people = [sorted[0]];
  }
  if (!titleWords.length && !wantsNew && !isIntern && !isContractor && isReport) people = direct;
  const what = wantsNew ? `a recent joiner${titleWords.length ? ` with the title "${titleWords.join(" ")}"` : ""} (started within ${NEW_HIRE_DAYS} days)` : `"${said}"`;
  return { kind: "known", people, message: `None of the people reporting to you is ${what}. Name the person instead.` };
}

export function parseIsoDay(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  return m ? Math.round(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000) : null;
}
