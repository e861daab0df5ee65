// Which poll the presenter view puts on the wall (issue 20: "the projector
// hides the vote"). DOM-free, so that the choice is unit-tested.
import type { MeetingState, PollState } from "../model";

export interface WallPoll {
  readonly poll: PollState;
  /** Voting runs: the wall shows the question and the turnout, not the figures. */
  readonly voting: boolean;
}

/**
 * The open poll, if one is (the latest opened); else the poll that closed
 * last in the running meeting, so that the room sees the result until the
 * next poll opens or the chair moves to another indicator than the one it
 * decided. A poll closed in an earlier meeting is not news to this room.
 */
export function wallPoll(polls: Iterable<PollState>, openPoll: PollState | undefined, meeting: MeetingState | undefined): WallPoll | undefined {
  if (openPoll) return { poll: openPoll, voting: true };
  if (!meeting?.running) return undefined;
  let last: PollState | undefined;
  for (const p of polls) {
    if (p.phase !== "closed" || p.closedSeq <= meeting.startedSeq) continue;
    if (!last || p.closedSeq > last.closedSeq) last = p;
  }
  if (!last) return undefined;
  const target = last.definition.targetIndicatorId;
  if (target && meeting.spotlight && target !== meeting.spotlight) return undefined;
  return { poll: last, voting: false };
}
