// An indicator's evidence (issue 19): the records folded as the server folds
// them (order kept, an edit in place, a late edit of a removed one ignored),
// the join state's copy, and the wording the page shows: citations in three
// languages, a figure's source, a breakdown typed as lines.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { type Figure, FigureSchema, type Reference, ReferenceSchema } from "../../src/gen/kenes/v1/assessment_pb";
import { FrameworkSchema, Scope } from "../../src/gen/kenes/v1/framework_pb";
import { type LogRecord, LogRecordSchema } from "../../src/gen/kenes/v1/log_pb";
import { JoinStateSchema } from "../../src/gen/kenes/v1/state_pb";
import { ConsultationState } from "../../src/model";
import { citation, figureSource, parseBreakdown, shortCitation } from "../../src/model/evidence";

let seq = 0;
function rec(init: Parameters<typeof create<typeof LogRecordSchema>>[1]): LogRecord {
  return create(LogRecordSchema, { seq: BigInt(++seq), author: "chair", ...init });
}

const framework = create(FrameworkSchema, {
  edition: "test",
  categories: [{ id: "R", title: "Rights", themes: [{ id: "R.A", title: "T", questions: [{ id: "R.1", title: "Q", indicators: [{ id: "R.1.1", title: "Law", core: true }] }] }] }],
});

function fresh(): ConsultationState {
  seq = 0;
  const s = new ConsultationState("client-a");
  s.myId = "chair";
  s.fold(rec({ event: { case: "consultationCreated", value: { consultationId: "c", title: "C", framework, scope: Scope.ALL } } }));
  return s;
}

const fh: Reference = create(ReferenceSchema, {
  referenceId: "ref-1",
  authors: ["Freedom House"],
  title: "Freedom on the Net 2024",
  year: 2024,
  publisher: "Freedom House",
  link: "https://freedomhouse.org/report/freedom-net/2024",
  accessed: "2026-11-02",
});

function users(id: string, source: { sourceReferenceId?: string; sourceText?: string; value?: string }): Figure {
  return create(FigureSchema, {
    figureId: id,
    label: "Internet users",
    value: "87.3",
    unit: "%",
    year: 2023,
    breakdown: [
      { label: "women", value: "86.1" },
      { label: "men", value: "88.6" },
    ],
    ...source,
  });
}

describe("evidence fold", () => {
  it("adds in order, edits in place, removes, and ignores an edit of one already removed", () => {
    const s = fresh();
    const eff = s.fold(rec({ event: { case: "referenceAdded", value: { indicatorId: "R.1.1", reference: fh } } }));
    expect(eff).toEqual({ kind: "assessment", change: { kind: "indicator", indicatorId: "R.1.1" } });
    s.fold(rec({ event: { case: "referenceAdded", value: { indicatorId: "R.1.1", reference: { ...fh, referenceId: "ref-2", title: "Second" } } } }));
    s.fold(rec({ event: { case: "referenceEdited", value: { indicatorId: "R.1.1", reference: { ...fh, title: "Freedom on the Net 2025" } } } }));
    const a = s.assessment.indicator("R.1.1");
    expect(a.references.map((r) => [r.referenceId, r.title])).toEqual([
      ["ref-1", "Freedom on the Net 2025"],
      ["ref-2", "Second"],
    ]);
    s.fold(rec({ event: { case: "figureAdded", value: { indicatorId: "R.1.1", figure: users("fig-1", { sourceReferenceId: "ref-1" }) } } }));
    s.fold(rec({ event: { case: "figureRemoved", value: { indicatorId: "R.1.1", figureId: "fig-1" } } }));
    s.fold(rec({ event: { case: "figureEdited", value: { indicatorId: "R.1.1", figure: users("fig-1", { value: "90" }) } } }));
    expect(s.assessment.indicator("R.1.1").figures).toEqual([]);
    s.fold(rec({ event: { case: "referenceRemoved", value: { indicatorId: "R.1.1", referenceId: "ref-1" } } }));
    expect(s.assessment.indicator("R.1.1").references.map((r) => r.referenceId)).toEqual(["ref-2"]);
  });

  it("takes the evidence from a join state", () => {
    const s = fresh();
    const join = create(JoinStateSchema, {
      state: { seq: 9n, created: { consultationId: "c", title: "C", framework, scope: Scope.ALL }, indicators: [{ indicatorId: "R.1.1", references: [fh], figures: [users("fig-1", { sourceReferenceId: "ref-1" })] }] },
      own: {},
    });
    s.loadJoinState(join);
    const a = s.assessment.indicator("R.1.1");
    expect(a.references[0]?.title).toBe("Freedom on the Net 2024");
    expect(a.figures[0]?.breakdown.map((r) => r.label)).toEqual(["women", "men"]);
  });
});

describe("evidence wording", () => {
  it("writes a citation in the page's language", () => {
    expect(citation(fh, "en")).toBe("Freedom House (2024). Freedom on the Net 2024. Freedom House. https://freedomhouse.org/report/freedom-net/2024 (accessed 2 November 2026)");
    expect(citation(fh, "ru")).toBe("Freedom House (2024). Freedom on the Net 2024. Freedom House. https://freedomhouse.org/report/freedom-net/2024 (дата обращения: 2 ноября 2026 г.)");
    expect(citation(fh, "kk")).toBe("Freedom House (2024). Freedom on the Net 2024. Freedom House. https://freedomhouse.org/report/freedom-net/2024 (қаралған күні: 2026 ж. 2 қараша)");
    const three = create(ReferenceSchema, { authors: ["A. Nurova", "B. Smith", "C. Li"], title: "Survey", year: 2021 });
    expect(citation(three, "en")).toBe("A. Nurova, B. Smith and C. Li (2021). Survey.");
    expect(citation(three, "kk")).toBe("A. Nurova, B. Smith және C. Li (2021). Survey.");
    expect(shortCitation(three, "ru")).toBe("A. Nurova и др. (2021)");
  });

  it("names a figure's source by its reference, its text, or a reference since removed", () => {
    expect(figureSource(users("fig-1", { sourceReferenceId: "ref-1" }), [fh], "en")).toBe("Freedom House (2024)");
    expect(figureSource(users("fig-1", { sourceText: "Census 2021" }), [fh], "en")).toBe("Census 2021");
    expect(figureSource(users("fig-1", { sourceReferenceId: "ref-7" }), [fh], "en")).toBe("reference ref-7, since removed");
  });

  it("reads a breakdown typed as label: value lines and names the line it cannot read", () => {
    expect(parseBreakdown("women: 86.1%\n\n men : 88.6% \nages 15–24: 95%")).toEqual({
      rows: [
        { label: "women", value: "86.1%" },
        { label: "men", value: "88.6%" },
        { label: "ages 15–24", value: "95%" },
      ],
      bad: [],
    });
    expect(parseBreakdown("urban 90%\nrural:").bad).toEqual(["urban 90%", "rural:"]);
  });
});
