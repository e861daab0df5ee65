// A validation session as every page folds and shows it (issue 18): the
// records the server writes, folded by the browser's model; the progress and
// item statuses the bar prints; the queues the chair can pick.
import { type MessageInitShape, create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { type LogRecord, LogRecordSchema } from "../../src/gen/kenes/v1/log_pb";
import { PollKind } from "../../src/gen/kenes/v1/assessment_pb";
import { PollUpdateSchema } from "../../src/gen/kenes/v1/protocol_pb";
import { setLanguage } from "../../src/i18n";
import { ConsultationState } from "../../src/model";
import { itemName, itemPath, progressOf, queueOf } from "../../src/ui/validation-bar";
import { demoFramework } from "../support/demo-framework";

let seq = 0;
function record(event: MessageInitShape<typeof LogRecordSchema>["event"], author = "chair"): LogRecord {
  return create(LogRecordSchema, { seq: BigInt(++seq), timeUnixMs: BigInt(1_800_000_000_000 + seq), author, event });
}

function consultation(): ConsultationState {
  seq = 0;
  const st = new ConsultationState("client");
  st.fold(record({ case: "consultationCreated", value: { consultationId: "c", title: "C", framework: demoFramework } }));
  return st;
}

function open(st: ConsultationState, item: string, pollId: string): void {
  st.fold(
    record({
      case: "validationItemOpened",
      value: { sessionId: "session-1", item, pollId, definition: { kind: PollKind.AGREEMENT, question: `The assessment of ${item} is accurate.`, eligibleRoles: [3] } },
    }),
  );
}

function close(st: ConsultationState, pollId: string, passed: boolean): void {
  st.fold(record({ case: "pollClosed", value: { pollId, eligible: 2n } }));
  st.assessment.applyPollUpdate(create(PollUpdateSchema, { pollId, seq: BigInt(seq), closed: true, results: { closed: true, passed, voters: 2n } }));
}

describe("a validation session in the browser's model", () => {
  it("opens each item's poll in one record, counts what is decided and brings skipped items back", () => {
    setLanguage("en");
    const st = consultation();
    st.fold(record({ case: "meetingStarted", value: { meetingId: "meeting-1", title: "Workshop" } }));
    st.fold(record({ case: "validationSessionStarted", value: { sessionId: "session-1", items: ["R.1.1", "R.2.1", "recommendation/R/government"], statement: "{item}" } }));
    const session = st.assessment.runningSession!;
    expect(session.id).toBe("session-1");
    expect(progressOf(st, session)).toEqual({ total: 3, passed: 0, notPassed: 0, skipped: 0, voting: 0 });

    open(st, "R.1.1", "poll-1");
    expect(st.assessment.polls.get("poll-1")).toMatchObject({ phase: "open", opened: true, validationItem: "R.1.1" });
    expect(st.assessment.currentMeeting?.spotlight).toBe("R.1.1");
    expect(st.assessment.itemStatus(session, "R.1.1")).toBe("voting");
    close(st, "poll-1", true);
    expect(st.assessment.itemStatus(session, "R.1.1")).toBe("passed");

    st.fold(record({ case: "validationItemSkipped", value: { sessionId: "session-1", item: "R.2.1" } }));
    expect(st.assessment.itemStatus(session, "R.2.1")).toBe("skipped");
    open(st, "recommendation/R/government", "poll-2");
    close(st, "poll-2", false);
    expect(progressOf(st, session)).toEqual({ total: 3, passed: 1, notPassed: 1, skipped: 1, voting: 0 });
    open(st, "R.2.1", "poll-3");
    expect(st.assessment.itemStatus(session, "R.2.1")).toBe("voting");
    expect(session.skipped.has("R.2.1")).toBe(false);

    st.fold(record({ case: "validationSessionEnded", value: { sessionId: "session-1" } }));
    expect(st.assessment.runningSession).toBeUndefined();
  });

  it("names and links items, recommendations included", () => {
    setLanguage("en");
    const st = consultation();
    expect(itemName(st, "R.1.1")).toBe("R.1.1 Existence of a legal framework consistent with international standards");
    expect(itemName(st, "recommendation/R/civil-society")).toBe("Recommendations of Rights to civil society");
    expect(itemPath("c", "R.1.1")).toBe("/c/c/i/R.1.1");
    expect(itemPath("c", "recommendation/R/civil-society")).toBe("/c/c/r/R/civil-society");
  });

  it("names and links a report section by its title and page (issue 19)", () => {
    const st = consultation();
    setLanguage("kk");
    expect(itemName(st, "report/executive-summary")).toBe("Қысқаша түйіндеме");
    setLanguage("en");
    expect(itemName(st, "report/methodology")).toBe("Methodology");
    expect(itemPath("c", "report/methodology")).toBe("/c/c/report/methodology");
    // Not a section: left as it is.
    expect(itemName(st, "report/preface")).toBe("report/preface");
  });

  it("makes the queues the chair picks, in framework order", () => {
    const st = consultation();
    const all = queueOf(st, "all", "", false);
    expect(all.slice(0, 3)).toEqual(["R.1.1", "R.1.2", "R.2.1"]);
    expect(queueOf(st, "core", "", false)).not.toContain("R.1.2");
    expect(queueOf(st, "theme", "R.B", false)).toEqual(["R.2.1"]);
    const withRecommendations = queueOf(st, "category", "R", true);
    expect(withRecommendations).toContain("recommendation/R/government");
    expect(withRecommendations.every((i) => i.startsWith("R.") || i.startsWith("recommendation/R/"))).toBe(true);
  });
});
