// A category's policy recommendations to one stakeholder group
// (/c/<consultation>/r/<category>/<group slug>): a draft page (draft-page.ts)
// whose document the report reads by recommendationDocId().
import { t } from "../i18n";
import { groupOfSlug, recommendationDocId, type RecommendationGroupSlug } from "../model";
import { DraftPage } from "./draft-page";
import { groupName } from "./labels";
import { overviewPath } from "./router";
import type { ViewContext } from "./view";

export function recommendationView(ctx: ViewContext, categoryId: string, group: string): DraftPage {
  const known = groupOfSlug(group) !== 0;
  const groupLabel = () => groupName(groupOfSlug(group));
  return new DraftPage(ctx, {
    // Empty when the address names no known group: the page says so.
    docId: known ? recommendationDocId(categoryId, group as RecommendationGroupSlug) : "",
    pageClass: "recommendation",
    back: () => ({ href: overviewPath(ctx.consultationId), label: t("indicator.back") }),
    heading: () => {
      const st = ctx.session.state;
      const category = st.framework?.categories.find((c) => c.id === categoryId);
      const found = !!category && known;
      return {
        found,
        crumbs: category ? `${category.id} ${category.title}` : undefined,
        title: found ? t("recommendation.title", { category: categoryId, group: groupLabel() }) : st.framework ? t("recommendation.notFound") : t("indicator.loading"),
      };
    },
    draftTitle: () => t("recommendation.draft"),
    editorLabel: () => t("recommendation.editorLabel", { category: categoryId, group: groupLabel() }),
    readOnlyNote: () => t("recommendation.readOnly"),
    emptyEditable: () => t("recommendation.emptyEditable"),
  });
}
