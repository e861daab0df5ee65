// One section of the report (/c/<consultation>/report/<slug>), such as the
// executive summary: a draft page (draft-page.ts) on the document
// report/<slug>, which the server's export prints in its place.
import { t } from "../i18n";
import { REPORT_SECTION_SLUGS, isReportSectionSlug, reportSectionDocId } from "../model";
import { DraftPage } from "./draft-page";
import { reportSectionAbout, reportSectionTitle } from "./labels";
import { reportPath } from "./router";
import type { ViewContext } from "./view";

export function reportSectionView(ctx: ViewContext, slug: string): DraftPage {
  const known = isReportSectionSlug(slug);
  const title = () => (known ? reportSectionTitle(slug) : "");
  return new DraftPage(ctx, {
    // An unknown slug opens no document: the page says there is no such section.
    docId: known ? reportSectionDocId(slug) : "",
    pageClass: "report-section",
    back: () => ({ href: reportPath(ctx.consultationId), label: t("report.back") }),
    heading: () =>
      known
        ? {
            found: true,
            crumbs: t("report.crumbs", { n: REPORT_SECTION_SLUGS.indexOf(slug) + 1, total: REPORT_SECTION_SLUGS.length }),
            title: title(),
            lead: reportSectionAbout(slug),
          }
        : { found: false, title: t("report.notFound") },
    draftTitle: () => t("report.draft"),
    editorLabel: () => t("report.editorLabel", { section: title() }),
    readOnlyNote: () => t("report.readOnly"),
    emptyEditable: () => t("report.emptyEditable"),
  });
}
