/**
 * Stage 1 of the parser: guards, the end date, the reason, tokens, then the tagging passes over words — group
 * phrases, verbs, the peer phrase, applications, role names and access levels.
 */
import { normalizeChat, refusalOf } from "./chat";
import { daysBetween, findDuration, formatDate } from "./durations";
import { findJustification } from "./justification";
import { type Candidate, bestMatches, closest, compact, jaroWinkler, matchKey, normalize, singularizeWord } from "./fuzzy";
import { indexOf, notUnderstood } from "./directory-index";
import { claim, isFree, peerEnd, phraseAt, textOf, tokenize } from "./tokens";
import { type AppMention, type Directory, type DirectoryApplication, type DirectoryEntitlement, type EntMention, type Inner, type LevelMention, MAX_REQUEST_LENGTH, type WordScan, type ParseOptions } from "./types";
import { ACTION_PHRASES, type Act, HOSTILE, LEVEL_PHRASES, NEGATIONS, STOP, TIME_WORDS } from "./vocabulary";

export function scanWords(input: unknown, dir: Directory, opts: ParseOptions, cutReason: boolean): Inner | WordScan {
  const choices = opts.choices ?? {};
  if (typeof input !== "string" || !input.trim()) return notUnderstood("Type what you need, for example: who, which application, and for how long.");
  if (input.length > MAX_REQUEST_LENGTH)
    return notUnderstood(`That request is ${input.length} characters long; please keep it under ${MAX_REQUEST_LENGTH} and ask for one change at a time.`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(input)) return notUnderstood("That text contains control characters; please type the request as plain text.");
  for (const h of HOSTILE) if (h.re.test(input)) return notUnderstood(h.message);

  const refusal = refusalOf(input);
  if (refusal) return { kind: "not_understood", message: refusal.message, suggestions: refusal.suggestions, refused: true };

  const explanation: string[] = [];
  let text = normalizeChat(input.replace(/\s+/g, " "));

  // Duration.
  const dur = findDuration(text, opts.today);
  if (dur?.kind === "error") return notUnderstood(dur.message, ["for 2 weeks", "until 2026-12-31", "until Friday"]);
  if (dur?.alternatives && !dur.alternatives.includes(choices.until ?? "")) {
    return {
      kind: "ambiguous",
      question: `Which day do you mean by "${dur.text.replace(/^\S+\s+/, "")}"?`,
      field: "until",
      options: dur.alternatives.map((d) => ({ id: d, label: `${formatDate(d)} (${d})` })),
    };
  }
  if (dur?.kind === "duration" && dur.alternatives && choices.until) {
    dur.until = choices.until;
    dur.durationDays = daysBetween(opts.today, choices.until);
    dur.explanation = `"${dur.text}": ${dur.durationDays} days, ending ${dur.until} (as you chose).`;
  }
  if (dur) {
    explanation.push(dur.explanation);
    text = text.slice(0, dur.start) + " ".repeat(dur.end - dur.start) + text.slice(dur.end);
  }

  // Justification ("because …", "for the Q3 audit", "to build the pipeline report") is kept aside, not parsed
  // for names or applications.
  let justification: string | undefined;
  const jf = cutReason ? findJustification(text) : null;
  if (jf) {
    justification = jf.text;
    text = text.slice(0, jf.start) + " ".repeat(text.length - jf.start);
  }

  const toks = tokenize(text);
  if (!toks.length) return notUnderstood("I couldn't find any words I understand in that request.");

  // Group phrases: "my team", "my reports", "my direct reports".
  let groupMention: { i: number; n: number } | null = null;
  let teamQualifier = false;
  let qualifierAt = -1;
  for (let i = 0; i < toks.length; i++) {
    for (const p of ["my direct reports", "my directs", "my reports", "my team", "my whole team", "my people", "my staff"]) {
      const n = phraseAt(toks, i, p);
      if (n) {
        // "the new guy on my team", "someone from my team": a qualifier of one person, not the whole team
        // ("everyone on my team" is still the team).
        const qualifier = ["on", "in", "from"].includes(toks[i - 1]?.norm ?? "") && !["everyone", "everybody", "all", "people", "folks", "each", "others", "rest"].includes(toks[i - 2]?.norm ?? "") && i >= 2;
        claim(toks, i, n, qualifier ? "filler" : "group");
        if (qualifier) (claim(toks, i - 1, 1, "filler"), (teamQualifier = true), (qualifierAt = i - 1));
        else groupMention ??= { i, n };
        break;
      }
    }
  }

  // Actions (longest phrases first; fuzzy for long verbs such as "revok", "grnat").
  const actions: Array<{ i: number; act: Act; copy: boolean; match?: boolean; negated?: boolean; raw: string }> = [];
  const sortedActions = [...ACTION_PHRASES].sort((a, b) => b[0].length - a[0].length);
  for (let i = 0; i < toks.length; i++) {
    if (!isFree(toks[i])) continue;
    for (const [p, act, copy] of sortedActions) {
      const n = phraseAt(toks, i, p);
      if (n) {
        // "drop" / "pull" are verbs only near the start ("drop the table" is caught by the guards).
        // …or at the start of a clause ("tim's moving, pull his Salesforce", "… and pull Bob's Zoom").
        // Mid-sentence only with whose access follows ("pull his …", "drop Ana's …"); "…, pull reports" is work.
        const whose = !!toks[i + 1] && (toks[i + 1].possessive || ["his", "her", "their", "him", "them"].includes(toks[i + 1].norm));
        const clauseStart = i <= 1 || (whose && (/[,;:.!?–—-]/.test(text.slice(toks[i - 1].end, toks[i].start)) || ["and", "then", "also", "please"].includes(toks[i - 1].norm)));
        if ((p === "drop" || p === "pull" || p === "close") && !clauseStart) continue;
        // "won't need", "can't have", "not give": a grant verb after a negation is not a grant (the parser then asks).
        const negated = act === "grant" && i > 0 && NEGATIONS.has(toks[i - 1].norm);
        actions.push({ i, act, copy: copy === "copy" || copy === "match", match: copy === "match", negated, raw: textOf(text, toks, i, n) });
        claim(toks, i, n, "action");
        break;
      }
    }
    if (i <= 1 && isFree(toks[i]) && toks[i].norm.length >= 5 && !toks[i].possessive) {
      for (const [p, act] of [["revoke", "revoke"], ["remove", "revoke"], ["grant", "grant"], ["provide", "grant"]] as const) {
        const m = matchKey(toks[i].norm, p);
        if (m && !m.exact) {
          actions.push({ i, act, copy: false, raw: toks[i].raw });
          explanation.push(`"${toks[i].raw}" read as "${p}".`);
          claim(toks, i, 1, "action");
          break;
        }
      }
    }
  }

  // Peer markers: "same [X] access as …", "what Bob has", "access like …".
  let peerSpan: { from: number; to: number } | null = null;
  for (let i = 0; i < toks.length && !peerSpan; i++) {
    if (toks[i].norm === "same") {
      const has = toks.findIndex((t, k) => k > i + 1 && k < i + 7 && (t.norm === "has" || t.norm === "have" || t.norm === "got") && !toks.slice(i + 1, k).some((x) => x.norm === "as" || x.norm === "that"));
      if (has > 0) {
        claim(toks, i, 1, "peer-marker");
        claim(toks, has, 1, "peer-marker");
        peerSpan = { from: i + 1, to: has };
        break;
      }
      for (let k = i + 1; k < Math.min(toks.length, i + 6); k++) {
        if (toks[k].norm === "as" || toks[k].norm === "that") {
          claim(toks, i, 1, "peer-marker");
          claim(toks, k, 1, "peer-marker");
          peerSpan = { from: k + 1, to: peerEnd(toks, k + 1) };
          break;
        }
      }
    } else if (toks[i].norm === "like" && i > 0 && isFree(toks[i]) && i + 1 < toks.length && ["just", "exactly", "same", "up", "look", "looks", "be"].includes(toks[i - 1].norm)) {
      claim(toks, i, 1, "peer-marker");
      peerSpan = { from: i + 1, to: peerEnd(toks, i + 1) };
    } else if (["what", "everything", "whatever"].includes(toks[i].norm) || ((toks[i].norm === "access" || toks[i].norm === "permissions") && toks[i + 1]?.norm === "like")) {
      if (toks[i].norm !== "access" && toks[i].norm !== "permissions") {
        const has = toks.findIndex((t, k) => k > i && ["has", "have", "got", "gets", "uses", "holds"].includes(t.norm));
        if (has > i + 1) {
          claim(toks, i, 1, "peer-marker");
          claim(toks, has, 1, "peer-marker");
          peerSpan = { from: i + 1, to: has };
        }
      } else {
        claim(toks, i, 2, "peer-marker");
        peerSpan = { from: i + 2, to: peerEnd(toks, i + 2) };
      }
    }
  }
  const inPeerSpan = (i: number) => !!peerSpan && i >= peerSpan.from && i < peerSpan.to;

  // Applications.
  const idx = indexOf(dir);
  const appCands = idx.apps;
  const appMentions: AppMention[] = [];
  for (let i = 0; i < toks.length; i++) {
    for (let n = Math.min(4, toks.length - i); n >= 1; n--) {
      const span = toks.slice(i, i + n);
      if (!span.every(isFree) || span.some((t) => t.email) || span.slice(0, -1).some((t) => t.possessive)) continue;
      const phrase = span.map((t) => t.norm).join(" ");
      let ranked = bestMatches(phrase, appCands);
      if (!ranked.length && n === 1 && phrase.length >= 5 && !STOP.has(phrase) && !idx.exact1.has(phrase)) {
        // Two slips in a short name ("tablue" for Tableau): accepted only when one application is clearly closest.
        const typed = compact(phrase);
        const near: Array<{ app: DirectoryApplication; key: string; score: number }> = [];
        for (const c of appCands)
          c.prepared?.forEach((k, ki) => {
            if (k[0] !== typed[0] || Math.abs(k.length - typed.length) > 2 || k.length < 5) return;
            const score = jaroWinkler(typed, k);
            if (score >= 0.9) near.push({ app: c.value, key: c.keys[ki], score });
          });
        near.sort((x, y) => y.score - x.score);
        const others = near.filter((x) => x.app.id !== near[0]?.app.id);
        if (near.length && (!others.length || near[0].score - others[0].score > 0.05)) ranked = [{ value: near[0].app, key: near[0].key, score: near[0].score, exact: false }];
      }
      if (!ranked.length) continue;
      const exact = ranked[0].exact;
      if (!exact && span.some((t) => STOP.has(t.norm))) continue;
      // A person's name is not a misspelt application ("Carla" is not Carta).
      if (!exact && n === 1 && idx.exact1.has(span[0].norm)) continue;
      // An exact shorter name beats a misspelt longer one ("NetSuite AP" is NetSuite, then "AP").
      if (!exact && n > 1 && bestMatches(span.slice(0, -1).map((t) => t.norm).join(" "), appCands).length) continue;
      // Nor does a misspelt name absorb the word before an exact one ("my AE hubspot" is HubSpot, after "AE"),
      // nor a person's name ("my AEs, Ana" is not Asana).
      if (!exact && n > 1 && (bestMatches(span.slice(1).map((t) => t.norm).join(" "), appCands)[0]?.exact || span.some((t) => idx.exact1.has(t.norm)))) continue;
      const top = ranked.filter((r) => r.score === ranked[0].score);
      const field = `application:${phrase}`;
      let app = top[0].value;
      if (top.length > 1) {
        const chosen = choices[field];
        const pick = top.find((r) => r.value.id === chosen);
        if (!pick)
          return {
            kind: "ambiguous",
            question: `Which application do you mean by "${textOf(text, toks, i, n)}"?`,
            field,
            options: top.map((r) => ({ id: r.value.id, label: r.value.name })),
          };
        app = pick.value;
      }
      appMentions.push({ i, n, app, raw: textOf(text, toks, i, n), corrected: !exact });
      claim(toks, i, n, "app");
      i += n - 1;
      break;
    }
  }

  // A misspelt application inside the exact name of a role of another application said exactly ("GitHub production
  // deploy approver" is not the production database): the role's words win.
  for (const am of [...appMentions]) {
    if (!am.corrected) continue;
    const others = new Set(appMentions.filter((x) => !x.corrected && x.app.id !== am.app.id).map((x) => x.app.id));
    if (!others.size) continue;
    const cands = dir.entitlements.filter((e) => others.has(e.applicationId)).map((e) => idx.entitlements.get(e.id)!).filter(Boolean);
    const inRole = [...Array(3).keys()].some((back) => [2, 3, 4].some((n) => {
      const from = am.i - back;
      if (from < 0 || from + n < am.i + am.n || from + n > toks.length) return false;
      const span = toks.slice(from, from + n);
      if (span.some((t) => t.tag !== undefined && t.tag !== "app")) return false;
      return !!bestMatches(span.map((t) => t.norm).join(" "), cands)[0]?.exact;
    }));
    if (inRole) {
      appMentions.splice(appMentions.indexOf(am), 1);
      for (let k = am.i; k < am.i + am.n; k++) toks[k].tag = undefined;
    }
  }

  // Entitlement names (scoped to the mentioned applications when there are any). Names of two words or more
  // said exactly ("help desk administrator", "sales hub seat") are read before level words, so a level word
  // inside a role's name does not hide the role.
  const mentionedAppIds = new Set(appMentions.map((m) => m.app.id));
  const entPool = dir.entitlements.filter((e) => !mentionedAppIds.size || mentionedAppIds.has(e.applicationId));
  const appById = new Map(dir.applications.map((a) => [a.id, a]));
  const entCands: Candidate<DirectoryEntitlement>[] = entPool.map((e) => idx.entitlements.get(e.id)!).filter(Boolean);
  const entMentions: EntMention[] = [];
  const entPass = (minN: number, exactOnly: boolean) => {
    for (let i = 0; i < toks.length; i++) {
      for (let n = Math.min(4, toks.length - i); n >= minN; n--) {
        const span = toks.slice(i, i + n);
        if (!span.every(isFree) || span.some((t) => t.email)) continue;
        const stops = span.filter((t) => STOP.has(t.norm)).length;
        if (stops && !mentionedAppIds.size) continue;
        const ranked = bestMatches(span.map((t) => t.norm).join(" "), entCands);
        // A misspelt name may contain a common word that is part of the name itself ("reprts only" → "Reports only").
        const ownStops = !!ranked.length && span.filter((t) => STOP.has(t.norm)).every((t) => normalize(ranked[0].key).split(" ").includes(t.norm));
        if (!ranked.length || (!ranked[0].exact && (exactOnly || !mentionedAppIds.size || (stops && (!ownStops || stops === n))))) continue;
        const top = ranked.filter((r) => r.score === ranked[0].score);
        if (top.length > 1) continue; // two entitlements share the name: leave it to the level/app logic
        entMentions.push({ i, n, ent: top[0].value, raw: textOf(text, toks, i, n) });
        claim(toks, i, n, "entitlement");
        i += n - 1;
        break;
      }
    }
  };
  if (mentionedAppIds.size) entPass(2, true);

  // Access levels.
  const levelMentions: LevelMention[] = [];
  const sortedLevels = [...LEVEL_PHRASES].sort((a, b) => b[0].length - a[0].length);
  for (let i = 0; i < toks.length; i++) {
    if (!isFree(toks[i])) continue;
    for (const [p, level] of sortedLevels) {
      const n = phraseAt(toks, i, p);
      if (n) {
        levelMentions.push({ i, n, level, raw: textOf(text, toks, i, n) });
        claim(toks, i, n, "level");
        break;
      }
    }
    if (isFree(toks[i]) && toks[i].norm.length >= 5) {
      for (const [p, level] of sortedLevels) {
        const m = p.length >= 5 && !p.includes(" ") ? matchKey(toks[i].norm, p) : null;
        if (m && !m.exact) {
          levelMentions.push({ i, n: 1, level, raw: toks[i].raw });
          claim(toks, i, 1, "level");
          break;
        }
      }
    }
  }

  entPass(1, false);
  // One word of a role's own name, next to its application, that no other role of that application has
  // ("github maintain" → "Repository maintain", "1pw engineering vault" → "Vault: Engineering shared").
  // Words in brackets ("(production)") do not count: they describe, they do not name. Only right next to the
  // application, and never for an admin-level or privileged role ("Okta help" is not "Help Desk Administrator").
  for (const am of appMentions) {
    if (entMentions.some((em) => em.ent.applicationId === am.app.id)) continue;
    // Unique among ALL the application's roles ("sales ops" is not "Sales Manager" because "Sales Operations" shares
    // "sales"), but only a non-admin, non-privileged role is picked this way.
    const ents = dir.entitlements.filter((e) => e.applicationId === am.app.id);
    const wordsOf = (e: DirectoryEntitlement) => normalize(e.name.replace(/\s*\([^)]*\)\s*/g, " ")).split(" ").map(singularizeWord);
    const named = ents.map((e) => ({ e, words: new Set(wordsOf(e)), last: wordsOf(e).at(-1) }));
    // "eng vault", "aws dev": a short form of one role word (3+ letters, a prefix of it).
    const prefixOf = (w: string, x: { words: Set<string> }) => w.length >= 3 && [...x.words].some((rw) => rw.length > w.length && rw.startsWith(w));
    // Right after the application, or right before it ("maintainer on GitHub").
    const before = ["on", "in", "for", "to", "at"].includes(toks[am.i - 1]?.norm ?? "") ? am.i - 2 : am.i - 1;
    for (const k of [am.i + am.n, before]) {
      const t = toks[k];
      if (!t || !isFree(t) || t.email || t.norm.length < 3 || TIME_WORDS.test(t.norm)) continue;
      // Common words count only as the last word of one role's name, right after the application ("G Suite user" → "Workspace user").
      const common = STOP.has(t.norm);
      if (common && !(k === am.i + am.n && (t.norm === "user" || t.norm === "member"))) continue;
      const w = singularizeWord(t.norm);
      const stem = w.length >= 7 ? w.replace(/(er|or)$/, "") : w;
      let hits = t.norm.length < 4 ? [] : named.filter((x) => (common ? x.last === w : x.words.has(w) || x.words.has(stem)));
      if (!hits.length && !common) hits = named.filter((x) => prefixOf(w, x));
      if (hits.length !== 1 || hits[0].e.privileged || hits[0].e.level === "admin") continue;
      entMentions.push({ i: k, n: 1, ent: hits[0].e, raw: t.raw });
      claim(toks, k, 1, "entitlement");
      // The role's other words said around it ("finance 1p vault": "vault") belong to it.
      for (const j of [k - 1, k + 1, am.i - 1, am.i + am.n])
        if (isFree(toks[j]) && hits[0].words.has(singularizeWord(toks[j].norm))) claim(toks, j, 1, "entitlement");
      break;
    }
  }
  entMentions.sort((a, b) => a.i - b.i);

  return { kind: "words", input, choices, explanation, text, dur, justification, toks, groupMention, teamQualifier, qualifierAt, actions, peerSpan, inPeerSpan, idx, appCands, appMentions, appById, entMentions, levelMentions };
}
