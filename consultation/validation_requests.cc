// Validation sessions (issue 18): the chair picks a queue of items —
// indicators and recommendations — and the rules and statement once; then
// each "next" puts an item on screen and opens its validation poll in one
// record, so a workshop validates 109 indicators with one click each.

#include <set>

#include "consultation/assessment_convert.h"
#include "consultation/handlers.h"
#include "consultation/permissions.h"
#include "engine/utf8.h"

namespace kenes::consultation::handlers {

using kenes::v1::ClientMessage;
using kenes::v1::LogRecord;

namespace {

constexpr size_t kMaxItems = 400;
constexpr size_t kMaxStatementBytes = 1000;
constexpr std::string_view kRecommendationPrefix = "recommendation/";

Outcome session_state(std::string message) {
  return Outcome::refuse(kenes::v1::ERROR_CODE_MEETING_STATE, std::move(message));
}

const kenes::v1::Category* category(const ConsultationState& state, const std::string& id) {
  if (!state.created()) return nullptr;
  for (const auto& c : state.created()->framework().categories()) {
    if (c.id() == id) return &c;
  }
  return nullptr;
}

// "recommendation/<category>/<group slug>": the category and the slug, or
// nothing for anything else.
std::optional<std::pair<std::string, std::string>> recommendation_of(const std::string& item) {
  if (item.rfind(kRecommendationPrefix, 0) != 0) return std::nullopt;
  const std::string rest = item.substr(kRecommendationPrefix.size());
  const size_t slash = rest.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size()) return std::nullopt;
  std::string slug = rest.substr(slash + 1);
  for (char c : slug) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return std::nullopt;
  }
  return std::make_pair(rest.substr(0, slash), std::move(slug));
}

// The item as the statement names it, or nothing if the consultation has no
// such item.
std::optional<std::string> item_label(const ConsultationState& state, const std::string& item) {
  if (const kenes::v1::Indicator* ind = state.framework_indicator(item)) return item + " " + ind->title();
  if (auto rec = recommendation_of(item)) {
    const kenes::v1::Category* c = category(state, rec->first);
    if (!c) return std::nullopt;
    std::string group = rec->second;
    for (char& ch : group) {
      if (ch == '-') ch = ' ';
    }
    return "the recommendations of " + c->title() + " to " + group;
  }
  return std::nullopt;
}

std::string statement_for(const std::string& statement, const std::string& label) {
  std::string out = statement;
  const size_t at = out.find("{item}");
  if (at == std::string::npos) return out + " (" + label + ")";
  return out.replace(at, 6, label);
}

// The session if it is `id`, running, and nothing of it is in flight.
const ValidationSessionState* running_session(const RequestContext& ctx, const std::string& id) {
  const ValidationSessionState* v = ctx.state.assessment().running_validation_session();
  return v && v->id == id ? v : nullptr;
}

}  // namespace

Outcome start_validation_session(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.start_validation_session();
  if (!may_run_consultation(caller.role)) return forbidden(caller, "run validation sessions");
  if (ctx.in_flight.session_changing()) return session_state("a validation session is changing; try again");
  if (const auto* running = ctx.state.assessment().running_validation_session()) {
    return session_state("validation session '" + running->id + "' is running; end it first");
  }
  if (r.items().empty() || static_cast<size_t>(r.items_size()) > kMaxItems) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "a session validates 1-400 items");
  }
  std::set<std::string> seen;
  for (const auto& item : r.items()) {
    if (!item_label(ctx.state, item)) {
      return Outcome::refuse(kenes::v1::ERROR_CODE_NOT_FOUND,
                             "'" + item.substr(0, 128) +
                                 "' is neither an indicator of the framework nor recommendation/<category>/<group>");
    }
    if (!seen.insert(item).second) {
      return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "'" + item.substr(0, 128) + "' is in the queue twice");
    }
  }
  if (r.statement().empty() || r.statement().size() > kMaxStatementBytes || !engine::is_valid_utf8(r.statement())) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                           "the standard statement must be 1-1000 bytes of UTF-8 text (\"{item}\" stands for the item)");
  }
  // The rules as every item's poll will have them: checked once, here.
  kenes::v1::PollDefinition rules = r.rules();
  rules.set_kind(kenes::v1::POLL_KIND_AGREEMENT);
  rules.clear_options();
  rules.clear_target_indicator_id();
  rules.clear_target_version();
  rules.clear_closes_at_unix_ms();
  rules.set_question(r.statement());
  if (auto checked = poll_definition_from_proto(rules); !checked.ok()) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_POLL, checked.status().message());
  }
  rules.clear_question();
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_validation_session_started();
  e->set_session_id("session-" + std::to_string(ctx.in_flight.next_session_number(ctx.state.assessment())));
  *e->mutable_items() = r.items();
  *e->mutable_rules() = std::move(rules);
  e->set_statement(r.statement());
  return Outcome::append(std::move(rec));
}

Outcome next_validation_item(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.next_validation_item();
  if (!may_run_consultation(caller.role)) return forbidden(caller, "run validation sessions");
  if (ctx.in_flight.session_changing()) return session_state("the session is changing; try again");
  const ValidationSessionState* v = running_session(ctx, r.session_id());
  if (!v) return session_state("validation session '" + r.session_id().substr(0, 128) + "' is not running");
  const AssessmentState& a = ctx.state.assessment();
  if (const PollState* open = a.open_validation_poll(*v)) {
    if (ctx.in_flight.poll_changing(open->id)) return session_state("the vote on " + open->validation_item + " is closing; try again");
    return Outcome::refuse(kenes::v1::ERROR_CODE_POLL_NOT_OPEN,
                           "the vote on " + open->validation_item + " is open: close it first, so that everyone sees its outcome");
  }
  std::string item = r.item();
  if (item.empty()) {
    // The first undecided item in queue order, then the skipped ones.
    for (const auto& candidate : v->items) {
      if (a.item_status(*v, candidate) == ItemStatus::kPending) {
        item = candidate;
        break;
      }
    }
    for (const auto& candidate : v->items) {
      if (!item.empty()) break;
      if (a.item_status(*v, candidate) == ItemStatus::kSkipped) item = candidate;
    }
    if (item.empty()) return session_state("every item of the session has been voted on; end the session");
  } else if (std::find(v->items.begin(), v->items.end(), item) == v->items.end()) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_NOT_FOUND, "'" + item.substr(0, 128) + "' is not in this session's queue");
  }
  const std::optional<std::string> label = item_label(ctx.state, item);
  if (!label) return Outcome::refuse(kenes::v1::ERROR_CODE_NOT_FOUND, "'" + item.substr(0, 128) + "' is not in the framework");
  kenes::v1::PollDefinition def = v->rules;
  def.set_kind(kenes::v1::POLL_KIND_AGREEMENT);
  def.set_question(statement_for(v->statement, *label));
  if (ctx.state.framework_indicator(item)) {
    def.set_target_indicator_id(item);
    def.set_target_version(ctx.state.draft_version(item));
  }
  if (auto checked = poll_definition_from_proto(def); !checked.ok()) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_POLL, checked.status().message());
  }
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_validation_item_opened();
  e->set_session_id(v->id);
  e->set_item(item);
  e->set_poll_id("poll-" + std::to_string(ctx.in_flight.next_poll_number(a)));
  *e->mutable_definition() = std::move(def);
  return Outcome::append(std::move(rec));
}

Outcome skip_validation_item(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.skip_validation_item();
  if (!may_run_consultation(caller.role)) return forbidden(caller, "run validation sessions");
  if (ctx.in_flight.session_changing()) return session_state("the session is changing; try again");
  const ValidationSessionState* v = running_session(ctx, r.session_id());
  if (!v) return session_state("validation session '" + r.session_id().substr(0, 128) + "' is not running");
  if (std::find(v->items.begin(), v->items.end(), r.item()) == v->items.end()) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_NOT_FOUND, "'" + r.item().substr(0, 128) + "' is not in this session's queue");
  }
  switch (ctx.state.assessment().item_status(*v, r.item())) {
    case ItemStatus::kVoting: return Outcome::refuse(kenes::v1::ERROR_CODE_POLL_NOT_OPEN, "its vote is open: close it first");
    case ItemStatus::kSkipped: return Outcome::refuse(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "already skipped");
    default: break;
  }
  LogRecord rec = authored_by(caller);
  auto* e = rec.mutable_validation_item_skipped();
  e->set_session_id(v->id);
  e->set_item(r.item());
  return Outcome::append(std::move(rec));
}

Outcome end_validation_session(const RequestContext& ctx, const Caller& caller, const ClientMessage& msg) {
  const auto& r = msg.end_validation_session();
  if (!may_run_consultation(caller.role)) return forbidden(caller, "run validation sessions");
  if (ctx.in_flight.session_changing()) return session_state("the session is changing; try again");
  const ValidationSessionState* v = running_session(ctx, r.session_id());
  if (!v) return session_state("validation session '" + r.session_id().substr(0, 128) + "' is not running");
  if (const PollState* open = ctx.state.assessment().open_validation_poll(*v)) {
    return Outcome::refuse(kenes::v1::ERROR_CODE_POLL_NOT_OPEN, "the vote on " + open->validation_item + " is open: close it first");
  }
  LogRecord rec = authored_by(caller);
  rec.mutable_validation_session_ended()->set_session_id(v->id);
  return Outcome::append(std::move(rec));
}

}  // namespace kenes::consultation::handlers
