import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import type { TextOp } from "../../src/core";
import { Scope } from "../../src/gen/kenes/v1/framework_pb";
import { type LogRecord, LogRecordSchema } from "../../src/gen/kenes/v1/log_pb";
import { Role } from "../../src/gen/kenes/v1/protocol_pb";
import { JoinStateSchema } from "../../src/gen/kenes/v1/state_pb";
import { ConsultationState, textOpToWire } from "../../src/model";
import {
  REPORT_OUTLINE,
  REPORT_SECTION_SLUGS,
  countWords,
  isReportSectionSlug,
  reportSectionDocId,
  reportSectionState,
  reportSlugOf,
} from "../../src/model";
import { CATALOGS, type Language, type MessageKey, translate } from "../../src/i18n";
import { parseRoute, reportPath, reportSectionPath } from "../../src/ui/router";

describe("the report's sections", () => {
  it("are the documents report/<slug>, in the national report's order, the chapters after the limitations", () => {
    expect(REPORT_OUTLINE.map((e) => (e.kind === "section" ? e.slug : "(chapters)"))).toEqual([
      "foreword",
      "acknowledgements",
      "executive-summary",
      "introduction",
      "methodology",
      "limitations",
      "(chapters)",
      "conclusions",
      "annexes",
      "references",
    ]);
    expect(REPORT_SECTION_SLUGS).toHaveLength(9);
    expect(reportSectionDocId("executive-summary")).toBe("report/executive-summary");
    // Document ids the server accepts: 1-128 of A-Z a-z 0-9 . _ / -.
    for (const slug of REPORT_SECTION_SLUGS) expect(reportSectionDocId(slug)).toMatch(/^[A-Za-z0-9._/-]{1,128}$/);
  });

  it("are recognised by their document id, and nothing else is", () => {
    expect(reportSlugOf("report/methodology")).toBe("methodology");
    expect(reportSlugOf("report/chapters")).toBeNull();
    expect(reportSlugOf("report/")).toBeNull();
    expect(reportSlugOf("indicator/R.1")).toBeNull();
    expect(reportSlugOf("recommendation/R/media")).toBeNull();
    expect(reportSlugOf("xreport/foreword")).toBeNull();
    expect(isReportSectionSlug("references")).toBe(true);
    expect(isReportSectionSlug("Executive-Summary")).toBe(false);
  });

  it("have a title and a sentence about them in every language", () => {
    for (const lang of Object.keys(CATALOGS) as Language[]) {
      const titles = REPORT_SECTION_SLUGS.map((s) => translate(lang, `report.section.${s}` as MessageKey));
      for (const [i, title] of titles.entries()) expect(title, `${lang} ${REPORT_SECTION_SLUGS[i]}`).not.toMatch(/^report\./);
      expect(new Set(titles).size, `${lang}: nine different titles`).toBe(9);
      for (const s of REPORT_SECTION_SLUGS) expect(translate(lang, `report.about.${s}` as MessageKey)).not.toMatch(/^report\./);
    }
    expect(translate("kk", "report.section.executive-summary")).toBe("Қысқаша түйіндеме");
    expect(translate("ru", "report.words", { n: 21 })).toBe("21 слово");
    expect(translate("ru", "report.words", { n: 5 })).toBe("5 слов");
  });

  it("open at /c/<id>/report and /c/<id>/report/<slug>, round-tripping through the router", () => {
    expect(reportPath("kz 2026")).toBe("/c/kz%202026/report");
    expect(parseRoute(reportPath("kz 2026"))).toEqual({ kind: "report", consultationId: "kz 2026" });
    expect(parseRoute("/c/kz/report/")).toEqual({ kind: "report", consultationId: "kz" });
    const path = reportSectionPath("kz", "executive-summary");
    expect(path).toBe("/c/kz/report/executive-summary");
    expect(parseRoute(path)).toEqual({ kind: "reportSection", consultationId: "kz", slug: "executive-summary" });
    // An unknown section still reaches the section page, which says so.
    expect(parseRoute("/c/kz/report/preface")).toEqual({ kind: "reportSection", consultationId: "kz", slug: "preface" });
  });
});

describe("counting words", () => {
  it("counts words in Latin, Cyrillic and Kazakh letters, ignoring Markdown marks", () => {
    expect(countWords("")).toBe(0);
    expect(countWords("   \n\n ")).toBe(0);
    expect(countWords("Kazakhstan's internet is UN-led.")).toBe(4);
    expect(countWords("Интернет в Казахстане")).toBe(3);
    expect(countWords("Қазақстанда интернетке қолжетімділік өсті")).toBe(4);
    expect(countWords("# Summary\n\n- **one** point\n- two\n\n| a | b |\n|---|---|")).toBe(6);
    expect(countWords("In 2019, 81.3 % used it 👍")).toBe(5);
    expect(countWords("1,000,000 people")).toBe(2);
  });
});

describe("a section's state", () => {
  const DOC = "report/executive-summary";
  let seq = 0;
  const rec = (init: Parameters<typeof create<typeof LogRecordSchema>>[1]): LogRecord => create(LogRecordSchema, { seq: BigInt(++seq), timeUnixMs: 1000n, ...init });

  function fresh(me: string): ConsultationState {
    seq = 0;
    const s = new ConsultationState("client-a");
    s.myId = me;
    s.fold(rec({ event: { case: "consultationCreated", value: { consultationId: "c", title: "C", scope: Scope.ALL } } }));
    for (const [id, role] of [["r1", Role.RESEARCHER], ["m1", Role.MEMBER]] as const) s.fold(rec({ event: { case: "participantInvited", value: { participantId: id, displayName: id, role } } }));
    return s;
  }

  function type(s: ConsultationState, op: TextOp, author = "r1"): void {
    s.fold(rec({ author, clientId: "other", clientSeq: BigInt(seq), event: { case: "textEdit", value: { docId: DOC, version: BigInt(s.doc(DOC).version + 1), op: textOpToWire(op) } } }));
  }

  function comment(s: ConsultationState, threadId: string, author: string): void {
    // A thread on the section's draft counts under its document id: no indicator.
    s.fold(
      rec({
        author,
        event: {
          case: "threadCreated",
          value: { threadId, firstCommentId: `c-${threadId}`, target: { indicatorId: "", docId: DOC, range: { anchor: 0n, head: 6n }, version: BigInt(s.doc(DOC).version) }, quote: "Access", body: "Which year?" },
        },
      }),
    );
  }

  it("is empty until written, then drafted with its words, open threads and unread comments", () => {
    const st = fresh("m1");
    expect(reportSectionState(st, "executive-summary")).toEqual({ slug: "executive-summary", docId: DOC, drafted: false, words: 0, openThreads: 0, unreadComments: 0 });
    // Reading the state makes no document of a section nobody wrote.
    expect(st.hasDoc(DOC)).toBe(false);

    type(st, ["Access grew in every region."]);
    expect(reportSectionState(st, "executive-summary")).toMatchObject({ drafted: true, words: 5, openThreads: 0, unreadComments: 0 });
    type(st, [28, " Қолжетімділік өсті."]);
    expect(reportSectionState(st, "executive-summary").words).toBe(7);

    comment(st, "thread-1", "r1");
    comment(st, "thread-2", "m1");
    // Two open threads; only the researcher's comment is unread by the member.
    expect(reportSectionState(st, "executive-summary")).toMatchObject({ openThreads: 2, unreadComments: 1 });
    // Other sections are untouched.
    expect(reportSectionState(st, "foreword")).toMatchObject({ drafted: false, openThreads: 0, unreadComments: 0 });
  });

  it("is drafted without a count while its text is not in the page (joined by state)", () => {
    const st = new ConsultationState("me");
    st.loadJoinState(create(JoinStateSchema, { state: { seq: 9n, created: { consultationId: "c", title: "C", scope: Scope.ALL }, documents: [{ docId: "report/methodology", version: 12n, length: 340n }] }, own: {} }));
    expect(reportSectionState(st, "methodology")).toMatchObject({ drafted: true, words: null });
    expect(reportSectionState(st, "limitations")).toMatchObject({ drafted: false, words: 0 });
  });
});
