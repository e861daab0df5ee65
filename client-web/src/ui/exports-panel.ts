// The Exports panel (on the overview and the Report page): the report
// (Markdown, HTML, DOCX), the votes CSV and each meeting's minutes,
// downloaded with the invite token (net/export-download.ts). Every role may
// export (replay/report/README.md).
//
// The team chooses the files' language — the page's language until someone
// picks another here — and, for the report, which one: the publication (what
// readers of the published report see) or the working copy (everything, for
// the team). Both go in the request's query. A refusal shows the translated
// reason and the server's own words; a download names the log head it was
// built from.
import { LANGUAGES, type Language, language, t } from "../i18n";
import { DEFAULT_REPORT_VARIANT, type ExportFailureKind, type ExportOptions, type ReportVariant, fetchExport, takesVariant } from "../net";
import { h, replaceChildren } from "./dom";
import { loadToken } from "./token-store";
import type { ViewContext } from "./view";

const FAILURE_KEYS: Record<ExportFailureKind, "exports.unauthorized" | "exports.forbidden" | "exports.notFound" | "exports.unavailable" | "exports.busy" | "exports.failed" | "exports.network"> = {
  unauthorized: "exports.unauthorized",
  forbidden: "exports.forbidden",
  notFound: "exports.notFound",
  unavailable: "exports.unavailable",
  busy: "exports.busy",
  failed: "exports.failed",
  network: "exports.network",
};

const VARIANTS: readonly { readonly id: ReportVariant; readonly label: "exports.publication" | "exports.working"; readonly hint: "exports.publicationHint" | "exports.workingHint" }[] = [
  { id: "publication", label: "exports.publication", hint: "exports.publicationHint" },
  { id: "working", label: "exports.working", hint: "exports.workingHint" },
];

/**
 * The options an export is asked with: the language chosen in the panel,
 * else the page's; the variant chosen, else the publication.
 */
export function exportOptions(chosenLanguage: Language | null, pageLanguage: Language, chosenVariant: ReportVariant | null): ExportOptions {
  return { lang: chosenLanguage ?? pageLanguage, variant: chosenVariant ?? DEFAULT_REPORT_VARIANT };
}

export class ExportsPanel {
  readonly el = h("section", { class: "card exports", "aria-labelledby": "exports-title" });
  private readonly statusLine = h("p", { id: "export-status", class: "export-status", role: "status", "aria-live": "polite" });
  private busy = false;
  /** Picked in this panel; null follows the page's language. */
  private chosenLanguage: Language | null = null;
  private chosenVariant: ReportVariant | null = null;
  /** What the panel was last drawn from: redrawn only when it changes, so an open list stays open. */
  private drawn = "";

  constructor(private readonly ctx: ViewContext) {
    this.refresh();
  }

  private get options(): ExportOptions {
    return exportOptions(this.chosenLanguage, language(), this.chosenVariant);
  }

  refresh(): void {
    const meetings = [...this.ctx.session.state.assessment.meetings.values()];
    const opts = this.options;
    const key = JSON.stringify([language(), opts, meetings.map((m) => [m.id, m.title, m.running])]);
    if (key === this.drawn) return;
    this.drawn = key;
    const focusKey = this.el.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.focusKey : undefined;
    const button = (name: string, label: string, describedBy?: string) =>
      h("button", { type: "button", class: "link export-button", "data-export": name, "data-focus-key": `export-${name}`, "aria-describedby": describedBy, onclick: () => void this.download(name) }, label);
    replaceChildren(
      this.el,
      h("h2", { id: "exports-title", class: "panel-title" }, t("exports.title")),
      h("p", { class: "muted" }, t("exports.hint")),
      h(
        "div",
        { class: "field export-language" },
        h("label", { for: "export-lang" }, t("exports.language")),
        h(
          "select",
          {
            id: "export-lang",
            "data-focus-key": "export-lang",
            onchange: (e) => {
              this.chosenLanguage = (e.target as HTMLSelectElement).value as Language;
              this.refresh();
            },
          },
          LANGUAGES.map((l) => h("option", { value: l.code, lang: l.code, selected: l.code === opts.lang }, l.name)),
        ),
      ),
      h("h3", { id: "exports-report" }, t("exports.report")),
      h(
        "fieldset",
        { class: "export-variant" },
        h("legend", {}, t("exports.variant")),
        VARIANTS.map((v) =>
          h(
            "div",
            { class: "check" },
            h("input", {
              type: "radio",
              name: "export-variant",
              id: `export-variant-${v.id}`,
              value: v.id,
              "data-focus-key": `export-variant-${v.id}`,
              "aria-describedby": `export-variant-${v.id}-hint`,
              checked: opts.variant === v.id,
              onchange: () => {
                this.chosenVariant = v.id;
                this.refresh();
              },
            }),
            h(
              "label",
              { for: `export-variant-${v.id}` },
              h("span", { class: "variant-name" }, t(v.label)),
              h("span", { class: "muted variant-hint", id: `export-variant-${v.id}-hint` }, t(v.hint)),
            ),
          ),
        ),
      ),
      h(
        "ul",
        { class: "export-list", "aria-labelledby": "exports-report" },
        h("li", {}, button("report.md", t("exports.markdown"))),
        h("li", {}, button("report.html", t("exports.html"))),
        h("li", {}, button("report.docx", t("exports.docx"))),
      ),
      h("h3", { id: "exports-votes" }, t("exports.votes")),
      h("ul", { class: "export-list", "aria-labelledby": "exports-votes" }, h("li", {}, button("votes.csv", t("exports.csv")))),
      h("h3", { id: "exports-minutes" }, t("exports.minutes")),
      meetings.length === 0
        ? h("p", { class: "muted" }, t("exports.noMeetings"))
        : h(
            "ul",
            { class: "export-list", "aria-labelledby": "exports-minutes" },
            meetings.map((m) =>
              h(
                "li",
                {},
                h("span", { id: `minutes-${m.id}` }, m.title || m.id, m.running ? ` (${t("exports.running")})` : ""),
                " ",
                button(`minutes/${m.id}.md`, t("exports.markdown"), `minutes-${m.id}`),
                " ",
                button(`minutes/${m.id}.html`, t("exports.html"), `minutes-${m.id}`),
              ),
            ),
          ),
      this.statusLine,
    );
    if (focusKey) (this.el.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`) as HTMLElement | null)?.focus();
  }

  private async download(name: string): Promise<void> {
    if (this.busy) return;
    const token = loadToken(this.ctx.consultationId);
    if (!token) {
      this.say(t("exports.unauthorized"), true);
      return;
    }
    const opts = this.options;
    const languageName = LANGUAGES.find((l) => l.code === opts.lang)?.name ?? opts.lang;
    const what = takesVariant(name)
      ? t("exports.fileOf", { name, language: languageName, variant: t(opts.variant === "working" ? "exports.working" : "exports.publication") })
      : `${name} (${languageName})`;
    this.busy = true;
    this.say(t("exports.preparing", { name: what }), false);
    const r = await fetchExport(this.ctx.consultationId, name, token, opts);
    this.busy = false;
    if (!r.ok) {
      const reason = t(FAILURE_KEYS[r.failure.kind]);
      this.say(r.failure.message ? `${reason} (${r.failure.message})` : reason, true);
      return;
    }
    const url = URL.createObjectURL(r.blob);
    const a = h("a", { href: url, download: r.fileName, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    this.say(r.logHead ? t("exports.done", { file: r.fileName, head: r.logHead }) : t("exports.doneNoHead", { file: r.fileName }), false);
  }

  private say(text: string, error: boolean): void {
    this.statusLine.textContent = text;
    this.statusLine.classList.toggle("error", error);
  }
}
