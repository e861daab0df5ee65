import { describe, expect, it } from "vitest";
import { StakeholderGroup } from "../../src/gen/kenes/v1/log_pb";
import { RECOMMENDATION_GROUP_SLUGS, groupOfSlug, indicatorDocId, recommendationDocId } from "../../src/model";
import { parseRoute, recommendationPath } from "../../src/ui/router";

describe("recommendation documents", () => {
  it("are named recommendation/<category>/<group slug>, as the report reads them", () => {
    expect(recommendationDocId("R", "civil-society")).toBe("recommendation/R/civil-society");
    expect(recommendationDocId("X", "un-intergovernmental")).toBe("recommendation/X/un-intergovernmental");
    expect(indicatorDocId("R.1")).toBe("indicator/R.1");
  });

  it("list the ten stakeholder groups in the enum's order, as replay/report/ spells them", () => {
    expect(RECOMMENDATION_GROUP_SLUGS).toEqual([
      "government",
      "academia",
      "technical-community",
      "private-sector",
      "media",
      "civil-society",
      "users",
      "un-intergovernmental",
      "national-igf",
      "other",
    ]);
    expect(groupOfSlug("government")).toBe(StakeholderGroup.GOVERNMENT);
    expect(groupOfSlug("civil-society")).toBe(StakeholderGroup.CIVIL_SOCIETY);
    expect(groupOfSlug("other")).toBe(StakeholderGroup.OTHER);
    expect(groupOfSlug("nobody")).toBe(0);
  });

  it("have a page whose address round-trips through the router", () => {
    const path = recommendationPath("kz 2026", "R", "civil-society");
    expect(path).toBe("/c/kz%202026/r/R/civil-society");
    expect(parseRoute(path)).toEqual({ kind: "recommendation", consultationId: "kz 2026", categoryId: "R", group: "civil-society" });
    expect(parseRoute("/c/kz/r/R")).toEqual({ kind: "overview", consultationId: "kz" });
  });
});
