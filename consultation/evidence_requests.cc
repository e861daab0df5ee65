// An indicator's evidence (issue 19): its references and figures, added,
// edited and removed by the chair or a researcher (who may change its
// sources). Every limit is checked here, with a message naming the field, so
// that the fold (assessment_state.cc) can trust the log. Ids are assigned
// here, counting the adds already logged and those in flight, so two adds in
// the same moment never share one.

#include <cctype>
#include <optional>
#include <string>

#include "consultation/handlers.h"
#include "consultation/permissions.h"
#include "engine/utf8.h"

namespace kenes::consultation::handlers {

using kenes::v1::ClientMessage;
using kenes::v1::LogRecord;

namespace {

constexpr int kMaxAuthors = 20;
constexpr size_t kMaxAuthorBytes = 300;
constexpr size_t kMaxTitleBytes = 1000;
constexpr size_t kMaxPublisherBytes = 300;
constexpr size_t kMaxLinkBytes = 2000;
constexpr size_t kMaxLabelBytes = 500;
constexpr size_t kMaxValueBytes = 100;
constexpr size_t kMaxUnitBytes = 100;
constexpr size_t kMaxSourceTextBytes = 1000;
constexpr int kMaxBreakdownRows = 50;
constexpr size_t kMaxRowLabelBytes = 200;
constexpr size_t kMaxNoteBytes = 2000;
constexpr uint32_t kMinYear = 1500;
constexpr uint32_t kMaxYear = 2199;
constexpr size_t kMaxPerIndicator = 200;

Outcome invalid(std::string message) {
  return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, std::move(message));
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

// The problem with a text field, if any: `required` ones may not be blank.
std::optional<std::string> text_problem(const std::string& field, const std::string& s, size_t max_bytes,
                                        bool required) {
  if (required && blank(s)) return field + " is required";
  if (s.size() > max_bytes) return field + " is at most " + std::to_string(max_bytes) + " bytes";
  if (!engine::is_valid_utf8(s)) return field + " is not valid UTF-8";
  return std::nullopt;
}

std::optional<std::string> year_problem(uint32_t year) {
  if (year < kMinYear || year > kMaxYear) {
    return "the year is " + std::to_string(kMinYear) + " to " + std::to_string(kMaxYear) + ", got " +
           std::to_string(year);
  }
  return std::nullopt;
}

// An absolute http or https URL with a host, no spaces or control
// characters: what a reader can click and a browser will open, and never
// javascript: or data:, which a link in the page or the report would run.
bool web_link(const std::string& s) {
  size_t host = 0;
  auto starts = [&](const char* scheme) {
    const std::string p(scheme);
    if (s.size() < p.size()) return false;
    for (size_t i = 0; i < p.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(s[i])) != p[i]) return false;
    }
    host = p.size();
    return true;
  };
  if (!starts("https://") && !starts("http://")) return false;
  if (host >= s.size() || s[host] == '/' || s[host] == '?' || s[host] == '#') return false;
  for (unsigned char c : s) {
    if (c <= 0x20 || c == 0x7f) return false;
  }
  return true;
}

std::optional<std::string> reference_problem(const kenes::v1::Reference& r) {
  if (r.authors().empty()) return std::string("a reference needs at least one author (a person or an institution)");
  if (r.authors_size() > kMaxAuthors) return "at most " + std::to_string(kMaxAuthors) + " authors";
  for (const auto& a : r.authors()) {
    if (auto p = text_problem("each author", a, kMaxAuthorBytes, true)) return p;
  }
  if (auto p = text_problem("the title", r.title(), kMaxTitleBytes, true)) return p;
  if (auto p = year_problem(r.year())) return p;
  if (auto p = text_problem("the publisher", r.publisher(), kMaxPublisherBytes, false)) return p;
  if (!r.link().empty()) {
    if (r.link().size() > kMaxLinkBytes) return "the link is at most " + std::to_string(kMaxLinkBytes) + " bytes";
    if (!engine::is_valid_utf8(r.link()) || !web_link(r.link())) {
      return "the link must be an http:// or https:// address without spaces, got '" + r.link().substr(0, 64) + "'";
    }
  }
  if (!r.accessed().empty() && !civil_date(r.accessed())) {
    return "the accessed date is a calendar date YYYY-MM-DD between 2000 and 2199, got '" +
           r.accessed().substr(0, 32) + "'";
  }
  return std::nullopt;
}

const kenes::v1::Reference* find_reference(const IndicatorState* ind, const std::string& id) {
  if (!ind) return nullptr;
  for (const auto& r : ind->references) {
    if (r.reference_id() == id) return &r;
  }
  return nullptr;
}

const kenes::v1::Figure* find_figure(const IndicatorState* ind, const std::string& id) {
  if (!ind) return nullptr;
  for (const auto& f : ind->figures) {
    if (f.figure_id() == id) return &f;
  }
  return nullptr;
}

std::optional<std::string> figure_problem(const kenes::v1::Figure& f, const IndicatorState* ind) {
  if (auto p = text_problem("the figure's label", f.label(), kMaxLabelBytes, true)) return p;
  if (auto p = text_problem("the value", f.value(), kMaxValueBytes, true)) return p;
  if (auto p = text_problem("the unit", f.unit(), kMaxUnitBytes, false)) return p;
  if (auto p = year_problem(f.year())) return p;
  const bool by_reference = !f.source_reference_id().empty();
  if (by_reference == !blank(f.source_text())) {
    return std::string("a figure's source is either one of the indicator's references or a text, not both or neither");
  }
  if (by_reference && !find_reference(ind, f.source_reference_id())) {
    return "the source '" + f.source_reference_id().substr(0, 64) + "' is not a reference of this indicator";
  }
  if (auto p = text_problem("the source", f.source_text(), kMaxSourceTextBytes, false)) return p;
  if (f.breakdown_size() > kMaxBreakdownRows) {
    return "a breakdown has at most " + std::to_string(kMaxBreakdownRows) + " rows";
  }
  for (const auto& row : f.breakdown()) {
    if (auto p = text_problem("each breakdown row's label", row.label(), kMaxRowLabelBytes, true)) return p;
    if (auto p = text_problem("each breakdown row's value", row.value(), kMaxValueBytes, true)) return p;
  }
  if (auto p = text_problem("the note", f.note(), kMaxNoteBytes, false)) return p;
  return std::nullopt;
}

// The first refusal every evidence request shares: who, and which indicator.
std::optional<Outcome> refuse_caller_or_indicator(const RequestContext& ctx, const Caller& caller,
                                                  const std::string& indicator_id, const char* what) {
  if (!may_edit_indicator_fields(caller.role)) return forbidden(caller, what);
  return missing_indicator(ctx.state, indicator_id);
}

Outcome not_found(const char* kind, const std::string& id) {
  return Outcome::refuse(kenes::v1::ERROR_CODE_NOT_FOUND,
                         std::string("no ") + kind + " '" + id.substr(0, 64) + "' on this indicator");
}

}  // namespace

Outcome add_reference(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.add_reference();
  if (auto no = refuse_caller_or_indicator(ctx, caller, r.indicator_id(), "add references")) return *no;
  if (auto p = reference_problem(r.reference())) return invalid(*p);
  const IndicatorState* ind = ctx.state.assessment().indicator(r.indicator_id());
  if (ind && ind->references.size() >= kMaxPerIndicator) {
    return invalid("an indicator has at most " + std::to_string(kMaxPerIndicator) + " references");
  }
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_reference_added();
  e->set_indicator_id(r.indicator_id());
  *e->mutable_reference() = r.reference();
  e->mutable_reference()->set_reference_id("ref-" +
                                           std::to_string(ctx.in_flight.next_reference_number(ctx.state.assessment())));
  return Outcome::append(std::move(rec));
}

Outcome edit_reference(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.edit_reference();
  if (auto no = refuse_caller_or_indicator(ctx, caller, r.indicator_id(), "edit references")) return *no;
  const IndicatorState* ind = ctx.state.assessment().indicator(r.indicator_id());
  const kenes::v1::Reference* now = find_reference(ind, r.reference().reference_id());
  if (!now) return not_found("reference", r.reference().reference_id());
  if (auto p = reference_problem(r.reference())) return invalid(*p);
  if (now->SerializeAsString() == r.reference().SerializeAsString()) return invalid("the reference is unchanged");
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_reference_edited();
  e->set_indicator_id(r.indicator_id());
  *e->mutable_reference() = r.reference();
  return Outcome::append(std::move(rec));
}

Outcome remove_reference(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.remove_reference();
  if (auto no = refuse_caller_or_indicator(ctx, caller, r.indicator_id(), "remove references")) return *no;
  const IndicatorState* ind = ctx.state.assessment().indicator(r.indicator_id());
  if (!find_reference(ind, r.reference_id())) return not_found("reference", r.reference_id());
  // A figure keeps its source: the chair removes or re-sources it first.
  for (const auto& f : ind->figures) {
    if (f.source_reference_id() == r.reference_id()) {
      return invalid("the reference is the source of figure " + f.figure_id() +
                     "; change that figure's source or remove it first");
    }
  }
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_reference_removed();
  e->set_indicator_id(r.indicator_id());
  e->set_reference_id(r.reference_id());
  return Outcome::append(std::move(rec));
}

Outcome add_figure(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.add_figure();
  if (auto no = refuse_caller_or_indicator(ctx, caller, r.indicator_id(), "add figures")) return *no;
  const IndicatorState* ind = ctx.state.assessment().indicator(r.indicator_id());
  if (auto p = figure_problem(r.figure(), ind)) return invalid(*p);
  if (ind && ind->figures.size() >= kMaxPerIndicator) {
    return invalid("an indicator has at most " + std::to_string(kMaxPerIndicator) + " figures");
  }
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_figure_added();
  e->set_indicator_id(r.indicator_id());
  *e->mutable_figure() = r.figure();
  e->mutable_figure()->set_figure_id("fig-" +
                                     std::to_string(ctx.in_flight.next_figure_number(ctx.state.assessment())));
  return Outcome::append(std::move(rec));
}

Outcome edit_figure(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.edit_figure();
  if (auto no = refuse_caller_or_indicator(ctx, caller, r.indicator_id(), "edit figures")) return *no;
  const IndicatorState* ind = ctx.state.assessment().indicator(r.indicator_id());
  const kenes::v1::Figure* now = find_figure(ind, r.figure().figure_id());
  if (!now) return not_found("figure", r.figure().figure_id());
  if (auto p = figure_problem(r.figure(), ind)) return invalid(*p);
  if (now->SerializeAsString() == r.figure().SerializeAsString()) return invalid("the figure is unchanged");
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_figure_edited();
  e->set_indicator_id(r.indicator_id());
  *e->mutable_figure() = r.figure();
  return Outcome::append(std::move(rec));
}

Outcome remove_figure(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.remove_figure();
  if (auto no = refuse_caller_or_indicator(ctx, caller, r.indicator_id(), "remove figures")) return *no;
  const IndicatorState* ind = ctx.state.assessment().indicator(r.indicator_id());
  if (!find_figure(ind, r.figure_id())) return not_found("figure", r.figure_id());
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_figure_removed();
  e->set_indicator_id(r.indicator_id());
  e->set_figure_id(r.figure_id());
  return Outcome::append(std::move(rec));
}

}  // namespace kenes::consultation::handlers
