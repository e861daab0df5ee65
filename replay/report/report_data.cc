#include "replay/report/report_data.h"

#include <algorithm>
#include <tuple>

namespace kenes::report {

namespace v1 = kenes::v1;

const std::vector<v1::StakeholderGroup>& stakeholder_groups() {
  static const std::vector<v1::StakeholderGroup> groups = {
      v1::STAKEHOLDER_GROUP_GOVERNMENT,       v1::STAKEHOLDER_GROUP_ACADEMIA,
      v1::STAKEHOLDER_GROUP_TECHNICAL_COMMUNITY, v1::STAKEHOLDER_GROUP_PRIVATE_SECTOR,
      v1::STAKEHOLDER_GROUP_MEDIA,            v1::STAKEHOLDER_GROUP_CIVIL_SOCIETY,
      v1::STAKEHOLDER_GROUP_USERS,            v1::STAKEHOLDER_GROUP_UN_INTERGOVERNMENTAL,
      v1::STAKEHOLDER_GROUP_NATIONAL_IGF,     v1::STAKEHOLDER_GROUP_OTHER};
  return groups;
}

std::string stakeholder_group_slug(v1::StakeholderGroup group) {
  switch (group) {
    case v1::STAKEHOLDER_GROUP_GOVERNMENT: return "government";
    case v1::STAKEHOLDER_GROUP_ACADEMIA: return "academia";
    case v1::STAKEHOLDER_GROUP_TECHNICAL_COMMUNITY: return "technical-community";
    case v1::STAKEHOLDER_GROUP_PRIVATE_SECTOR: return "private-sector";
    case v1::STAKEHOLDER_GROUP_MEDIA: return "media";
    case v1::STAKEHOLDER_GROUP_CIVIL_SOCIETY: return "civil-society";
    case v1::STAKEHOLDER_GROUP_USERS: return "users";
    case v1::STAKEHOLDER_GROUP_UN_INTERGOVERNMENTAL: return "un-intergovernmental";
    case v1::STAKEHOLDER_GROUP_NATIONAL_IGF: return "national-igf";
    case v1::STAKEHOLDER_GROUP_OTHER: return "other";
    default: return "";
  }
}

std::string stakeholder_group_title(v1::StakeholderGroup group) {
  switch (group) {
    case v1::STAKEHOLDER_GROUP_GOVERNMENT: return "Government";
    case v1::STAKEHOLDER_GROUP_ACADEMIA: return "Academia";
    case v1::STAKEHOLDER_GROUP_TECHNICAL_COMMUNITY: return "Technical community";
    case v1::STAKEHOLDER_GROUP_PRIVATE_SECTOR: return "Private sector";
    case v1::STAKEHOLDER_GROUP_MEDIA: return "Media";
    case v1::STAKEHOLDER_GROUP_CIVIL_SOCIETY: return "Civil society";
    case v1::STAKEHOLDER_GROUP_USERS: return "Users";
    case v1::STAKEHOLDER_GROUP_UN_INTERGOVERNMENTAL: return "UN / intergovernmental";
    case v1::STAKEHOLDER_GROUP_NATIONAL_IGF: return "National IGF";
    case v1::STAKEHOLDER_GROUP_OTHER: return "Other";
    default: return "Not given";
  }
}

std::string recommendation_doc_id(const std::string& category_id, v1::StakeholderGroup group) {
  return "recommendation/" + category_id + "/" + stakeholder_group_slug(group);
}

std::string report_section_doc_id(std::string_view slug) { return "report/" + std::string(slug); }

const std::vector<std::string_view>& front_matter_slugs() {
  static const std::vector<std::string_view> slugs = {"foreword",     "acknowledgements", "executive-summary",
                                                      "introduction", "methodology",      "limitations"};
  return slugs;
}

const std::vector<std::string_view>& back_matter_slugs() {
  static const std::vector<std::string_view> slugs = {"conclusions", "annexes", "references"};
  return slugs;
}

namespace {

std::string text_of(const consultation::ConsultationState& state, const std::string& doc_id, uint64_t* version = nullptr) {
  const auto* doc = state.find_document(doc_id);
  if (!doc) return {};
  if (version) *version = doc->version();
  return doc->text().to_string();
}

bool blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; });
}

// A validating poll's close time, counts and reservations (a poll validates
// an indicator only as its PollClosed record is folded, so it is closed).
void add_poll_outcome(const consultation::ConsultationState& state, const std::string& poll_id,
                      IndicatorReport::Validation* v) {
  const consultation::PollState* p = poll_id.empty() ? nullptr : state.assessment().poll(poll_id);
  if (!p || !p->close_logged) return;
  v->closed_at_unix_ms = p->close_logged_at_unix_ms;
  engine::PollView view = p->final_view ? *p->final_view : p->poll.view(p->eligible_at_close, p->close_logged_at_unix_ms);
  if (view.results && view.results->options.size() == 4) {
    const auto& o = view.results->options;
    v->agree = o[engine::kAgree].votes;
    v->agree_with_reservations = o[engine::kAgreeWithReservations].votes;
    v->disagree = o[engine::kDisagree].votes;
    v->abstain = o[engine::kAbstain].votes;
  }
  v1::PollResults shown;
  consultation::add_reservations(*p, &shown);
  for (const auto& r : shown.reservations()) {
    v->reservations.push_back({r.voter().empty() ? std::string() : display_name(state, r.voter()), r.text()});
  }
}

// The chair(s) first, then by name (byte order: the same bytes from the same
// log, whatever the machine's locale).
void sort_team(std::vector<TeamMember>& team) {
  std::stable_sort(team.begin(), team.end(), [](const TeamMember& a, const TeamMember& b) {
    return a.chair != b.chair ? a.chair : a.name < b.name;
  });
}

}  // namespace

std::string indicator_status_name(v1::IndicatorStatus status) {
  switch (status) {
    case v1::INDICATOR_STATUS_DRAFTING: return "drafting";
    case v1::INDICATOR_STATUS_IN_REVIEW: return "in review";
    case v1::INDICATOR_STATUS_VALIDATED: return "validated";
    case v1::INDICATOR_STATUS_NEEDS_REVISION: return "needs revision";
    default: return "not started";
  }
}

std::vector<CountCell> k_anonymous_cells(std::vector<CountCell> cells) {
  constexpr std::size_t kMinCounted = 3;
  std::vector<CountCell> shown;
  std::size_t merged = 0;
  for (auto& c : cells) {
    if (c.people >= kMinCounted) {
      shown.push_back(std::move(c));
    } else {
      merged += c.people;
    }
  }
  if (merged > 0 && merged < kMinCounted) {
    if (shown.empty()) return {};
    auto smallest = std::min_element(shown.begin(), shown.end(),
                                     [](const CountCell& a, const CountCell& b) { return a.people < b.people; });
    merged += smallest->people;
    shown.erase(smallest);
  }
  if (merged > 0) shown.push_back(CountCell{"", merged, true});
  return shown;
}

std::string display_name(const consultation::ConsultationState& state, const std::string& participant_id) {
  const consultation::Participant* p = state.participant(participant_id);
  return p && !p->display_name.empty() ? p->display_name : participant_id;
}

std::string validation_sentence(const consultation::ConsultationState& state, const std::string& indicator_id) {
  const consultation::IndicatorState* ind = state.assessment().indicator(indicator_id);
  if (!ind) return {};
  std::string out;
  if (ind->status == v1::INDICATOR_STATUS_VALIDATED) {
    out = "validated at draft version " + std::to_string(ind->validated_version) +
          (ind->validated_by_poll.empty() ? std::string(" by the chair") : " by " + ind->validated_by_poll);
    uint64_t now = state.draft_version(indicator_id);
    if (now > ind->validated_version) out += "; the draft changed since (version " + std::to_string(now) + ")";
    return out;
  }
  if (!ind->last_validation_poll.empty()) {
    out = "not validated: " + ind->last_validation_poll + " did not pass";
  }
  return out;
}

ReportData build_report_data(const consultation::ConsultationState& state, const LogHead& head) {
  ReportData out;
  out.consultation_id = state.consultation_id();
  out.head = head;
  if (!state.created()) return out;
  const auto& created = *state.created();
  out.title = created.title();
  out.edition = created.framework().edition();
  out.source = created.framework().source();
  out.scope = state.scope();

  std::vector<const v1::Category*> order;
  for (const auto& c : created.framework().categories()) {
    if (c.id() == "C") order.insert(order.begin(), &c);
    else order.push_back(&c);
  }
  for (const v1::Category* c : order) {
    CategoryReport cat{c->id(), c->title(), {}, {}};
    for (const auto& t : c->themes()) {
      ThemeReport theme{t.id(), t.title(), {}};
      for (const auto& q : t.questions()) {
        QuestionReport question{q.id(), q.title(), {}};
        for (const auto& i : q.indicators()) {
          ++out.indicators_in_framework;
          if (!state.in_scope(i)) continue;
          IndicatorReport ind;
          ind.id = i.id();
          ind.title = i.title();
          ind.core = i.core();
          ind.suggested_sources.assign(i.sources().begin(), i.sources().end());
          ind.draft = text_of(state, "indicator/" + i.id(), &ind.draft_version);
          if (!blank(ind.draft)) ++out.drafted;
          if (const consultation::IndicatorState* st = state.assessment().indicator(i.id())) {
            if (st->status != v1::INDICATOR_STATUS_UNSPECIFIED) ind.status = st->status;
            for (const auto& a : st->assignees) ind.assignees.push_back(display_name(state, a));
            ind.sources_used = st->sources;
            ind.score = st->score;
            auto entry = [](const kenes::v1::Reference& r) {
              return ReferenceEntry{{r.authors().begin(), r.authors().end()}, r.title(), r.year(), r.publisher(),
                                    r.link(), r.accessed()};
            };
            for (const auto& r : st->references) ind.references.push_back(entry(r));
            for (const auto& f : st->figures) {
              FigureEntry fig{f.label(), f.value(), f.unit(), f.year(), std::nullopt, f.source_text(), {}, f.note()};
              for (const auto& r : st->references) {
                if (!f.source_reference_id().empty() && r.reference_id() == f.source_reference_id()) {
                  fig.source_reference = entry(r);
                }
              }
              for (const auto& row : f.breakdown()) fig.breakdown.emplace_back(row.label(), row.value());
              ind.figures.push_back(std::move(fig));
            }
            // As validation_sentence() words it.
            if (st->status == v1::INDICATOR_STATUS_VALIDATED) {
              ind.validation.validated = true;
              ind.validation.version = st->validated_version;
              ind.validation.by_poll = st->validated_by_poll;
              ind.validation.draft_now = state.draft_version(i.id());
              add_poll_outcome(state, st->validated_by_poll, &ind.validation);
              // A chair's validation: the day of her status change.
              if (st->validated_by_poll.empty()) ind.validation.closed_at_unix_ms = st->status_at_unix_ms;
            } else {
              ind.validation.failed_poll = st->last_validation_poll;
            }
          }
          ++out.indicators_in_scope;
          question.indicators.push_back(std::move(ind));
        }
        if (!question.indicators.empty()) theme.questions.push_back(std::move(question));
      }
      cat.themes.push_back(std::move(theme));
    }
    for (auto group : stakeholder_groups()) {
      std::string text = text_of(state, recommendation_doc_id(c->id(), group));
      if (!blank(text)) cat.recommendations.push_back({group, std::move(text)});
    }
    out.categories.push_back(std::move(cat));
  }

  for (auto slug : front_matter_slugs()) {
    out.front_matter.push_back({std::string(slug), text_of(state, report_section_doc_id(slug))});
  }
  for (auto slug : back_matter_slugs()) {
    out.back_matter.push_back({std::string(slug), text_of(state, report_section_doc_id(slug))});
  }

  for (const auto& [id, p] : state.participants()) {
    if (p.revoked) continue;
    out.participants.push_back({p.display_name, p.role});
    ++out.by_group[p.stakeholder_group];
    ++out.by_gender[p.gender];
    const bool chair = p.role == v1::ROLE_CHAIR;
    // Who is on the board is consultation::roster_balance's rule; keep the two alike.
    if (p.role == v1::ROLE_MEMBER || (chair && state.chair_is_board_member())) {
      out.advisory_board.push_back({display_name(state, id), chair});
    } else if (p.role == v1::ROLE_RESEARCHER || chair) {
      out.research_team.push_back({display_name(state, id), chair});
    }
  }
  sort_team(out.advisory_board);
  sort_team(out.research_team);
  std::stable_sort(out.participants.begin(), out.participants.end(), [](const auto& a, const auto& b) {
    return a.role != b.role ? a.role < b.role : a.name < b.name;
  });
  return out;
}

std::vector<ReferenceEntry> cited_references(const ReportData& data) {
  std::vector<ReferenceEntry> out;
  for (const auto& c : data.categories) {
    for (const auto& t : c.themes) {
      for (const auto& q : t.questions) {
        for (const auto& i : q.indicators) {
          for (const auto& r : i.references) {
            if (std::none_of(out.begin(), out.end(), [&](const ReferenceEntry& o) { return o.same_work(r); })) {
              out.push_back(r);
            }
          }
        }
      }
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const ReferenceEntry& a, const ReferenceEntry& b) {
    return std::tie(a.authors, a.year, a.title) < std::tie(b.authors, b.year, b.title);
  });
  return out;
}

}  // namespace kenes::report
