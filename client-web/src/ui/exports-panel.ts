// The Exports panel of the overview: the report (Markdown, HTML, DOCX), the
// votes CSV and each meeting's minutes, downloaded with the invite token
// (net/export-download.ts). Every role may export (replay/report/README.md).
// A refusal shows the translated reason and the server's own words; a
// download names the log head it was built from.
import { t } from "../i18n";
import { type ExportFailureKind, fetchExport } from "../net";
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

export class ExportsPanel {
  readonly el = h("section", { class: "card exports", "aria-labelledby": "exports-title" });
  private readonly statusLine = h("p", { id: "export-status", class: "export-status", role: "status", "aria-live": "polite" });
  private busy = false;

  constructor(private readonly ctx: ViewContext) {
    this.refresh();
  }

  refresh(): void {
    const meetings = [...this.ctx.session.state.assessment.meetings.values()];
    const button = (name: string, label: string, describedBy?: string) =>
      h("button", { type: "button", class: "link export-button", "data-export": name, "data-focus-key": `export-${name}`, "aria-describedby": describedBy, onclick: () => void this.download(name) }, label);
    replaceChildren(
      this.el,
      h("h2", { id: "exports-title", class: "panel-title" }, t("exports.title")),
      h("p", { class: "muted" }, t("exports.hint")),
      h("h3", { id: "exports-report" }, t("exports.report")),
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
  }

  private async download(name: string): Promise<void> {
    if (this.busy) return;
    const token = loadToken(this.ctx.consultationId);
    if (!token) {
      this.say(t("exports.unauthorized"), true);
      return;
    }
    this.busy = true;
    this.say(t("exports.preparing", { name }), false);
    const r = await fetchExport(this.ctx.consultationId, name, token);
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
