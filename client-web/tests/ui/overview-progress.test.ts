import { describe, expect, it } from "vitest";
import { IndicatorStatus } from "../../src/gen/kenes/v1/assessment_pb";
import { Role } from "../../src/gen/kenes/v1/protocol_pb";
import type { PollState } from "../../src/model";
import {
  NO_FILTER,
  type RowFacts,
  awaitsMyVote,
  countProgress,
  isOverdue,
  localDay,
  matchesFilter,
  narrows,
  progressOf,
  progressParts,
} from "../../src/ui/overview-progress";

function row(over: Partial<RowFacts> = {}): RowFacts {
  return { status: IndicatorStatus.NOT_STARTED, changedSinceValidation: false, core: false, unreadComments: 0, mine: false, needsMyVote: false, overdue: false, ...over };
}

function poll(over: { indicator?: string; phase?: PollState["phase"]; roles?: Role[]; myChoices?: number[] } = {}): PollState {
  return {
    id: "p1",
    definition: { targetIndicatorId: over.indicator ?? "R.1", eligibleRoles: over.roles ?? [Role.MEMBER] } as unknown as PollState["definition"],
    createdSeq: 1,
    phase: over.phase ?? "open",
    opened: true,
    closesAtUnixMs: 0,
    closedSeq: 0,
    closedAtClosingTime: false,
    myChoices: over.myChoices,
    update: undefined,
  };
}

describe("an indicator's progress", () => {
  it("is its status, with a validated draft edited since counted apart", () => {
    expect(progressOf({ status: IndicatorStatus.VALIDATED, changedSinceValidation: false })).toBe("validated");
    expect(progressOf({ status: IndicatorStatus.VALIDATED, changedSinceValidation: true })).toBe("changed");
    expect(progressOf({ status: IndicatorStatus.IN_REVIEW, changedSinceValidation: false })).toBe("inReview");
    expect(progressOf({ status: IndicatorStatus.NEEDS_REVISION, changedSinceValidation: false })).toBe("needsRevision");
    expect(progressOf({ status: IndicatorStatus.DRAFTING, changedSinceValidation: false })).toBe("drafting");
  });

  it("is 'not started' when the status is unset or unspecified", () => {
    expect(progressOf({ status: undefined, changedSinceValidation: false })).toBe("notStarted");
    expect(progressOf({ status: IndicatorStatus.UNSPECIFIED, changedSinceValidation: false })).toBe("notStarted");
    expect(progressOf({ status: IndicatorStatus.NOT_STARTED, changedSinceValidation: false })).toBe("notStarted");
  });
});

describe("counting a theme's indicators by progress", () => {
  it("counts each indicator once and lists the non-zero counts done-first", () => {
    const c = countProgress([
      row({ status: IndicatorStatus.DRAFTING }),
      row({ status: IndicatorStatus.VALIDATED, changedSinceValidation: true }),
      row({ status: IndicatorStatus.VALIDATED }),
      row({ status: IndicatorStatus.DRAFTING }),
      row(),
    ]);
    expect(c.total).toBe(5);
    expect(progressParts(c)).toEqual([
      { progress: "validated", n: 1 },
      { progress: "changed", n: 1 },
      { progress: "drafting", n: 2 },
      { progress: "notStarted", n: 1 },
    ]);
  });

  it("has no parts for an empty theme", () => {
    const c = countProgress([]);
    expect(c.total).toBe(0);
    expect(progressParts(c)).toEqual([]);
  });
});

describe("the overview's filters", () => {
  it("show everything when none is chosen", () => {
    expect(matchesFilter(row(), NO_FILTER)).toBe(true);
    expect(narrows(NO_FILTER)).toBe(false);
  });

  it("each narrow the list, and together all must hold", () => {
    const mineUnread = row({ mine: true, unreadComments: 2 });
    const mineRead = row({ mine: true });
    expect(matchesFilter(mineUnread, { ...NO_FILTER, mine: true })).toBe(true);
    expect(matchesFilter(row(), { ...NO_FILTER, mine: true })).toBe(false);
    expect(matchesFilter(mineRead, { ...NO_FILTER, mine: true, unread: true })).toBe(false);
    expect(matchesFilter(mineUnread, { ...NO_FILTER, mine: true, unread: true })).toBe(true);
    expect(matchesFilter(row({ needsMyVote: true }), { ...NO_FILTER, needsMyVote: true })).toBe(true);
    expect(matchesFilter(row(), { ...NO_FILTER, needsMyVote: true })).toBe(false);
    expect(matchesFilter(row({ core: true }), { ...NO_FILTER, coreOnly: true })).toBe(true);
    expect(matchesFilter(row(), { ...NO_FILTER, coreOnly: true })).toBe(false);
  });

  it("by status tell a validated draft from one changed since", () => {
    const changed = row({ status: IndicatorStatus.VALIDATED, changedSinceValidation: true });
    expect(matchesFilter(changed, { ...NO_FILTER, progress: "changed" })).toBe(true);
    expect(matchesFilter(changed, { ...NO_FILTER, progress: "validated" })).toBe(false);
    expect(narrows({ ...NO_FILTER, progress: "validated" })).toBe(true);
  });

  it("'core only' does not count as narrowing: it changes what the bars count", () => {
    expect(narrows({ ...NO_FILTER, coreOnly: true })).toBe(false);
  });
});

describe("what is overdue (issue 20)", () => {
  it("is a due day before today on an indicator not validated", () => {
    expect(isOverdue("2027-03-12", "drafting", "2027-03-13")).toBe(true);
    expect(isOverdue("2027-03-12", "notStarted", "2028-01-01")).toBe(true);
    // Due today is not late yet.
    expect(isOverdue("2027-03-12", "drafting", "2027-03-12")).toBe(false);
    expect(isOverdue("2027-03-12", "validated", "2027-04-01")).toBe(false);
    // A validated draft edited since must be looked at again: not done.
    expect(isOverdue("2027-03-12", "changed", "2027-04-01")).toBe(true);
    expect(isOverdue("", "drafting", "2099-01-01")).toBe(false);
  });

  it("compares with the local day, zero-padded so that dates compare as text", () => {
    expect(localDay(new Date(2027, 2, 5, 23, 59))).toBe("2027-03-05");
    expect(localDay(new Date(2027, 11, 31, 0, 0))).toBe("2027-12-31");
    expect(isOverdue("2027-09-30", "drafting", localDay(new Date(2027, 9, 1)))).toBe(true);
  });

  it("is a filter of its own that narrows the list", () => {
    expect(matchesFilter(row({ overdue: true }), { ...NO_FILTER, overdue: true })).toBe(true);
    expect(matchesFilter(row(), { ...NO_FILTER, overdue: true })).toBe(false);
    expect(narrows({ ...NO_FILTER, overdue: true })).toBe(true);
  });
});

describe("whether an indicator awaits my vote", () => {
  it("is an open poll on it that my role may vote in and I have not voted in", () => {
    expect(awaitsMyVote([poll()], "R.1", Role.MEMBER)).toBe(true);
  });

  it("is not once I voted, nor for another indicator, another role, or a poll not open", () => {
    expect(awaitsMyVote([poll({ myChoices: [0] })], "R.1", Role.MEMBER)).toBe(false);
    expect(awaitsMyVote([poll({ indicator: "R.2" })], "R.1", Role.MEMBER)).toBe(false);
    expect(awaitsMyVote([poll()], "R.1", Role.OBSERVER)).toBe(false);
    expect(awaitsMyVote([poll({ phase: "draft" })], "R.1", Role.MEMBER)).toBe(false);
    expect(awaitsMyVote([poll({ phase: "closed" })], "R.1", Role.MEMBER)).toBe(false);
  });
});
