// Which poll closings are news to this page (issue 20). The outcome banner
// tells a close only to a page that saw the poll open while it was live:
// someone who connects after a close, or reopens a tab on a kept state in
// which the poll was still open, is not interrupted by a decision taken
// before they came (the result stays on the poll's page). A page that saw
// the poll open and lost its connection during the close is told once it is
// back: it was there. Validation-session polls are left to the validation
// bar, which tells their outcome already. DOM-free, for unit tests.
import type { ConsultationState, PollState } from "../model";

export class ClosedPollNews {
  private readonly seenOpen = new Set<string>();
  private readonly told = new Set<string>();

  /**
   * Looks at the polls as the page holds them; call it only while live (after
   * a catch-up, and on each poll change then). Returns the closes to tell,
   * earliest first: polls seen open here, now closed with the server's final
   * figures (a final PollUpdate), not told before.
   */
  look(polls: Iterable<PollState>): PollState[] {
    const news: PollState[] = [];
    for (const p of polls) {
      if (p.validationSessionId) continue;
      if (p.phase === "open") this.seenOpen.add(p.id);
      else if (p.phase === "closed" && this.seenOpen.has(p.id) && !this.told.has(p.id) && p.update?.closed) {
        this.told.add(p.id);
        news.push(p);
      }
    }
    return news.sort((a, b) => (a.closedSeq || Number(a.update?.seq ?? 0n)) - (b.closedSeq || Number(b.update?.seq ?? 0n)));
  }
}

/**
 * The indicator whose page shows a poll: the one it validates; else (the
 * chair's ordinary polls are listed on every indicator page) the one the
 * meeting has on screen, the one the reader is on, or the first in scope.
 * undefined only when there is no indicator at all.
 */
export function pollHome(st: ConsultationState, poll: PollState, readerOn?: string): string | undefined {
  const target = poll.definition.targetIndicatorId;
  if (target) return target;
  const spot = st.assessment.currentMeeting?.spotlight ?? "";
  if (spot && !spot.startsWith("recommendation/") && st.findIndicator(spot)) return spot;
  if (readerOn && st.findIndicator(readerOn)) return readerOn;
  return st.indicators()[0]?.id;
}
