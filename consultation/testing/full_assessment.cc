#include "consultation/testing/full_assessment.h"

#include <algorithm>
#include <map>

#include "consultation/proto_convert.h"
#include "consultation/sample_framework.h"
#include "engine/testing/random_edits.h"
#include "engine/utf8.h"

namespace kenes::consultation::testing {

namespace {

using engine::testing::Rng;
using kenes::v1::ClientMessage;

constexpr const char* kGenders[] = {"woman", "man", "woman", "man", "", "non-binary"};

// One draft being typed: the sessions of typing sources laid end to end, the
// active one occupying the text from `base` on.
struct Draft {
  std::string indicator;
  std::string doc;
  uint64_t target = 0;  // typing records to make
  uint64_t typed = 0;
  size_t source = 0;
  size_t next_patch = 0;
  uint64_t base = 0;  // where the active session's text starts
  size_t author = 0;  // index into the drafters
  bool done() const { return typed >= target; }
};

class Generator {
 public:
  Generator(const FullAssessmentOptions& o, const std::vector<TypingSource>& sources, SimulatedRoom::Sink sink,
            Checkpoint checkpoint)
      : o_(o),
        sources_(sources),
        rng_(o.seed),
        room_(o.consultation_id, o.start_unix_ms, std::move(sink)),
        checkpoint_(std::move(checkpoint)) {}

  FullAssessmentSummary run(SimulatedRoom* room_out) {
    if (sources_.empty()) return failed("no typing sources");
    set_up();
    const uint64_t typing_total = [&] {
      uint64_t n = 0;
      for (const auto& d : drafts_) n += d.target;
      return n;
    }();
    // Record times spread over the span: a step per typing record.
    step_ms_ = std::max<int64_t>(1, o_.span_days * 86'400'000 / static_cast<int64_t>(std::max<uint64_t>(1, typing_total)));
    const uint64_t discussion_every = std::max<uint64_t>(
        50, static_cast<uint64_t>(static_cast<double>(typing_total) /
                                  std::max(1.0, o_.threads_per_draft * static_cast<double>(drafts_.size()))));
    const uint64_t meeting_every = typing_total / static_cast<uint64_t>(std::max(1, o_.meetings) + 1) + 1;
    uint64_t typed_total = 0, next_discussion = discussion_every, next_meeting = meeting_every;
    std::vector<size_t> open;
    for (size_t i = 0; i < drafts_.size(); ++i) open.push_back(i);
    while (!open.empty() && summary_.error.empty()) {
      const size_t pick = rng_.below(open.size());
      Draft& d = drafts_[open[pick]];
      // A sitting: a few hundred to a couple of thousand keystrokes.
      const uint64_t sitting = std::min<uint64_t>(d.target - d.typed, rng_.between(200, 2000));
      for (uint64_t i = 0; i < sitting && summary_.error.empty(); ++i) {
        type_one(d);
        ++typed_total;
        maybe_checkpoint();
        while (typed_total >= next_discussion) {
          discuss();
          next_discussion += discussion_every;
        }
        if (typed_total >= next_meeting && summary_.meetings < static_cast<uint64_t>(o_.meetings)) {
          meet();
          next_meeting += meeting_every;
        }
      }
      update_status(d);
      if (d.done()) {
        open[pick] = open.back();
        open.pop_back();
      }
    }
    while (summary_.meetings < static_cast<uint64_t>(o_.meetings) && summary_.error.empty()) meet();
    room_.settle();
    if (checkpoint_) checkpoint_(room_.mutable_state());
    finish();
    if (room_out) *room_out = std::move(room_);
    return summary_;
  }

 private:
  void maybe_checkpoint() {
    if (!checkpoint_ || o_.checkpoint_every == 0) return;
    if (room_.state().seq() < last_checkpoint_ + o_.checkpoint_every) return;
    last_checkpoint_ = room_.state().seq();
    checkpoint_(room_.mutable_state());
  }

  FullAssessmentSummary failed(std::string why) {
    summary_.error = std::move(why);
    return summary_;
  }

  void check(const Outcome& out, const char* what) {
    // Refusals are fine (a poll already closed, a thread resolved); a record
    // the fold refused is a bug.
    if (out.refusal && out.refusal->code == kenes::v1::ERROR_CODE_INTERNAL && summary_.error.empty()) {
      summary_.error = std::string(what) + ": " + out.refusal->message;
    }
  }

  Outcome ask(const Caller& who, const ClientMessage& msg, const char* what) {
    room_.advance(rng_.between(1'000, 20'000));
    Outcome out = room_.request(who, msg);
    check(out, what);
    return out;
  }

  void set_up() {
    kenes::v1::LogRecord created;
    created.set_author("operator");
    auto* c = created.mutable_consultation_created();
    c->set_consultation_id(o_.consultation_id);
    c->set_title("National assessment of Internet Universality (ROAM-X), full size");
    *c->mutable_framework() = synthetic_framework(o_.indicators, o_.core_indicators, o_.questions);
    c->set_scope(kenes::v1::SCOPE_ALL);
    room_.append(created);
    for (const auto& cat : c->framework().categories()) {
      for (const auto& t : cat.themes()) {
        for (const auto& q : t.questions()) {
          for (const auto& i : q.indicators()) indicators_.push_back(i.id());
        }
      }
    }
    chair_ = room_.admit("chair", "Aigerim Sadykova (chair)", kenes::v1::ROLE_CHAIR);
    drafters_.push_back(chair_);
    for (int i = 1; i <= o_.researchers; ++i) {
      drafters_.push_back(join("researcher-" + std::to_string(i), kenes::v1::ROLE_RESEARCHER));
    }
    for (int i = 1; i <= o_.members; ++i) members_.push_back(join("member-" + std::to_string(i), kenes::v1::ROLE_MEMBER));
    for (int i = 1; i <= o_.observers; ++i) join("observer-" + std::to_string(i), kenes::v1::ROLE_OBSERVER);
    summary_.participants = 1 + static_cast<uint64_t>(o_.researchers + o_.members + o_.observers);
    for (const auto& id : indicators_) {
      Draft d;
      d.indicator = id;
      d.doc = "indicator/" + id;
      d.target = std::max<uint64_t>(1, o_.records_per_draft / 2 + rng_.below(o_.records_per_draft + 1));
      d.source = rng_.below(sources_.size());
      d.next_patch = 0;
      d.author = drafters_.size() > 1 ? 1 + rng_.below(drafters_.size() - 1) : 0;
      drafts_.push_back(d);
      ClientMessage assign;
      assign.mutable_set_indicator_assignees()->set_indicator_id(id);
      assign.mutable_set_indicator_assignees()->add_participant_ids(drafters_[d.author].participant_id);
      ask(chair_, assign, "assign");
    }
  }

  Caller join(const std::string& id, kenes::v1::Role role) {
    Caller c = room_.admit(id, "Participant " + id.substr(id.find('-') + 1) + " (" + id + ")", role);
    ClientMessage profile;
    profile.mutable_update_profile()->set_stakeholder_group(
        static_cast<kenes::v1::StakeholderGroup>(1 + rng_.below(10)));
    profile.mutable_update_profile()->set_gender(kGenders[rng_.below(std::size(kGenders))]);
    ask(c, profile, "profile");
    return c;
  }

  // One keystroke-sized patch of the draft's active session, as a submit.
  void type_one(Draft& d) {
    const TypingSource* src = &sources_[d.source];
    if (d.next_patch >= src->size()) {
      // The session ended: the next one starts at the end of the text.
      const engine::DocumentSequencer* doc = room_.state().find_document(d.doc);
      d.base = doc ? doc->text().length() : 0;
      d.source = (d.source + 1 + rng_.below(sources_.size())) % sources_.size();
      d.next_patch = 0;
      src = &sources_[d.source];
      if (src->empty()) return;
    }
    const TypingPatch& p = (*src)[d.next_patch++];
    const engine::DocumentSequencer* doc = room_.state().find_document(d.doc);
    engine::TextOp op;
    op.retain(d.base + p.pos).del(p.del).insert(p.ins);
    const Caller& who = drafters_[d.author];
    kenes::v1::SubmitOp submit;
    submit.set_doc_id(d.doc);
    submit.set_base_version(doc ? doc->version() : 0);
    submit.set_client_id(who.client_id);
    submit.set_client_seq(++client_seqs_[who.client_id]);
    op_to_proto(op, submit.mutable_op());
    room_.advance(rng_.between(step_ms_ / 2, step_ms_ + step_ms_ / 2));
    if (auto refused = room_.submit(who, submit)) {
      if (summary_.error.empty()) summary_.error = "typing " + d.doc + ": " + refused->message;
      return;
    }
    ++d.typed;
    ++summary_.text_edits;
  }

  void update_status(const Draft& d) {
    const IndicatorState* s = room_.state().assessment().indicator(d.indicator);
    const auto status = s ? s->status : kenes::v1::INDICATOR_STATUS_NOT_STARTED;
    kenes::v1::IndicatorStatus next = status;
    if (status == kenes::v1::INDICATOR_STATUS_NOT_STARTED) next = kenes::v1::INDICATOR_STATUS_DRAFTING;
    if (d.done() && status == kenes::v1::INDICATOR_STATUS_DRAFTING) next = kenes::v1::INDICATOR_STATUS_IN_REVIEW;
    if (next == status) return;
    ClientMessage m;
    m.mutable_set_indicator_status()->set_indicator_id(d.indicator);
    m.mutable_set_indicator_status()->set_status(next);
    ask(drafters_[d.author], m, "status");
  }

  // A draft with some text to talk about, or null.
  Draft* draft_with_text() {
    for (int tries = 0; tries < 20; ++tries) {
      Draft& d = drafts_[rng_.below(drafts_.size())];
      const engine::DocumentSequencer* doc = room_.state().find_document(d.doc);
      if (doc && doc->text().length() >= 40) return &d;
    }
    return nullptr;
  }

  // A member opens a thread on a passage (sometimes suggesting new wording),
  // others reply, and now and then one is settled.
  void discuss() {
    Draft* d = draft_with_text();
    if (!d) return;
    const engine::DocumentSequencer* doc = room_.state().find_document(d->doc);
    const uint64_t length = doc->text().length();
    const uint64_t from = rng_.below(length - 20);
    const uint64_t to = from + 5 + rng_.below(std::min<uint64_t>(60, length - from - 5));
    const Caller& who = members_.empty() ? chair_ : members_[rng_.below(members_.size())];
    ClientMessage m;
    auto* t = m.mutable_create_thread();
    t->mutable_target()->set_indicator_id(d->indicator);
    t->mutable_target()->set_doc_id(d->doc);
    t->mutable_target()->set_version(doc->version());
    t->mutable_target()->mutable_range()->set_anchor(from);
    t->mutable_target()->mutable_range()->set_head(to);
    t->set_body("Could this passage cite the national statistics office's latest figures? " + std::to_string(rng_.next() % 1000));
    const bool suggests = rng_.chance(1, 5);
    if (suggests) t->mutable_suggestion()->set_text("according to the national statistics office (2025),");
    Outcome created = ask(who, m, "thread");
    if (!created.record) return;
    const std::string thread = created.record->thread_created().thread_id();
    ++summary_.threads;
    ++summary_.comments;
    if (suggests) ++summary_.suggestions;
    const uint64_t replies = rng_.below(static_cast<uint64_t>(2 * o_.replies_per_thread) + 1);
    for (uint64_t i = 0; i < replies; ++i) {
      const bool researcher = rng_.chance(1, 3);
      const Caller& replier = researcher ? drafters_[d->author] : members_[rng_.below(members_.size())];
      ClientMessage r;
      r.mutable_add_comment()->set_thread_id(thread);
      r.mutable_add_comment()->set_body(researcher ? "Thank you, updated in the next revision."
                                                   : "Agreed; the 2024 survey says the same.");
      if (ask(replier, r, "reply").record) ++summary_.comments;
    }
    if (suggests && rng_.chance(1, 2)) settle_suggestion(*d, thread);
    if (rng_.chance(1, 3)) {
      ClientMessage r;
      r.mutable_resolve_thread()->set_thread_id(thread);
      r.mutable_resolve_thread()->set_resolved(true);
      ask(drafters_[d->author], r, "resolve");
    }
    if (rng_.chance(1, 2)) {
      ClientMessage r;
      r.mutable_mark_threads_read()->add_thread_ids(thread);
      r.mutable_mark_threads_read()->set_up_to_seq(room_.state().seq());
      ask(members_[rng_.below(members_.size())], r, "read");
    }
  }

  // Accepts a suggestion only before the active session's text (whose trace
  // positions must stay true), moving that session along; else rejects it.
  void settle_suggestion(Draft& d, const std::string& thread) {
    const ThreadState* t = room_.state().discussion().thread(thread);
    if (!t || !t->anchor) return;
    ClientMessage m;
    if (t->anchor->attached() && t->anchor->to() <= d.base && rng_.chance(2, 3)) {
      const int64_t delta = static_cast<int64_t>(engine::count_code_points(t->replacement)) -
                            static_cast<int64_t>(t->anchor->to() - t->anchor->from());
      m.mutable_accept_suggestion()->set_thread_id(thread);
      m.mutable_accept_suggestion()->set_accept_changed(true);
      if (ask(drafters_[d.author], m, "accept").record) d.base = static_cast<uint64_t>(static_cast<int64_t>(d.base) + delta);
      return;
    }
    m.mutable_reject_suggestion()->set_thread_id(thread);
    m.mutable_reject_suggestion()->set_reason("We keep the wording agreed with the ministry.");
    ask(drafters_[d.author], m, "reject");
  }

  // A board meeting: most members attend, the chair walks the agenda, each
  // item's draft put to a validation vote.
  void meet() {
    ++summary_.meetings;
    ClientMessage start;
    start.mutable_start_meeting()->set_title("Advisory board meeting " + std::to_string(summary_.meetings));
    std::vector<Draft*> agenda;
    for (int i = 0; i < o_.agenda_per_meeting; ++i) {
      if (Draft* d = draft_with_text()) {
        if (std::find(agenda.begin(), agenda.end(), d) == agenda.end()) agenda.push_back(d);
      }
    }
    for (Draft* d : agenda) start.mutable_start_meeting()->add_agenda_indicator_ids(d->indicator);
    Outcome started = ask(chair_, start, "meeting");
    if (!started.record) return;
    const std::string meeting = started.record->meeting_started().meeting_id();
    std::vector<const Caller*> attending = {&chair_};
    for (const auto& m : members_) {
      if (rng_.chance(3, 4)) attending.push_back(&m);
    }
    for (const Caller* c : attending) {
      ClientMessage j;
      j.mutable_join_meeting()->set_meeting_id(meeting);
      ask(*c, j, "join");
    }
    for (Draft* d : agenda) {
      ClientMessage spot;
      spot.mutable_set_spotlight()->set_meeting_id(meeting);
      spot.mutable_set_spotlight()->set_indicator_id(d->indicator);
      ask(chair_, spot, "spotlight");
      ClientMessage poll;
      auto* def = poll.mutable_create_poll()->mutable_definition();
      def->set_kind(kenes::v1::POLL_KIND_AGREEMENT);
      def->set_question("The draft of " + d->indicator + " is an accurate assessment");
      def->add_eligible_roles(kenes::v1::ROLE_MEMBER);
      def->set_anonymous(rng_.chance(1, 2));
      def->set_target_indicator_id(d->indicator);
      def->set_target_version(room_.state().draft_version(d->indicator));
      def->mutable_quorum()->set_num(1);
      def->mutable_quorum()->set_den(2);
      Outcome created = ask(chair_, poll, "poll");
      if (!created.record) continue;
      ++summary_.polls;
      const std::string id = created.record->poll_created().poll_id();
      ClientMessage open;
      open.mutable_open_poll()->set_poll_id(id);
      ask(chair_, open, "open");
      for (const Caller* c : attending) {
        if (c->role != kenes::v1::ROLE_MEMBER || rng_.chance(1, 10)) continue;
        const uint64_t dice = rng_.below(20);
        ClientMessage vote;
        vote.mutable_cast_vote()->set_poll_id(id);
        vote.mutable_cast_vote()->add_choices(dice < 14 ? 0 : dice < 17 ? 1 : dice < 19 ? 2 : 3);
        if (ask(*c, vote, "vote").record) ++summary_.ballots;
      }
      ClientMessage close;
      close.mutable_close_poll()->set_poll_id(id);
      ask(chair_, close, "close");
    }
    for (const Caller* c : attending) {
      if (c == &chair_ || rng_.chance(3, 4)) continue;
      ClientMessage l;
      l.mutable_leave_meeting()->set_meeting_id(meeting);
      ask(*c, l, "leave");
    }
    ClientMessage end;
    end.mutable_end_meeting()->set_meeting_id(meeting);
    ask(chair_, end, "end meeting");
    for (const auto& m : members_) {
      ClientMessage v;
      v.mutable_record_visit()->set_seen_seq(room_.state().seq());
      if (rng_.chance(1, 2)) ask(m, v, "visit");
    }
  }

  void finish() {
    summary_.head_seq = room_.state().seq();
    summary_.records = summary_.head_seq;
    for (const auto& [id, doc] : room_.state().documents()) summary_.final_code_points += doc.text().length();
    if (summary_.error.empty() && !room_.error().empty()) summary_.error = room_.error();
  }

  FullAssessmentOptions o_;
  const std::vector<TypingSource>& sources_;
  Rng rng_;
  SimulatedRoom room_;
  FullAssessmentSummary summary_;
  std::vector<std::string> indicators_;
  Caller chair_;
  std::vector<Caller> drafters_;  // the chair first, then the researchers
  std::vector<Caller> members_;
  std::vector<Draft> drafts_;
  std::map<std::string, uint64_t> client_seqs_;
  int64_t step_ms_ = 1;
  Checkpoint checkpoint_;
  uint64_t last_checkpoint_ = 0;
};

}  // namespace

kenes::v1::Framework synthetic_framework(int indicators, int core, int questions) {
  kenes::v1::Framework fw = sample_framework();
  fw.set_edition("ROAM-X (UNESCO, 2019) - synthetic full-size framework for measurement");
  std::vector<kenes::v1::Theme*> themes;
  for (auto& cat : *fw.mutable_categories()) {
    for (auto& theme : *cat.mutable_themes()) {
      theme.clear_questions();
      if (cat.id() != "C") themes.push_back(&theme);
    }
  }
  if (themes.empty()) return fw;
  const int q_count = std::max(1, questions);
  std::vector<kenes::v1::Question*> qs;
  for (int q = 0; q < q_count; ++q) {
    kenes::v1::Theme* theme = themes[static_cast<size_t>(q) * themes.size() / static_cast<size_t>(q_count)];
    auto* question = theme->add_questions();
    question->set_id(theme->id() + "." + std::to_string(theme->questions_size()));
    question->set_title("Question " + std::to_string(q + 1) + " of " + theme->title() + " (synthetic)");
    qs.push_back(question);
  }
  for (int i = 0; i < indicators; ++i) {
    kenes::v1::Question* q = qs[static_cast<size_t>(i) * qs.size() / static_cast<size_t>(std::max(1, indicators))];
    auto* ind = q->add_indicators();
    ind->set_id(q->id() + "." + std::to_string(q->indicators_size()));
    ind->set_title("Indicator " + std::to_string(i + 1) + ": " + q->title());
    // Spread evenly: the core set covers every category, as the real one does.
    ind->set_core(static_cast<int64_t>(i) * core / indicators != static_cast<int64_t>(i + 1) * core / indicators);
    ind->add_sources("National statistics office");
  }
  return fw;
}

FullAssessmentSummary make_full_assessment(const FullAssessmentOptions& options,
                                           const std::vector<TypingSource>& sources, SimulatedRoom::Sink sink,
                                           Checkpoint checkpoint, SimulatedRoom* room_out) {
  return Generator(options, sources, std::move(sink), std::move(checkpoint)).run(room_out);
}

}  // namespace kenes::consultation::testing
