// An indicator's references and figures (issue 19), in the "sources and
// evidence" tab: each reference as a citation, the figures as a small table
// whose breakdown rows sit under their figure, and for the chair and
// researchers forms to add, edit and remove them. Others read only.
//
// The server checks every limit and names the field it refuses; the forms
// check only what the browser can say better itself (required fields, the
// breakdown's "label: value" lines) and show the server's sentence otherwise.
// A section being typed in is not redrawn under the typist: a remote change
// shows once the form is closed or focus leaves it.

import type { Figure, Reference } from "../gen/kenes/v1/assessment_pb";
import { Role } from "../gen/kenes/v1/protocol_pb";
import { language, t } from "../i18n";
import { breakdownText, citationParts, figureSource, parseAuthors, parseBreakdown, shortCitation } from "../model/evidence";
import { h, replaceChildren } from "./dom";
import type { ViewContext } from "./view";

type Editing = { kind: "reference" | "figure"; id: string } | null;

export class EvidencePanel {
  readonly el: HTMLElement;
  private readonly referencesSection = h("section", { class: "references-panel panel", "aria-labelledby": "references-title" });
  private readonly figuresSection = h("section", { class: "figures-panel panel", "aria-labelledby": "figures-title" });
  private editing: Editing = null;

  constructor(
    private readonly ctx: ViewContext,
    private readonly indicatorId: string,
  ) {
    this.el = h("div", { class: "evidence" }, this.referencesSection, this.figuresSection);
  }

  private get mayEdit(): boolean {
    return this.ctx.me.role === Role.CHAIR || this.ctx.me.role === Role.RESEARCHER;
  }

  private get references(): Reference[] {
    return this.ctx.session.state.assessment.indicator(this.indicatorId).references;
  }

  private get figures(): Figure[] {
    return this.ctx.session.state.assessment.indicator(this.indicatorId).figures;
  }

  refresh(): void {
    if (!this.referencesSection.contains(document.activeElement) || !this.mayEdit) this.renderReferences();
    if (!this.figuresSection.contains(document.activeElement) || !this.mayEdit) this.renderFigures();
  }

  private done(section: "reference" | "figure", note: HTMLElement): (refusal: string | null) => void {
    return (refusal) => {
      if (refusal) {
        note.textContent = t("status.refused", { reason: refusal });
        return;
      }
      note.textContent = "";
      if (this.editing?.kind === section) this.editing = null;
      // Out of the form before redrawing it, so that the redraw is not skipped.
      (document.activeElement as HTMLElement | null)?.blur?.();
      if (section === "reference") this.renderReferences();
      else this.renderFigures();
    };
  }

  private renderReferences(): void {
    const lang = language();
    const refs = this.references;
    const items = refs.map((r) => {
      if (this.editing?.kind === "reference" && this.editing.id === r.referenceId) {
        return h("li", { class: "reference editing" }, this.referenceForm(r));
      }
      const p = citationParts(r, lang);
      return h(
        "li",
        { class: "reference", "data-reference-id": r.referenceId },
        p.lead,
        h("cite", {}, p.title),
        p.tail,
        p.link ? [" ", h("a", { href: p.link, rel: "noopener noreferrer", target: "_blank" }, p.link)] : null,
        p.accessed,
        this.mayEdit ? this.actions("reference", r.referenceId, r.title) : null,
      );
    });
    replaceChildren(
      this.referencesSection,
      h("h2", { id: "references-title", class: "panel-title" }, t("evidence.references")),
      refs.length ? h("ol", { class: "reference-list" }, items) : h("p", { class: "muted" }, t("evidence.noReferences")),
      this.mayEdit && !this.editing ? h("details", { class: "add-reference" }, h("summary", {}, t("evidence.addReference")), this.referenceForm(null)) : null,
    );
  }

  private actions(kind: "reference" | "figure", id: string, name: string): HTMLElement {
    const note = h("span", { class: "field-error", role: "alert" });
    const named = kind === "reference" ? { edit: t("evidence.editReferenceNamed", { title: name }), remove: t("evidence.removeReferenceNamed", { title: name }) } : { edit: t("evidence.editFigureNamed", { label: name }), remove: t("evidence.removeFigureNamed", { label: name }) };
    return h(
      "span",
      { class: "evidence-actions" },
      h(
        "button",
        {
          type: "button",
          class: "link-button",
          "aria-label": named.edit,
          onclick: () => {
            this.editing = { kind, id };
            if (kind === "reference") this.renderReferences();
            else this.renderFigures();
          },
        },
        t("evidence.edit"),
      ),
      h(
        "button",
        {
          type: "button",
          class: "link-button danger",
          "aria-label": named.remove,
          onclick: () =>
            this.ctx.request(
              kind === "reference" ? { case: "removeReference", value: { indicatorId: this.indicatorId, referenceId: id } } : { case: "removeFigure", value: { indicatorId: this.indicatorId, figureId: id } },
              this.done(kind, note),
            ),
        },
        t("evidence.remove"),
      ),
      note,
    );
  }

  private field(id: string, label: string, control: HTMLElement): HTMLElement {
    control.id = id;
    return h("div", { class: "field" }, h("label", { for: id }, label), control);
  }

  private cancel(kind: "reference" | "figure"): HTMLElement | null {
    if (!this.editing) return null;
    return h(
      "button",
      {
        type: "button",
        onclick: () => {
          this.editing = null;
          if (kind === "reference") this.renderReferences();
          else this.renderFigures();
        },
      },
      t("evidence.cancel"),
    );
  }

  /** The reference form: a new reference when `r` is null. Ids are per form so that two never clash. */
  private referenceForm(r: Reference | null): HTMLFormElement {
    const k = r ? `ref-edit-${r.referenceId}` : "ref-new";
    const authors = h("textarea", { rows: 2, required: true });
    authors.value = r ? r.authors.join("\n") : "";
    const title = h("input", { type: "text", required: true, value: r?.title ?? "" });
    const year = h("input", { type: "number", min: 1500, max: 2199, required: true, inputmode: "numeric", value: r ? String(r.year) : "" });
    const publisher = h("input", { type: "text", value: r?.publisher ?? "" });
    const link = h("input", { type: "url", value: r?.link ?? "" });
    const accessed = h("input", { type: "date", value: r?.accessed ?? "" });
    const note = h("p", { class: "field-error", role: "alert" });
    return h(
      "form",
      {
        class: "evidence-form reference-form",
        onsubmit: (e) => {
          e.preventDefault();
          const reference = {
            referenceId: r?.referenceId ?? "",
            authors: parseAuthors(authors.value),
            title: title.value.trim(),
            year: Math.round(Number(year.value)),
            publisher: publisher.value.trim(),
            link: link.value.trim(),
            accessed: accessed.value,
          };
          this.ctx.request(r ? { case: "editReference", value: { indicatorId: this.indicatorId, reference } } : { case: "addReference", value: { indicatorId: this.indicatorId, reference } }, this.done("reference", note));
        },
      },
      this.field(`${k}-authors`, t("evidence.authors"), authors),
      this.field(`${k}-title`, t("evidence.title"), title),
      this.field(`${k}-year`, t("evidence.year"), year),
      this.field(`${k}-publisher`, t("evidence.publisher"), publisher),
      this.field(`${k}-link`, t("evidence.link"), link),
      this.field(`${k}-accessed`, t("evidence.accessedOn"), accessed),
      note,
      h("div", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, t("evidence.saveReference")), r ? this.cancel("reference") : null),
    );
  }

  private renderFigures(): void {
    const lang = language();
    const refs = this.references;
    const figs = this.figures;
    const editingFigure = this.editing?.kind === "figure" ? figs.find((f) => f.figureId === this.editing!.id) : undefined;
    const rows = figs.flatMap((f) => {
      const main = h(
        "tr",
        { class: "figure-row", "data-figure-id": f.figureId },
        h("th", { scope: "row" }, f.label),
        h("td", { class: "figure-value" }, f.value),
        h("td", {}, f.unit),
        h("td", {}, String(f.year)),
        h("td", {}, figureSource(f, refs, lang)),
        this.mayEdit ? h("td", {}, this.actions("figure", f.figureId, f.label)) : null,
      );
      const span = this.mayEdit ? 5 : 4;
      const breakdown = f.breakdown.map((row) =>
        h("tr", { class: "breakdown-row" }, h("th", { scope: "row", class: "breakdown-label" }, row.label), h("td", { class: "figure-value" }, row.value), h("td", { colspan: span - 1 })),
      );
      const note = f.note ? [h("tr", { class: "figure-note-row" }, h("td", { colspan: span + 1, class: "figure-note" }, f.note))] : [];
      return [main, ...breakdown, ...note];
    });
    replaceChildren(
      this.figuresSection,
      h("h2", { id: "figures-title", class: "panel-title" }, t("evidence.figures")),
      figs.length
        ? h(
            "div",
            { class: "table-scroll" },
            h(
              "table",
              { class: "figure-table" },
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  h("th", { scope: "col" }, t("evidence.colFigure")),
                  h("th", { scope: "col" }, t("evidence.colValue")),
                  h("th", { scope: "col" }, t("evidence.colUnit")),
                  h("th", { scope: "col" }, t("evidence.colYear")),
                  h("th", { scope: "col" }, t("evidence.colSource")),
                  this.mayEdit ? h("th", { scope: "col" }, t("evidence.colActions")) : null,
                ),
              ),
              h("tbody", {}, rows),
            ),
          )
        : h("p", { class: "muted" }, t("evidence.noFigures")),
      editingFigure ? this.figureForm(editingFigure) : null,
      this.mayEdit && !this.editing ? h("details", { class: "add-figure" }, h("summary", {}, t("evidence.addFigure")), this.figureForm(null)) : null,
    );
  }

  private figureForm(f: Figure | null): HTMLFormElement {
    const lang = language();
    const k = f ? `fig-edit-${f.figureId}` : "fig-new";
    const label = h("input", { type: "text", required: true, value: f?.label ?? "" });
    const value = h("input", { type: "text", required: true, value: f?.value ?? "" });
    const unit = h("input", { type: "text", value: f?.unit ?? "" });
    const year = h("input", { type: "number", min: 1500, max: 2199, required: true, inputmode: "numeric", value: f ? String(f.year) : "" });
    const source = h(
      "select",
      {},
      this.references.map((r) => h("option", { value: r.referenceId }, shortCitation(r, lang))),
      h("option", { value: "" }, t("evidence.sourceOther")),
    );
    source.value = f ? f.sourceReferenceId : (this.references[0]?.referenceId ?? "");
    const sourceText = h("input", { type: "text", value: f?.sourceText ?? "" });
    const breakdown = h("textarea", { rows: 3 });
    breakdown.value = f ? breakdownText(f.breakdown) : "";
    const noteText = h("textarea", { rows: 2 });
    noteText.value = f?.note ?? "";
    const note = h("p", { class: "field-error", role: "alert" });
    return h(
      "form",
      {
        class: "evidence-form figure-form",
        onsubmit: (e) => {
          e.preventDefault();
          const parsed = parseBreakdown(breakdown.value);
          if (parsed.bad.length) {
            note.textContent = t("evidence.badBreakdown", { line: parsed.bad[0]! });
            breakdown.focus();
            return;
          }
          const figure = {
            figureId: f?.figureId ?? "",
            label: label.value.trim(),
            value: value.value.trim(),
            unit: unit.value.trim(),
            year: Math.round(Number(year.value)),
            sourceReferenceId: source.value,
            sourceText: source.value ? "" : sourceText.value.trim(),
            breakdown: parsed.rows,
            note: noteText.value.trim(),
          };
          this.ctx.request(f ? { case: "editFigure", value: { indicatorId: this.indicatorId, figure } } : { case: "addFigure", value: { indicatorId: this.indicatorId, figure } }, this.done("figure", note));
        },
      },
      this.field(`${k}-label`, t("evidence.figureLabel"), label),
      this.field(`${k}-value`, t("evidence.value"), value),
      this.field(`${k}-unit`, t("evidence.unit"), unit),
      this.field(`${k}-year`, t("evidence.year"), year),
      this.field(`${k}-source`, t("evidence.source"), source),
      this.field(`${k}-source-text`, t("evidence.sourceText"), sourceText),
      this.field(`${k}-breakdown`, t("evidence.breakdown"), breakdown),
      this.field(`${k}-note`, t("evidence.note"), noteText),
      note,
      h("div", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, t("evidence.saveFigure")), f ? this.cancel("figure") : null),
    );
  }
}
