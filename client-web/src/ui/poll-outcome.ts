// A closed poll's outcome in words (issue 20: "the outcome shown to everyone
// when the poll closes"): "Option B won (5 of 7 votes).", "Did not pass:
// quorum not met (3 of 7 eligible voted).", a tie, a runoff's winner after
// its rounds, an agreement poll's counts. Read only from the PollResults the
// server sent (the browser never tallies); DOM-free, so that the wording is
// unit-tested. The validation bar words its agreement counts through
// agreementCounts() here, so the two never say the same thing differently.
import type { PollDefinition, PollResults } from "../gen/kenes/v1/assessment_pb";
import { PollKind, RankingMethod } from "../gen/kenes/v1/assessment_pb";
import { t } from "../i18n";

export interface Verdict {
  readonly text: string;
  /** Whether it passed; undefined while the figures are not in. */
  readonly passed: boolean | undefined;
}

/** How long a question may run in a one-line banner (code points) before "…". */
const QUESTION_MAX = 100;

/** "Agree 3, with reservations 1, disagree 1, abstain 0." */
export function agreementCounts(r: PollResults): string {
  const votes = (i: number) => Number(r.options[i]?.votes ?? 0n);
  return t("validation.counts", { agree: votes(0), reservations: votes(1), disagree: votes(2), abstain: votes(3) });
}

/** The question, cut to a banner's length at a code point. */
export function shortQuestion(question: string): string {
  const cps = Array.from(question.trim().replace(/\s+/g, " "));
  return cps.length <= QUESTION_MAX ? cps.join("") : `${cps.slice(0, QUESTION_MAX - 1).join("").trimEnd()}…`;
}

/** "A", "A and B", "A, B and C" in the page's language. */
function joinAnd(items: string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return t("outcome.and", { a: items.slice(0, -1).join(", "), b: items[items.length - 1]! });
}

/** The verdict on a poll from its results: what won or why nothing did. */
export function pollVerdict(def: PollDefinition, r: PollResults | undefined): Verdict {
  if (!r) return { text: t("outcome.noFigures"), passed: undefined };
  const voters = Number(r.voters);
  if (!r.quorumMet) return { text: t("outcome.noQuorum", { voters, eligible: Number(r.eligible) }), passed: false };
  if (voters === 0) return { text: t("outcome.noVotes"), passed: false };
  if (def.kind === PollKind.AGREEMENT) return { text: `${r.passed ? t("outcome.passed") : t("outcome.failed")} ${agreementCounts(r)}`, passed: r.passed };

  const option = (i: number) => t("outcome.option", { option: r.options[i]?.label || def.options[i] || String(i + 1) });
  const votes = (i: number) => Number(r.options[i]?.votes ?? 0n);
  const runoff = def.kind === PollKind.RANKING && def.rankingMethod === RankingMethod.INSTANT_RUNOFF;
  const borda = def.kind === PollKind.RANKING && !runoff;
  // Borda is decided by points, the others by votes (a runoff by its last round).
  const score = (i: number) => (borda ? Number(r.options[i]?.points ?? 0n) : votes(i));
  const scoreText = (i: number) => (borda ? t("poll.points", { n: score(i) }) : t("poll.votes", { n: score(i) }));

  // Several options may pass a multiple-choice poll: each that reaches the
  // threshold does, and a tie for the most chosen changes nothing.
  if (def.kind === PollKind.MULTIPLE_CHOICE) {
    const ofVoters = (i: number) => t("outcome.ofVoters", { votes: votes(i), n: voters });
    const chosen = r.options.map((o, i) => (o.meetsThreshold ? i : -1)).filter((i) => i >= 0);
    if (chosen.length) return { text: t("outcome.chosen", { options: chosen.map((i) => `${option(i)} (${ofVoters(i)})`).join(", ") }), passed: r.passed };
    if (r.winner < 0) return { text: t("outcome.failed"), passed: false };
    return { text: t("outcome.noneChosen", { option: option(r.winner), count: ofVoters(r.winner) }), passed: false };
  }

  if (r.tied && r.winner >= 0) {
    if (runoff) {
      // Level to the end: the winner and the last one eliminated.
      const last = r.rounds.length >= 2 ? r.rounds[r.rounds.length - 2]!.eliminated : -1;
      const pair = last >= 0 ? [r.winner, last].sort((a, b) => a - b) : [r.winner];
      return { text: t("outcome.tiedRunoff", { options: joinAnd(pair.map(option)) }), passed: false };
    }
    const top = score(r.winner);
    const level = r.options.map((_, i) => i).filter((i) => score(i) === top);
    return { text: t("outcome.tied", { options: joinAnd(level.map(option)), count: scoreText(r.winner) }), passed: false };
  }

  if (r.winner < 0) return { text: t("outcome.failed"), passed: false };
  let count: string;
  if (runoff) {
    const final = r.rounds[r.rounds.length - 1];
    count = final
      ? t("outcome.ofBallots", { votes: Number(final.votes[r.winner] ?? 0n), n: Number(final.continuingBallots) })
      : t("outcome.ofVotes", { votes: votes(r.winner), n: voters });
    if (r.passed) return { text: t("outcome.wonRounds", { option: option(r.winner), n: Math.max(1, r.rounds.length), count }), passed: true };
  } else {
    count = borda ? scoreText(r.winner) : t("outcome.ofVotes", { votes: votes(r.winner), n: voters });
    if (r.passed) return { text: t("outcome.won", { option: option(r.winner), count }), passed: true };
  }
  return { text: t("outcome.led", { option: option(r.winner), count }), passed: false };
}

/** The whole line: "Poll closed — “Which data source…?”: Option B won (5 of 7 votes)." */
export function outcomeLine(def: PollDefinition, r: PollResults | undefined): string {
  return `${t("outcome.title")} — ${t("outcome.question", { question: shortQuestion(def.question) })}: ${pollVerdict(def, r).text}`;
}
