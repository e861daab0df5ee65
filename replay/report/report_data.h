#pragma once

// What an export is built from: the consultation's state at one log head,
// reduced to plain values in report order. build_report_data() is the one
// place that reads ConsultationState for the report; the renderers
// (report_render.h) see only these values, so they are pure text functions
// and golden-testable.
//
// Plain values; thread-safe to share once built.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consultation/consultation_state.h"

namespace kenes::report {

// The log head an export was built from: every export states it, and
// `kenes-admin verify --consultation C --expect-head SEQ:HASH` checks it.
struct LogHead {
  uint64_t seq = 0;
  std::string hash_hex;    // SHA-256 of record `seq`'s stored frame, 64 hex digits
  int64_t time_unix_ms = 0;  // when record `seq` was sequenced (not when the export ran)
};

// Policy recommendations are drafts (PRODUCT.md §2), one document per
// category and stakeholder group: "recommendation/<category id>/<group>",
// e.g. "recommendation/R/civil-society", where <group> is
// stakeholder_group_slug(). Do not change: document ids are stored in the log.
std::string recommendation_doc_id(const std::string& category_id, kenes::v1::StakeholderGroup group);
// "government", "academia", "technical-community", "private-sector", "media",
// "civil-society", "users", "un-intergovernmental", "national-igf", "other";
// "" for UNSPECIFIED.
std::string stakeholder_group_slug(kenes::v1::StakeholderGroup group);
// "Government", ..., "UN / intergovernmental", "National IGF", "Other";
// "Not given" for UNSPECIFIED.
std::string stakeholder_group_title(kenes::v1::StakeholderGroup group);
// The ten groups in the order of the issue and the product brief.
const std::vector<kenes::v1::StakeholderGroup>& stakeholder_groups();

// The report's front and back matter (issue 19) are drafts too, one
// document each: "report/<slug>" (report_section_doc_id), co-edited like the
// indicators. The slugs, in the national report's order: before the
// chapters "foreword", "acknowledgements", "executive-summary",
// "introduction", "methodology", "limitations"; after them "conclusions",
// "annexes", "references". Do not change: document ids are stored in the log.
std::string report_section_doc_id(std::string_view slug);
const std::vector<std::string_view>& front_matter_slugs();
const std::vector<std::string_view>& back_matter_slugs();

struct SectionReport {
  std::string slug;  // one of the slugs above; the renderers title it in the export's language
  std::string text;  // the document's current text (Markdown); blank when nobody wrote it
};

// A person named in the advisory board or research team list: the name
// alone (no group, no gender: issue 18's privacy rule), and whether they
// chair the consultation, which the list says beside the name.
struct TeamMember {
  std::string name;
  bool chair = false;
};

// An indicator's evidence (issue 19), as the renderers print it: each
// reference as a citation, the figures as a table with their breakdown rows.
struct ReferenceEntry {
  std::vector<std::string> authors;  // at least one
  std::string title;
  uint32_t year = 0;
  std::string publisher;  // "" when none
  std::string link;       // "" or an http(s) URL (the server checked it)
  std::string accessed;   // "" or "YYYY-MM-DD"

  // The same work: everything but the accessed date (two indicators citing
  // one report on different days cite it once in the annex).
  bool same_work(const ReferenceEntry& o) const {
    return authors == o.authors && title == o.title && year == o.year && publisher == o.publisher && link == o.link;
  }
};

struct FigureEntry {
  std::string label;
  std::string value;  // as the source writes it
  std::string unit;
  uint32_t year = 0;
  // The source: a reference of the same indicator, or a text. Both empty
  // only if the reference was removed while an edit naming it was in flight.
  std::optional<ReferenceEntry> source_reference;
  std::string source_text;
  std::vector<std::pair<std::string, std::string>> breakdown;  // label, value
  std::string note;
};

struct IndicatorReport {
  std::string id;
  std::string title;
  bool core = false;
  std::vector<std::string> suggested_sources;  // the framework's
  std::string draft;                           // text of document "indicator/<id>" ("" if none)
  uint64_t draft_version = 0;
  // The fields below come from the indicator workflow (status, sources used,
  // validation). Empty / unset when the log records none of it.
  kenes::v1::IndicatorStatus status = kenes::v1::INDICATOR_STATUS_NOT_STARTED;
  std::vector<std::string> sources_used;
  std::vector<std::string> assignees;  // display names
  std::optional<uint32_t> score;
  // The evidence, each in the order the team added it.
  std::vector<ReferenceEntry> references;
  std::vector<FigureEntry> figures;
  // The renderers word it in the export's language (i18n.h).
  struct Validation {
    bool validated = false;
    uint64_t version = 0;     // the draft version validated
    std::string by_poll;      // "" = validated by the chair
    uint64_t draft_now = 0;   // the draft's version now: changed since if > version
    std::string failed_poll;  // not validated: the last validation poll, which did not pass ("" = none)
    // When it was validated: the poll's close, or the chair's status change.
    // Validated by a poll (by_poll set), also its agreement counts and the
    // reservations of its "agree with reservations" ballots (issue 18), by
    // voter's display name unless the poll was anonymous.
    int64_t closed_at_unix_ms = 0;
    uint64_t agree = 0;
    uint64_t agree_with_reservations = 0;
    uint64_t disagree = 0;
    uint64_t abstain = 0;
    struct Reservation {
      std::string by;  // display name; "" when the poll was anonymous
      std::string text;
    };
    std::vector<Reservation> reservations;  // by voter id (named) or by text (anonymous), as the minutes list them
  } validation;
};

struct QuestionReport {
  std::string id;
  std::string title;
  std::vector<IndicatorReport> indicators;  // in scope only
};

struct ThemeReport {
  std::string id;
  std::string title;
  std::vector<QuestionReport> questions;  // with at least one indicator in scope
};

struct RecommendationReport {
  kenes::v1::StakeholderGroup group = kenes::v1::STAKEHOLDER_GROUP_UNSPECIFIED;
  std::string text;  // non-empty
};

struct CategoryReport {
  std::string id;
  std::string title;
  std::vector<ThemeReport> themes;
  std::vector<RecommendationReport> recommendations;  // groups with a non-empty draft, in group order
};

// No group or gender here: a person's are shown only as counts (by_group,
// by_gender through k_anonymous_cells), so no renderer can print them.
struct ParticipantRow {
  std::string name;
  kenes::v1::Role role = kenes::v1::ROLE_UNSPECIFIED;
};

struct ReportData {
  std::string consultation_id;
  std::string title;
  std::string edition;
  std::string source;
  // The scope in force (ConsultationState::scope): which of the framework's
  // indicators the report covers (ConsultationState::in_scope decides).
  kenes::v1::Scope scope = kenes::v1::SCOPE_ALL;
  std::size_t indicators_in_framework = 0;
  std::size_t indicators_in_scope = 0;
  std::size_t drafted = 0;  // indicators in scope with a non-empty draft
  LogHead head;
  // The contextual chapter (category "C") first, then the others in the
  // framework's order (R, O, A, M, X for ROAM-X).
  std::vector<CategoryReport> categories;
  // Front matter (foreword to limitations) and back matter (conclusions to
  // references): every slug, in order, written or not.
  std::vector<SectionReport> front_matter;
  std::vector<SectionReport> back_matter;
  // The lists printed after the methodology, from the roster (revoked people
  // left out), each the chair(s) first then by name. As the board's balance
  // counts it (consultation::roster_balance): the advisory board is the
  // members, and the chair if she counts herself one (BoardSettingsSet); the
  // research team is the researchers, and the chair as its lead when she is
  // not a board member. Observers are in neither.
  std::vector<TeamMember> advisory_board;
  std::vector<TeamMember> research_team;
  // Current, non-revoked participants, by role then name.
  std::vector<ParticipantRow> participants;
  // Balance of those participants: counts by group and by gender ("" is "not
  // given"), all of them; the renderers show them through k_anonymous_cells.
  // Separate margins, never a group x gender table: a report may be
  // published, and a cross table of a small board names people's genders.
  std::map<kenes::v1::StakeholderGroup, std::size_t> by_group;
  std::map<std::string, std::size_t> by_gender;
};

// One cell of a count of people by stakeholder group or by gender.
struct CountCell {
  std::string label;
  std::size_t people = 0;
  bool merged = false;  // the bucket of groups under 3 people (label unused: the renderer words it)
};

// One privacy rule everywhere (issue 18): a person's group and gender are
// shown only as counts, and only where at least 3 people are counted. Cells
// under 3 are summed into one merged bucket (last); if that bucket counts 1
// or 2, the smallest shown cell joins it (the first in `cells`' order among
// equals), as the polls' breakdowns (engine/poll.cc) and the minutes'
// attendance do. Empty when nothing may be shown: fewer than 3 in all.
// `cells` in display order; cells with no people are dropped.
std::vector<CountCell> k_anonymous_cells(std::vector<CountCell> cells);

ReportData build_report_data(const consultation::ConsultationState& state, const LogHead& head);

// The references annex (issue 19): every reference the indicators of `data`
// cite, each work once (ReferenceEntry::same_work; the first one's accessed
// date kept), sorted by the first author, then the other authors, the year
// and the title — byte order, which for names in one script is alphabetical
// enough and the same on every machine.
std::vector<ReferenceEntry> cited_references(const ReportData& data);

// "not started", "drafting", "in review", "validated", "needs revision".
std::string indicator_status_name(kenes::v1::IndicatorStatus status);

// The validation result of an indicator as a sentence ("" when it was never
// put to a validation poll nor validated by hand), e.g. "validated at draft
// version 7 by poll-3; the draft changed since (version 9)".
std::string validation_sentence(const consultation::ConsultationState& state, const std::string& indicator_id);

// A participant's display name, or the id when the log has none.
std::string display_name(const consultation::ConsultationState& state, const std::string& participant_id);

}  // namespace kenes::report
