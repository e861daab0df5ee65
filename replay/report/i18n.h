#pragma once

// The words of the assessment report in the team's language: English,
// Russian or Kazakh (PRODUCT.md: the languages that matter first). Only what
// Kenes itself writes is translated — headings, labels, sentences, dates,
// status, role and group names; what people wrote (drafts, titles, names)
// goes out as written.
//
// The Russian and Kazakh wording follows the web client's (client-web/src/
// i18n/ru.ts, kk.ts) where the two say the same thing. Sentences avoid
// putting a number before a noun, so no plural forms are needed.
//
// Pure and thread-safe.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "kenes/v1/assessment.pb.h"
#include "kenes/v1/log.pb.h"
#include "kenes/v1/protocol.pb.h"

namespace kenes::report {

enum class Lang { kEn, kRu, kKk };

// "en", "ru", "kk" (case-insensitive; a region such as "ru-RU" is ignored);
// nothing for anything else.
std::optional<Lang> parse_lang(std::string_view code);
// "en", "ru", "kk": for <html lang>, file names.
std::string_view lang_code(Lang lang);
// "en-GB", "ru-RU", "kk-KZ": for Word's spelling and hyphenation.
std::string_view lang_locale(Lang lang);

// Every sentence pattern the report uses; {name} marks a value (fill()).
struct ReportWords {
  const char* assessment_report;  // {edition}
  const char* built_from;         // {consultation} {seq} {hash} {time}
  const char* check_it;
  const char* scope_all;   // {n}
  const char* scope_core;  // {n} {total}
  const char* scope_core_plus_selected;  // {n} {total}
  const char* drafted;     // {n} {total}
  const char* contents;
  const char* core;  // the badge next to a core indicator's title
  const char* status;
  const char* assigned_to;
  const char* suggested_sources;
  const char* none;
  const char* sources_used;
  const char* none_recorded;
  const char* score;
  const char* validation;
  const char* not_validated;
  const char* draft_version;
  const char* no_draft;
  const char* theme_out_of_scope;
  const char* recommendations;  // {category}
  const char* participants;
  const char* no_participants;
  const char* by_group;
  const char* by_gender;
  const char* not_given;
  const char* groups_under_3;  // the bucket that sums every count under 3 people (k_anonymous_cells)
  const char* not_shown_under_3;  // a breakdown of fewer than 3 people in all
  const char* about;
  const char* framework;  // {edition}
  const char* source;     // {source}
  const char* generated;
  // A sentence: validated by an agreement poll, when it closed and its counts (issue 18).
  const char* validated_by_poll;   // {date} {poll} {version} {agree} {reservations} {disagree} {abstain}
  const char* draft_changed_since;  // {version}: a sentence after validated_by_poll
  const char* reservations;         // the heading of the poll's reservations, listed under its sentence
  const char* validated_by_chair;  // {version} {date}
  const char* changed_since;       // {version}
  const char* poll_did_not_pass;   // {poll}
  const char* back_to_text;        // a footnote's link back to where it is cited (HTML)
  // Issue 19: the front and back matter and the lists after the methodology.
  const char* not_written_yet;  // an empty section in the working copy
  const char* advisory_board;
  const char* research_team;
  const char* research_lead;  // beside the chair's name in the research team
  const char* no_one_yet;     // an empty list in the working copy
  // The publication's validation sentences: no poll id, no draft version.
  const char* validated_by_poll_public;  // {date} {agree} {reservations} {disagree} {abstain}
  const char* validated_by_chair_public;  // {date}
  const char* edited_since_validation;  // a sentence after either
  // Issue 19: an indicator's evidence and the references annex.
  const char* figures;          // the label above an indicator's table of figures
  const char* figure_column;    // the table's columns
  const char* value_column;
  const char* unit_column;
  const char* year_column;
  const char* source_column;
  const char* references;       // the label above an indicator's references
  const char* and_word;         // "A, B and C"
  const char* et_al;            // "A et al. (2024)", a figure's source
  const char* accessed;         // {date}: after a reference's link
  const char* note;             // before a figure's note: "Note (Internet users): ..."
  const char* source_removed;   // a figure whose reference is gone
};

const ReportWords& report_words(Lang lang);

// The title of a front- or back-matter section (report_data.h's slugs):
// "Executive summary", "Резюме", "Түйіндеме"; "" for an unknown slug.
std::string section_title(std::string_view slug, Lang lang);

// `pattern` with each {name} replaced by its value; unknown names stay.
std::string fill(std::string_view pattern, std::initializer_list<std::pair<std::string_view, std::string>> values);

// "1 January 2026, 09:40 UTC", "1 января 2026 г., 09:40 UTC",
// "2026 жылғы 1 қаңтар, 09:40 UTC".
std::string format_date_time(int64_t unix_ms, Lang lang);
// The date alone (UTC): "1 January 2026", "1 января 2026 г.", "2026 жылғы 1 қаңтар".
std::string format_date(int64_t unix_ms, Lang lang);

// Lower-case where the name sits inside a sentence or after a label.
std::string status_name(kenes::v1::IndicatorStatus status, Lang lang);  // "validated", "утверждён", ...
std::string role_name(kenes::v1::Role role, Lang lang);                 // "chair", "председатель", ...
std::string group_name(kenes::v1::StakeholderGroup group, Lang lang);   // "Government", "Государство", ...

}  // namespace kenes::report
