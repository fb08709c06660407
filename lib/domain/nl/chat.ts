/**
 * Chat-style text → the plain English the parser reads, and requests the parser must refuse.
 *
 * Input: the typed request (already checked for hostile patterns). Output: the same request with chat slang,
 * shorthand and common misspellings rewritten word by word ("lemme" → "let me", "hook me up w/" → "give me",
 * "acess" → "access"), and, separately, a refusal for requests that are not access requests at all (a password
 * reset, "admin of everything").
 * Method: a fixed, ordered list of whole-word regular expressions; O(rules × length). Rewrites never invent a
 * name or an application: they only touch words of the closed vocabulary below.
 */

const REWRITES: Array<[RegExp, string]> = [
  [/\bset\s+(\w+(?:\s+\w+){0,2})\s+up\s+(?:just\s+|exactly\s+)?(?:like|the\s+same\s+(?:way\s+)?as)\b/gi, "give $1 the same access as"],
  [/\bset\s+up\s+(\w+(?:\s+\w+)?)\s+(?:just\s+|exactly\s+)?(?:like|the\s+same\s+(?:way\s+)?as)\b/gi, "give $1 the same access as"],
  [/\b(?:give|get)\s+(\w+(?:\s+\w+)?)\s+(?:set\s+up\s+)?(?:just\s+|exactly\s+)like\b/gi, "give $1 the same access as"],
  [/\bhook\s+(me|him|her|them|\w+)\s+up\s+(w\/|with|to|on|in)\s*/gi, "give $1 "],
  [/\bhook\s+(me|him|her|them)\s+up\b/gi, "give $1"],
  [/\b(set|get)\s+(me|him|her|them|\w+)\s+up\s+(w\/|with|on|in)\s+/gi, "give $2 "],
  [/\bgimme\b/gi, "give me"],
  // "shut that off", "turn his Vercel off", "switch it off": a removal.
  [/\b(?:shut|turn|switch)\s+((?:\w+\s+){0,3}?)(?:off|down)\b/gi, "remove $1"],
  // An end of a grant said as a removal ("…, remove it after", "and revoke it afterwards"): the end date says it.
  [/[,;]?\s*(?:and\s+)?(?:then\s+)?(?:remove|revoke|take|pull|drop)\s+(?:it|that|them|this|the\s+access|access)(?:\s+away)?\s+(?:after(?:wards?)?|then|after\s+that)\b/gi, " "],
  [/\b(?:take|kick|get)\s+(\w+(?:\s+\w+)?)\s+off\s+(?:of\s+)?/gi, "remove $1 from "],
  [/\b(?:take|get|kick)\s+(\w+(?:\s+\w+)?)\s+out\s+of\s+/gi, "remove $1 from "],
  // Contractions the tokenizer would read as one unknown word ("I'll" is not a name).
  [/\b(i|we|you|they|he|she)['’]ll\b/gi, "$1 will"],
  [/\b(i|we|you|they)['’]ve\b/gi, "$1 have"],
  // A deadline for the request is not an end date of the access ("by EOD", "ideally before standup tomorrow").
  [/(?:[,;]\s*)?\b(?:ideally\s+|hopefully\s+|preferably\s+)?(?:by|before)\s+(?:the\s+)?(?:[a-z]+\s+)?(?:eod|cob|eob|end\s+of\s+(?:the\s+)?(?:business\s+)?day|today|tonight|tomorrow(?:\s+(?:morning|am|afternoon))?)\b/gi, " "],
  // Access starting now is no scheduled start ("for 3 days starting today").
  [/\b(?:starting|beginning|effective|from)\s+(?:today|now|immediately|right\s+away)\b/gi, " "],
  // A past time is context, not an end date ("same as last year", "from last week's ticket", "he started last week").
  [/,?\s*(?:the\s+)?same\s+as\s+(?:last\s+(?:week|month|year|quarter|time|sprint)|before|usual|always)\b/gi, " "],
  [/(?<!\bthe\s)\b(?:from\s+|since\s+)?last\s+(?:week|month|year|quarter|time|sprint)(?:['’]s)?\b(?!\s+of\b)/gi, " "],
  // "until the sprint ends on the 18th": the date after the event is the end date.
  [/\b(until|till)\s+(?:the\s+|this\s+|our\s+)?[\w-]+(?:\s+[\w-]+)?\s+(?:ends|finishes|is\s+over|wraps\s+up|closes)\s+(?:on\s+)?(?=(?:the\s+)?\d|(?:mon|tue|wed|thu|fri|sat|sun))/gi, "$1 "],
  [/\b(cn)\b/gi, "can"],
  [/\b(?:eod|cob|end of (?:the )?(?:business )?day)\s+(?:on\s+)?(?=(?:mon|tue|wed|thu|fri|sat|sun)\w*\b)/gi, ""],
  [/\b4\s+(?=\p{L})/giu, "for "],
  [/\b(when you get a chance|when you can|if possible|if you can|at your convenience|when you have a (?:sec|second|minute|moment))\b/gi, " "],
  [/^\s*(?:following up|circling back|checking in|bumping this|just checking|quick one|quick question)(?:\s+(?:on|about)\s+(?:my|the|this|our)\s+(?:earlier|previous|last|original)?\s*(?:ask|request|message|ticket|note))?\s*[:,.!-]*\s*/i, ""],
  [/\b(hav|hv|hve)\b/gi, "have"],
  [/\b(pls|plz)\b/gi, "please"],
  [/\b(any\s?more|any longer)\b/gi, " "],
  [/\blemme\b/gi, "let me"],
  [/\b(gonna|gunna)\b/gi, "going to"],
  [/\b(wanna)\b/gi, "want to"],
  [/\b(gotta)\b/gi, "got to"],
  [/\bneeda\b/gi, "need to"],
  [/\bw\/o\b/gi, "without"],
  [/(^|\s)w\/(?=\s|\w)/gi, "$1with "],
  [/\b(pls|plz|plse|pleez|pleaseee*)\b/gi, "please"],
  [/\b(?:thanks|thank\s+you|thx|ty)\s+(?:so\s+much\s+)?in\s+advance\b/gi, " "],
  [/\b(thx|thanx|thanks|ty|tyvm|cheers)\b/gi, " "],
  [/\b(usr|usre|uesr)\b/gi, "user"],
  [/\blite\b/gi, "light"],
  [/\b(u)\b/g, "you"],
  [/\b(ur)\b/gi, "your"],
  [/\b(b\/c|bc|cuz|coz|cos|bcuz|bcz)\b/gi, "because"],
  [/\b(tbh|imo|fwiw|lol|ngl|idk|iirc|afaik|n\s+thx|n\s+ty|sry|srry)\b/gi, " "],
  [/\b(giv|gve|giev|gievs)\b/gi, "give"],
  [/\b(licenced|lisenced|licened)\b/gi, "licensed"],
  [/\b(acess|acces|accesss|acccess|accss|accees|axcess|acess?es)\b/gi, "access"],
  [/\b(permisions?|permissons?|perms)\b/gi, "permissions"],
  [/\b(temp|tmp)\b/gi, "temporary"],
  [/\b(temporarly|temporarilly|temporarely|tempoarily)\b/gi, "temporarily"],
  [/\b(teh)\b/gi, "the"],
  [/\b(til+|untill|unitl|utnil)\b/gi, "until"],
  [/'til+\b/gi, "until"],
  [/\b(tmrw|tmr|tomorow|tommorow|tommorrow)\b/gi, "tomorrow"],
  [/\b(wk|wks)\b/gi, "weeks"],
  [/\b(mgr)\b/gi, "manager"],
  [/\b(eng)\b/gi, "engineer"],
  [/\b(rn)\b/gi, "now"],
  [/\b(asap|urgent|urgently)\b/gi, " "],
  [/\b(r\/o|r-o)\b/gi, "read-only"],
  [/\b(r\/w|rw)\b/gi, "read write"],
];

/** Rewrite chat slang and misspellings to plain words (see the list above). */
export function normalizeChat(text: string): string {
  let s = text;
  for (const [re, to] of REWRITES) s = s.replace(re, to);
  return s.replace(/\s+/g, " ").trim();
}

export type Refusal = { message: string; suggestions: string[] };

const REFUSALS: Array<{ re: RegExp; message: string; suggestions: string[] }> = [
  {
    re: /\b(reset|forgot|forgotten|change|unlock|locked\s+out|expired)\b[^.]{0,40}\b(password|passwd|pwd|pw|pword|passcode|credentials|creds|mfa|2fa|authenticator|pin)\b|\b(password|passwd|pwd|pw|mfa|2fa|1password|okta|sso)\s+(reset|change|unlock)\b|\blocked\s+out\b|\bunlock\s+(?:my|his|her|their|\w+['’]s)\s+(?:account|login|laptop)\b|\b(?:account|login)\s+(?:is\s+|got\s+|was\s+)?locked\b|\b(mfa|2fa|authenticator|password|passwd|pwd|sso)\b[^.]{0,20}\b(isn'?t|is\s+not|not|doesn'?t|won'?t|stopped|broken|expired)\b/i,
    message: "Password, MFA and lock-out problems are handled by the IT helpdesk, not by an access request. Contact the helpdesk (or use the self-service reset on the sign-in page).",
    suggestions: ["contact the IT helpdesk", "use self-service password reset"],
  },
  {
    re: /\b(admin|administrator|owner|root|superuser|super\s+user|full\s+access|god\s+mode)\b[^.]{0,30}\b(of|on|to|for|in)\s+(everything|every\s+(app|application|system|tool)s?|all\s+(the\s+)?(apps|applications|systems|tools|things))\b|\b(everything|all\s+(the\s+)?(apps|applications|systems|tools))\b[^.]{0,20}\b(admin|administrator|owner|full\s+access)\b|\b(give|grant)\s+(me|him|her|them|\w+)\s+(access\s+to\s+)?(everything|all\s+access|all\s+the\s+access|every\s+app(lication)?)\b(?!\s+(?:that\s+)?[\w'’]+(?:\s+[\w'’]+)?\s*(?:has|have|had|got|['’]s\s+got)\b)/i,
    message: "I can't request administrator rights on everything at once. Ask for the specific applications and the role you need in each one, with a reason.",
    suggestions: ["give me GitHub write access to fix the deploy pipeline", "give me Datadog read-only"],
  },
];

/** A refusal when the text is not an access request the portal may file (password resets, admin of everything). */
export function refusalOf(text: string): Refusal | null {
  for (const r of REFUSALS) if (r.re.test(text)) return { message: r.message, suggestions: r.suggestions };
  return null;
}
