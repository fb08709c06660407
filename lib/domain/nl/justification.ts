/**
 * The reason given in a plain-language request ("… because I'm covering on-call", "… for the Q3 audit",
 * "… to build the pipeline report"), kept for the approver and not parsed for names or applications.
 *
 * Input: the request text with any duration phrase already blanked out. Output: the span of the reason (from its
 * marker to the end of the sentence) or null. Method: the earliest of a fixed list of markers, each a regular
 * expression; a purpose "to <verb>" counts only for verbs of work (so "access to Jira" and "add Sam to Slack" are
 * not reasons); "for the <…> audit/report/project/…" counts only when it ends in a word of work. O(markers × length).
 */

const WORK_VERBS =
  "build|review|prepare|run|fix|debug|check|audit|help|cover|support|work|finish|investigate|create|update|analy[sz]e|test|triage|handle|" +
  "manage|do|close|reconcile|onboard|train|pull|export|report|monitor|deploy|ship|migrate|configure|approve|process|answer|respond|" +
  "track|plan|draft|write|edit|design|present|demo|clean|refresh|rotate|troubleshoot|respond|join|shadow|learn|collaborate|coordinate|hire|interview|file|submit|complete|finalize|finalise|validate|verify|upload|share|send|" +
  "offboard|deprovision|investigate|fix|cover|sort out|set up|look into|record|host|reproduce|benchmark|onboard|document";
const WORK_NOUNS =
  "audit|report|reports|project|review|migration|launch|deadline|close|incident|investigation|demo|pitch|renewal|rollout|roll-out|presentation|" +
  "onboarding|offsite|hackathon|sprint|release|deck|analysis|dashboard|forecast|budget|board meeting|meeting|campaign|event|trial|poc|pilot|" +
  "integration|upgrade|cutover|outage|on-call|oncall|rotation|ticket|issue|bug|customer|client|account|deal|contract|hiring|interviews|" +
  "okrs?|planning|quarter close|month-end|month end|year-end|year end|training|certification|soc ?2|sox|compliance|pentest|assessment|handover|coverage|" +
  "export|extract|data request|dsar|cleanup|clean-up|evidence|backfill|filing|research|study|model|shift|refunds?|reconciliation|rebuild|refactor|workshop|webinar|qbr|pack|packet|memo|board pack|deck|filing|walkthrough|walk-through|standup|payouts?|invoices?|sync";

const MARKERS: RegExp[] = [
  /\s[-–—:(]\s*(?=\S)|[,;]\s*(?=\S)/g, // "… - need it for the audit", "(for the audit)", "; he's fixing …": an aside, checked below
  /\b(because|since|as part of|in order to|so that|so (?:she|he|they|i|we) can|as (?:she|he|they|i|we)(?:'re|'m|'s)? (?:is|are|am|will|needs?|has|have|joined|joins|started|starts|moved|moves|covers?|covering|owns?|leads?|took)|reason:?|justification:?|needed for|need it for|needs it for|required for|it's for|its for|this is for|for (?:my|her|his|their|our) (?:work|job|role) on)\b/gi,
  new RegExp(String.raw`\b(?:to|for)\s+(?:${WORK_VERBS})(?:ing)?\b`, "gi"),
  new RegExp(String.raw`\bfor\s+(?:the|our|my|a|an|this|that|next|her|his|their|upcoming|q[1-4])\s+(?:[\w&'’/-]+\s+){0,5}?(?:${WORK_NOUNS})\b`, "gi"),
  new RegExp(String.raw`\bfor\s+(?:q[1-4]|fy\d{2,4})\s+[\w\s-]{0,30}?(?:${WORK_NOUNS})\b`, "gi"),
  /\b(?:covering|cover) for\b/gi,
  /\bwhile\s+(?:she|he|they|i|we|\w+)\s+(?:is|are|am|'s|'re|'m)?\s*(?:out|away|ooo|off|on\s+(?:\w+\s+)?(?:leave|holiday|vacation|pto|sabbatical|break))\b/gi,
  // "Carla asked me to …", "the CFO asked for the margin dashboard": who asked is context for the approver.
  /\b(?:[\w'’]+\s+){1,2}(?:asked|told|wants|requested)\s+(?:me\s+|us\s+)?(?:to|for)\b/gi,
  // "for reconciliation", "for onboarding": a work noun straight after "for".
  new RegExp(String.raw`\bfor\s+(?:${WORK_NOUNS})\s*[.!)]*$`, "gi"),
  // "… before his first on-call shift", "before the release" (a date after "before" was read as the end date already).
  /\bbefore\s+(?:his|her|my|their|our|the|we|they|he|she|i)\s+\w+/gi,
];
/** After an aside: "…, she's building the model", "- we're cleaning up refunds", "; he is taking over Acme". */
const PRONOUN_DOING = /^(?:(?:he|she|they|i|we|it)(?:['’](?:s|re|m)|\s+(?:is|are|am|was|were|will\s+be))\s+\w+ing\b|(?:he|she|they|i|we)\s+(?:now\s+)?(?:use|uses|used|switched|moved|prefer|prefers)\b)/i;
/** "…, I use Dropbox now": what someone uses instead is context, not a second item. */
/** After an aside: "…, auditing customer refunds", "- debugging payouts" (a verb of work in -ing). */
const WORK_GERUND = new RegExp(String.raw`^(?:${WORK_VERBS.split("|").map((v) => `${v.replace(/e$/, "")}|${v}${v.at(-1)}`).join("|")})ing\b`, "i");
/** After an aside, ending the message: a short noun phrase of work ("…, SOX walkthrough", "- Q1 close"). Not a verb. */
const TRAILING_WORK_NOUN = new RegExp(String.raw`^(?!(?:give|grant|add|remove|revoke|pull|drop|close|cut|kill|disable|delete|take|get|need|make|set|put)\b)(?:[\w&'’/-]+\s+){0,3}(?:${WORK_NOUNS})\s*[.!)]*$`, "i");

/** Earliest reason marker not at the very start; returns its character span to the end of the text. */
export function findJustification(text: string): { start: number; text: string } | null {
  let best: number | null = null;
  for (const re of MARKERS) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      let at = m.index ?? 0;
      if (re === MARKERS[0]) {
        // An aside counts only when what follows it reads as a reason.
        const rest = text.slice(at + m[0].length);
        // "- need it for …" is a reason; "- need Miro member" is the request itself.
        if (!PRONOUN_DOING.test(rest) && !WORK_GERUND.test(rest) && !TRAILING_WORK_NOUN.test(rest) && !/^(?:(?:need|needs|needed)\s+(?:it|this|that|them|for|to|because|so|as)\b|it'?s|for|because|to|so|reason|cover|covering|working|building|preparing|helping|supporting|running|doing|finishing|handling|(?:he|she|they|i|we|it)(?:'s|'re|'m)?\s+(?:is|are|am|will|needs?\s+(?:it|this|that|them|to|for|because)|has|have|was|joined|joins|started|starts|covers?|covering|supporting|working|running|leads?|owns?))\b/i.test(rest)) continue;
        at = at + m[0].length;
      }
      if (at < 3) continue;
      if (best === null || at < best) best = at;
      break;
    }
  }
  if (best === null) return null;
  const reason = text.slice(best).replace(/\s+/g, " ").replace(/^[-–—:(\s]+/, "").replace(/[)\s.!]+$/, "").trim();
  if (reason.split(" ").length < 2) return null;
  return { start: best, text: reason };
}
