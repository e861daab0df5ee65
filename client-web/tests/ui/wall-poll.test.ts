import { describe, expect, it } from "vitest";
import type { MeetingState, PollState } from "../../src/model";
import { wallPoll } from "../../src/ui/wall-poll";

function poll(id: string, phase: PollState["phase"], closedSeq = 0, target = "R.1"): PollState {
  return {
    id,
    definition: { targetIndicatorId: target } as unknown as PollState["definition"],
    createdSeq: 1,
    phase,
    opened: phase !== "draft",
    closesAtUnixMs: 0,
    closedSeq,
    closedAtClosingTime: false,
    myChoices: undefined,
    update: undefined,
  };
}

function meeting(startedSeq: number, spotlight = "R.1", running = true): MeetingState {
  return { id: "m", title: "", agenda: [], startedSeq, running, spotlight, attendees: new Set(), marks: new Map() };
}

describe("the poll on the wall", () => {
  it("is the open poll, while voting runs", () => {
    const open = poll("open", "open");
    expect(wallPoll([poll("old", "closed", 50), open], open, meeting(10))).toEqual({ poll: open, voting: true });
  });

  it("is the last poll closed in this meeting once none is open, with its result", () => {
    const first = poll("first", "closed", 20);
    const second = poll("second", "closed", 30);
    expect(wallPoll([second, first], undefined, meeting(10))).toEqual({ poll: second, voting: false });
  });

  it("is none for a poll closed before the meeting began, or with no meeting running", () => {
    expect(wallPoll([poll("old", "closed", 5)], undefined, meeting(10))).toBeUndefined();
    expect(wallPoll([poll("p", "closed", 20)], undefined, meeting(10, "R.1", false))).toBeUndefined();
    expect(wallPoll([poll("p", "closed", 20)], undefined, undefined)).toBeUndefined();
  });

  it("leaves the wall when the chair puts another indicator on screen", () => {
    expect(wallPoll([poll("p", "closed", 20, "R.1")], undefined, meeting(10, "R.2"))).toBeUndefined();
    // A poll on no indicator stays while the meeting runs.
    expect(wallPoll([poll("p", "closed", 20, "")], undefined, meeting(10, "R.2"))?.poll.id).toBe("p");
  });

  it("ignores polls still in draft", () => {
    expect(wallPoll([poll("d", "draft")], undefined, meeting(0))).toBeUndefined();
  });
});
