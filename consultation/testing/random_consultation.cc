#include "consultation/testing/random_consultation.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "consultation/proto_convert.h"
#include "consultation/sample_framework.h"
#include "engine/testing/random_edits.h"

namespace kenes::consultation::testing {

namespace {

using engine::testing::Alphabet;
using engine::testing::Rng;
using kenes::v1::ClientMessage;

// Everything the generator needs between steps.
class Generator {
 public:
  Generator(const RandomConsultationOptions& o) : o_(o), rng_(o.seed), room_("random-" + std::to_string(o.seed), 1'800'000'000'000) {}

  SimulatedRoom run() {
    kenes::v1::LogRecord created;
    created.set_author("operator");
    auto* c = created.mutable_consultation_created();
    c->set_consultation_id(room_.state().consultation_id());
    c->set_title("Random consultation " + std::to_string(o_.seed));
    *c->mutable_framework() = sample_framework();
    c->set_scope(kenes::v1::SCOPE_ALL);
    room_.append(created);
    for (const auto& cat : c->framework().categories()) {
      for (const auto& theme : cat.themes()) {
        for (const auto& q : theme.questions()) {
          for (const auto& i : q.indicators()) {
            indicators_.push_back(i.id());
            if (!i.core()) non_core_.push_back(i.id());
          }
        }
      }
    }
    join("chair", kenes::v1::ROLE_CHAIR);
    for (int i = 1; i <= o_.researchers; ++i) join("researcher-" + std::to_string(i), kenes::v1::ROLE_RESEARCHER);
    for (int i = 1; i <= o_.members; ++i) join("member-" + std::to_string(i), kenes::v1::ROLE_MEMBER);
    for (int i = 1; i <= o_.observers; ++i) join("observer-" + std::to_string(i), kenes::v1::ROLE_OBSERVER);
    revoke_at_ = static_cast<int>(rng_.between(o_.steps / 2, o_.steps));
    for (int step = 0; step < o_.steps; ++step) {
      room_.advance(static_cast<int64_t>(rng_.chance(1, 20) ? rng_.between(10'000, 120'000) : rng_.between(1, 3000)));
      if (step == revoke_at_) revoke_someone();
      act();
    }
    roster();
    validation_session();
    return std::move(room_);
  }

 private:
  // The chair's roster (issue 18), after the random steps so that adding it
  // left the steps' draws as they were: invitations one by one and from a
  // file, a re-issued link, someone invited coming, a registration link a
  // walk-in uses and the chair closes, the chair counted in the board.
  void roster() {
    const Caller& chair = callers_.front();
    auto request = [&](const kenes::v1::ClientMessage& m) {
      room_.advance(static_cast<int64_t>(rng_.between(1, 3000)));
      return room_.request(chair, m);
    };
    kenes::v1::ClientMessage invite;
    auto* i = invite.mutable_invite_participant();
    i->set_participant_id("invited-1");
    i->set_display_name(display_name("invited-1"));
    i->set_role(kenes::v1::ROLE_MEMBER);
    i->set_stakeholder_group(kenes::v1::STAKEHOLDER_GROUP_MEDIA);
    i->set_gender(rng_.chance(1, 2) ? "woman" : "");
    request(invite);
    kenes::v1::ClientMessage import;
    import.mutable_import_participants()->set_csv("name,role,group\n" + display_name("a") + ",member,academia\n" +
                                                 display_name("b") + ",observer,\n");
    import.mutable_import_participants()->set_id_prefix("imported");
    request(import);
    kenes::v1::ClientMessage reissue;
    reissue.mutable_reissue_invite_link()->set_participant_id("invited-1");
    request(reissue);
    room_.advance(1000);
    Invitation link = personal_invitation("invited-1", "", kenes::v1::ROLE_MEMBER);
    link.link_generation = 1;
    room_.arrive(link);
    kenes::v1::ClientMessage open;
    auto* o = open.mutable_open_registration();
    o->set_registration_id("workshop-1");
    o->set_role(kenes::v1::ROLE_MEMBER);
    o->set_expires_unix_ms(room_.now() + 86'400'000);
    o->set_cap(static_cast<uint32_t>(rng_.between(1, 5)));
    o->set_label("Workshop " + text(12));
    request(open);
    Invitation walk_in;
    walk_in.participant_id = "w-walk-in-1";
    walk_in.registration_id = "workshop-1";
    walk_in.registration.set_display_name(display_name("walk-in"));
    walk_in.registration.set_stakeholder_group(kenes::v1::STAKEHOLDER_GROUP_CIVIL_SOCIETY);
    room_.advance(1000);
    room_.arrive(walk_in);
    kenes::v1::ClientMessage close;
    close.mutable_close_registration()->set_registration_id("workshop-1");
    request(close);
    kenes::v1::ClientMessage board;
    board.mutable_set_board_settings()->set_chair_is_board_member(rng_.chance(1, 2));
    request(board);
  }

  // A validation session (issue 18), after the random steps for the same
  // reason: three items, one voted on, one skipped, one recommendation.
  void validation_session() {
    const Caller& chair = callers_.front();
    auto request = [&](const kenes::v1::ClientMessage& m) {
      room_.advance(static_cast<int64_t>(rng_.between(1, 3000)));
      return room_.request(chair, m);
    };
    kenes::v1::ClientMessage start;
    auto* s = start.mutable_start_validation_session();
    s->add_items(indicators_[2]);
    s->add_items(indicators_[3]);
    s->add_items("recommendation/R/government");
    s->mutable_rules()->add_eligible_roles(kenes::v1::ROLE_MEMBER);
    s->mutable_rules()->set_anonymous(rng_.chance(1, 2));
    s->set_statement("The assessment of {item} is accurate and complete.");
    if (request(start).refusal) return;
    const std::string session = room_.last().validation_session_started().session_id();
    auto next = [&] {
      kenes::v1::ClientMessage m;
      m.mutable_next_validation_item()->set_session_id(session);
      return request(m).refusal ? std::string() : room_.last().validation_item_opened().poll_id();
    };
    auto vote_and_close = [&](const std::string& poll) {
      for (const auto& c : callers_) {
        if (c.role != kenes::v1::ROLE_MEMBER || !rng_.chance(2, 3)) continue;
        kenes::v1::ClientMessage v;
        v.mutable_cast_vote()->set_poll_id(poll);
        const uint32_t choice = static_cast<uint32_t>(rng_.below(4));
        v.mutable_cast_vote()->add_choices(choice);
        if (choice == 1) v.mutable_cast_vote()->set_reservation(text(40));
        room_.advance(static_cast<int64_t>(rng_.between(1, 2000)));
        room_.request(c, v);
      }
      kenes::v1::ClientMessage close;
      close.mutable_close_poll()->set_poll_id(poll);
      request(close);
    };
    if (std::string poll = next(); !poll.empty()) vote_and_close(poll);
    kenes::v1::ClientMessage skip;
    skip.mutable_skip_validation_item()->set_session_id(session);
    skip.mutable_skip_validation_item()->set_item(indicators_[3]);
    request(skip);
    if (std::string poll = next(); !poll.empty()) vote_and_close(poll);
    kenes::v1::ClientMessage end;
    end.mutable_end_validation_session()->set_session_id(session);
    request(end);
    // The chair's attendance marks for the minutes (issue 18).
    if (!room_.state().assessment().meetings().empty()) {
      const std::string meeting = room_.state().assessment().meetings().back().id;
      const kenes::v1::AttendanceMark marks[] = {kenes::v1::ATTENDANCE_MARK_EXCUSED, kenes::v1::ATTENDANCE_MARK_PRESENT,
                                                 kenes::v1::ATTENDANCE_MARK_NONE};
      for (const auto mark : marks) {
        kenes::v1::ClientMessage m;
        m.mutable_mark_attendance()->set_meeting_id(meeting);
        m.mutable_mark_attendance()->set_participant_id(mark == kenes::v1::ATTENDANCE_MARK_PRESENT ? "member-2" : "member-1");
        m.mutable_mark_attendance()->set_mark(mark);
        request(m);
      }
    }
  }

  void join(const std::string& id, kenes::v1::Role role) {
    callers_.push_back(room_.admit(id, display_name(id), role));
  }

  // Names in the people's languages: the folds must carry any Unicode.
  std::string display_name(const std::string& id) {
    static const char* const kNames[] = {"Айгерім", "Даниияр", "Elena", "Нұрлан", "Saule", "Мария", "José", "李明"};
    return std::string(kNames[rng_.below(std::size(kNames))]) + " (" + id + ")";
  }

  Alphabet alphabet() {
    static const Alphabet kAll[] = {Alphabet::kAscii, Alphabet::kKazakh, Alphabet::kMixed, Alphabet::kEmoji};
    return kAll[rng_.below(std::size(kAll))];
  }
  std::string text(size_t max_units) { return engine::testing::random_text(rng_, rng_.between(1, max_units), alphabet()); }

  const Caller& anyone() { return callers_[rng_.below(callers_.size())]; }
  const Caller& with_role(kenes::v1::Role role) {
    // Mostly someone of the role, sometimes anyone (so that refusals happen).
    if (rng_.chance(1, 8)) return anyone();
    std::vector<const Caller*> of;
    for (const auto& c : callers_) {
      if (c.role == role) of.push_back(&c);
    }
    return of.empty() ? anyone() : *of[rng_.below(of.size())];
  }
  const Caller& drafter() { return with_role(rng_.chance(1, 3) ? kenes::v1::ROLE_CHAIR : kenes::v1::ROLE_RESEARCHER); }
  const Caller& commenter() { return with_role(rng_.chance(2, 3) ? kenes::v1::ROLE_MEMBER : kenes::v1::ROLE_RESEARCHER); }

  std::string draft_doc() { return "indicator/" + indicators_[2 + rng_.below(std::max(1, o_.drafts))]; }
  std::string indicator() { return indicators_[rng_.below(indicators_.size())]; }

  template <class Map>
  std::string pick_key(const Map& m) {
    if (m.empty()) return "none-" + std::to_string(rng_.below(3));
    auto it = m.begin();
    std::advance(it, rng_.below(m.size()));
    return it->first;
  }
  std::string thread_id() { return pick_key(room_.state().discussion().threads()); }
  std::string poll_id() { return pick_key(room_.state().assessment().polls()); }
  // Mostly one the request can act on, so that most requests succeed: a
  // poll that is open (or not yet opened), a thread with an open suggestion.
  std::string poll_id(bool opened) {
    std::vector<std::string> fit;
    for (const auto& [id, p] : room_.state().assessment().polls()) {
      if (p.opened == opened && !p.close_logged) fit.push_back(id);
    }
    return fit.empty() || rng_.chance(1, 6) ? poll_id() : fit[rng_.below(fit.size())];
  }
  std::string suggestion_thread_id() {
    std::vector<std::string> fit;
    for (const auto& [id, t] : room_.state().discussion().threads()) {
      if (t.suggestion == SuggestionStatus::kOpen) fit.push_back(id);
    }
    return fit.empty() || rng_.chance(1, 6) ? thread_id() : fit[rng_.below(fit.size())];
  }
  std::string meeting_id() {
    const auto& meetings = room_.state().assessment().meetings();
    if (const MeetingState* running = room_.state().assessment().running_meeting(); running && rng_.chance(4, 5)) {
      return running->id;
    }
    return meetings.empty() ? "meeting-1" : meetings[rng_.below(meetings.size())].id;
  }
  // A comment of `thread`, the caller's own when there is one and a coin says so.
  std::string comment_of(const std::string& thread, const Caller& caller) {
    const ThreadState* t = room_.state().discussion().thread(thread);
    if (!t || t->comment_ids.empty()) return "comment-1";
    if (rng_.chance(2, 3)) {
      for (const auto& id : t->comment_ids) {
        const CommentState* c = room_.state().discussion().comment(id);
        if (c && c->author == caller.participant_id) return id;
      }
    }
    return t->comment_ids[rng_.below(t->comment_ids.size())];
  }
  void mentions(google::protobuf::RepeatedPtrField<std::string>* out) {
    if (rng_.chance(1, 4)) *out->Add() = anyone().participant_id;
  }
  // A range of `doc` as a client sees it at some recent version: [anchor, head) there.
  bool range_at(const std::string& doc, uint64_t* version, kenes::v1::TextRange* range) {
    const engine::DocumentSequencer* d = room_.state().find_document(doc);
    if (!d || d->version() == 0) return false;
    *version = d->version() - std::min<uint64_t>(d->version(), rng_.below(3));
    uint64_t length = 0;
    std::vector<const engine::TextOp*> ops;
    if (!d->ops_since(*version, &length, &ops).ok() || length == 0) return false;
    const uint64_t from = rng_.below(length);
    const uint64_t to = from + 1 + rng_.below(std::min<uint64_t>(20, length - from));
    range->set_anchor(rng_.chance(1, 2) ? from : to);
    range->set_head(range->anchor() == from ? to : from);
    return true;
  }

  void request(const Caller& caller, const ClientMessage& msg) { room_.request(caller, msg); }

  void type() {
    const Caller& who = drafter();
    const std::string doc = draft_doc();
    const engine::DocumentSequencer* d = room_.state().find_document(doc);
    const uint64_t current = d ? d->version() : 0;
    // An op made a few versions back, as a typist's whose edits crossed others'.
    const uint64_t base = current - std::min<uint64_t>(current, rng_.below(3));
    uint64_t length = 0;
    std::vector<const engine::TextOp*> ops;
    if (d && !d->ops_since(base, &length, &ops).ok()) return;
    // Mostly typing (an insert somewhere), sometimes any edit: drafts grow,
    // as they do, and threads have text to anchor to.
    engine::TextOp op;
    if (rng_.chance(7, 10)) {
      op.retain(rng_.below(length + 1)).insert(text(12));
    } else {
      op = engine::testing::random_op(rng_, length, alphabet());
    }
    kenes::v1::SubmitOp submit;
    submit.set_doc_id(doc);
    submit.set_base_version(base);
    submit.set_client_id(who.client_id);
    submit.set_client_seq(++client_seqs_[who.client_id]);
    op_to_proto(op, submit.mutable_op());
    room_.submit(who, submit);
  }

  void create_poll() {
    ClientMessage m;
    auto* d = m.mutable_create_poll()->mutable_definition();
    const uint64_t kind = rng_.below(4);
    d->set_question(text(6));
    d->set_anonymous(rng_.chance(1, 2));
    d->set_results_hidden_until_closed(rng_.chance(1, 3));
    if (!d->results_hidden_until_closed()) d->set_live_results(rng_.chance(1, 2));
    d->add_eligible_roles(kenes::v1::ROLE_MEMBER);
    if (rng_.chance(1, 2)) d->add_eligible_roles(kenes::v1::ROLE_RESEARCHER);
    if (rng_.chance(1, 4)) d->add_eligible_roles(kenes::v1::ROLE_CHAIR);
    if (rng_.chance(1, 3)) {
      d->mutable_quorum()->set_num(1);
      d->mutable_quorum()->set_den(2);
    }
    if (rng_.chance(1, 4)) d->set_closes_at_unix_ms(room_.now() + static_cast<int64_t>(rng_.between(5'000, 200'000)));
    if (kind == 0 || rng_.chance(1, 3)) {
      d->set_kind(kenes::v1::POLL_KIND_AGREEMENT);
      if (rng_.chance(2, 3)) {
        const std::string doc = draft_doc();
        d->set_target_indicator_id(doc.substr(std::string("indicator/").size()));
        d->set_target_version(room_.state().draft_version(d->target_indicator_id()));
      }
    } else {
      d->set_kind(kind == 1 ? kenes::v1::POLL_KIND_SINGLE_CHOICE
                            : kind == 2 ? kenes::v1::POLL_KIND_MULTIPLE_CHOICE : kenes::v1::POLL_KIND_RANKING);
      const uint64_t n = rng_.between(2, 4);
      for (uint64_t i = 0; i < n; ++i) d->add_options("option " + std::to_string(i + 1) + " " + text(3));
      if (kind == 3) d->set_ranking_method(rng_.chance(1, 2) ? kenes::v1::RANKING_METHOD_BORDA : kenes::v1::RANKING_METHOD_INSTANT_RUNOFF);
    }
    request(with_role(kenes::v1::ROLE_CHAIR), m);
  }

  void vote() {
    const std::string id = poll_id(true);
    const PollState* p = room_.state().assessment().poll(id);
    ClientMessage m;
    m.mutable_cast_vote()->set_poll_id(id);
    const uint64_t options = p ? std::max<uint64_t>(p->definition.options_size(), 4) : 3;
    const bool many = p && (p->definition.kind() == kenes::v1::POLL_KIND_MULTIPLE_CHOICE ||
                            p->definition.kind() == kenes::v1::POLL_KIND_RANKING);
    const uint64_t count = many ? rng_.between(1, options) : 1;
    // Validation statements mostly agreed with, so that some pass.
    if (p && p->definition.kind() == kenes::v1::POLL_KIND_AGREEMENT && rng_.chance(2, 3)) {
      // Some with reservations, in words (issue 18).
      const bool reservations = rng_.chance(1, 3);
      m.mutable_cast_vote()->add_choices(reservations ? 1 : 0);
      if (reservations) m.mutable_cast_vote()->set_reservation(text(60));
      return request(with_role(kenes::v1::ROLE_MEMBER), m);
    }
    std::vector<uint32_t> choices;
    for (uint32_t i = 0; i < options; ++i) choices.push_back(i);
    for (uint64_t i = 0; i < count; ++i) {
      std::swap(choices[i], choices[i + rng_.below(choices.size() - i)]);
      m.mutable_cast_vote()->add_choices(choices[i]);
    }
    request(with_role(kenes::v1::ROLE_MEMBER), m);
  }

  // An indicator's references and figures (issue 19), on the first two
  // indicators so that edits and removals find what was added; a tenth of
  // them break a limit (a javascript: link, a year out of range).
  void evidence() {
    ClientMessage m;
    const std::string ind = indicators_[rng_.below(std::min<size_t>(2, indicators_.size()))];
    const IndicatorState* now = room_.state().assessment().indicator(ind);
    auto some_reference = [&] {
      if (!now || now->references.empty()) return std::string("ref-99");
      return now->references[rng_.below(now->references.size())].reference_id();
    };
    auto some_figure = [&] {
      if (!now || now->figures.empty()) return std::string("fig-99");
      return now->figures[rng_.below(now->figures.size())].figure_id();
    };
    auto fill_reference = [&](kenes::v1::Reference* r) {
      r->add_authors(text(3));
      if (rng_.chance(1, 3)) r->add_authors(text(3));
      r->set_title(text(6));
      r->set_year(static_cast<uint32_t>(rng_.between(1990, 2026)));
      if (rng_.chance(1, 2)) r->set_publisher(text(3));
      if (rng_.chance(1, 2)) r->set_link("https://example.org/report-" + std::to_string(rng_.below(100)));
      if (!r->link().empty() && rng_.chance(1, 2)) r->set_accessed("2026-11-0" + std::to_string(rng_.between(1, 9)));
      if (rng_.chance(1, 10)) {
        if (rng_.chance(1, 2)) {
          r->set_link("javascript:alert(1)");
        } else {
          r->set_year(3000);
        }
      }
    };
    auto fill_figure = [&](kenes::v1::Figure* f) {
      static constexpr const char* kValues[] = {"87.3%", "≈ 1.2 million", "< 5", "12"};
      static constexpr const char* kRows[] = {"women", "men", "urban", "rural"};
      f->set_label(text(4));
      f->set_value(kValues[rng_.below(4)]);
      if (rng_.chance(1, 2)) f->set_unit("%");
      f->set_year(static_cast<uint32_t>(rng_.between(2000, 2026)));
      if (now && !now->references.empty() && rng_.chance(1, 2)) {
        f->set_source_reference_id(some_reference());
      } else {
        f->set_source_text(text(3));
      }
      const uint64_t rows = rng_.below(4);
      for (uint64_t i = 0; i < rows; ++i) {
        auto* row = f->add_breakdown();
        row->set_label(kRows[(i + rng_.below(4)) % 4]);
        row->set_value(std::to_string(rng_.below(100)) + "%");
      }
      if (rng_.chance(1, 3)) f->set_note(text(5));
      if (rng_.chance(1, 10)) f->set_year(1200);
    };
    switch (rng_.below(12)) {
      case 0:
      case 1:
        m.mutable_add_reference()->set_indicator_id(ind);
        fill_reference(m.mutable_add_reference()->mutable_reference());
        break;
      case 2:
      case 3:
      case 4:
        m.mutable_add_figure()->set_indicator_id(ind);
        fill_figure(m.mutable_add_figure()->mutable_figure());
        break;
      case 5:
      case 6:
        m.mutable_edit_reference()->set_indicator_id(ind);
        fill_reference(m.mutable_edit_reference()->mutable_reference());
        m.mutable_edit_reference()->mutable_reference()->set_reference_id(some_reference());
        break;
      case 7:
      case 8:
        m.mutable_edit_figure()->set_indicator_id(ind);
        fill_figure(m.mutable_edit_figure()->mutable_figure());
        m.mutable_edit_figure()->mutable_figure()->set_figure_id(some_figure());
        break;
      case 9:
        m.mutable_remove_reference()->set_indicator_id(ind);
        m.mutable_remove_reference()->set_reference_id(some_reference());
        break;
      default:
        m.mutable_remove_figure()->set_indicator_id(ind);
        m.mutable_remove_figure()->set_figure_id(some_figure());
        break;
    }
    request(drafter(), m);
  }

  void revoke_someone() {
    const std::string who = "member-" + std::to_string(o_.members);
    ClientMessage m;
    m.mutable_revoke_participant()->set_participant_id(who);
    m.mutable_revoke_participant()->set_reason("left the board");
    if (room_.request(callers_.front(), m).refusal) return;
    // The room closes a revoked participant's connections: no more requests.
    std::erase_if(callers_, [&](const Caller& c) { return c.participant_id == who; });
  }

  void act() {
    ClientMessage m;
    const uint64_t dice = rng_.below(100);
    if (dice < 30) return rng_.chance(1, 5) ? evidence() : type();
    if (dice < 37) {
      const Caller& who = commenter();
      auto* t = m.mutable_create_thread();
      const std::string doc = draft_doc();
      t->mutable_target()->set_indicator_id(doc.substr(std::string("indicator/").size()));
      uint64_t version = 0;
      if (rng_.chance(3, 4) && range_at(doc, &version, t->mutable_target()->mutable_range())) {
        t->mutable_target()->set_doc_id(doc);
        t->mutable_target()->set_version(version);
        if (rng_.chance(1, 3)) t->mutable_suggestion()->set_text(rng_.chance(1, 6) ? std::string() : text(6));
      } else {
        t->mutable_target()->clear_range();
      }
      t->set_body(t->has_suggestion() && rng_.chance(1, 2) ? std::string() : text(8));
      mentions(t->mutable_mentions());
      return request(who, m);
    }
    if (dice < 44) {
      const Caller& who = commenter();
      m.mutable_add_comment()->set_thread_id(thread_id());
      m.mutable_add_comment()->set_body(text(8));
      mentions(m.mutable_add_comment()->mutable_mentions());
      return request(who, m);
    }
    if (dice < 47) {
      const Caller& who = commenter();
      const std::string thread = thread_id();
      m.mutable_edit_comment()->set_thread_id(thread);
      m.mutable_edit_comment()->set_comment_id(comment_of(thread, who));
      m.mutable_edit_comment()->set_body(text(8));
      mentions(m.mutable_edit_comment()->mutable_mentions());
      return request(who, m);
    }
    if (dice < 49) {
      const Caller& who = commenter();
      const std::string thread = thread_id();
      m.mutable_delete_comment()->set_thread_id(thread);
      m.mutable_delete_comment()->set_comment_id(comment_of(thread, who));
      return request(who, m);
    }
    if (dice < 50) {
      const std::string thread = thread_id();
      m.mutable_hide_comment()->set_thread_id(thread);
      m.mutable_hide_comment()->set_comment_id(comment_of(thread, callers_.front()));
      m.mutable_hide_comment()->set_reason(text(5));
      return request(with_role(kenes::v1::ROLE_CHAIR), m);
    }
    if (dice < 53) {
      m.mutable_resolve_thread()->set_thread_id(thread_id());
      m.mutable_resolve_thread()->set_resolved(rng_.chance(2, 3));
      return request(anyone(), m);
    }
    if (dice < 55) {
      // A detached thread when there is one: re-attaching an attached one is refused.
      std::string thread = thread_id();
      for (const auto& [id, t] : room_.state().discussion().threads()) {
        if (t.anchor && !t.anchor->attached() && rng_.chance(1, 2)) thread = id;
      }
      const ThreadState* t = room_.state().discussion().thread(thread);
      uint64_t version = 0;
      m.mutable_reattach_thread()->set_thread_id(thread);
      if (!t || !range_at(t->target.doc_id().empty() ? draft_doc() : t->target.doc_id(), &version,
                          m.mutable_reattach_thread()->mutable_range())) {
        return;
      }
      m.mutable_reattach_thread()->set_version(version);
      return request(commenter(), m);
    }
    if (dice < 58) {
      const Caller& who = commenter();
      const std::string thread = thread_id();
      auto* r = m.mutable_set_reaction();
      r->set_thread_id(thread);
      r->set_comment_id(comment_of(thread, callers_.front()));
      r->set_reaction(kenes::v1::REACTION_PLUS_ONE);
      r->set_on(rng_.chance(3, 4));
      return request(who, m);
    }
    if (dice < 61) {
      if (rng_.chance(2, 3)) {
        m.mutable_accept_suggestion()->set_thread_id(suggestion_thread_id());
        m.mutable_accept_suggestion()->set_accept_changed(rng_.chance(1, 2));
      } else {
        m.mutable_reject_suggestion()->set_thread_id(suggestion_thread_id());
        m.mutable_reject_suggestion()->set_reason(rng_.chance(1, 2) ? text(5) : std::string());
      }
      return request(drafter(), m);
    }
    if (dice < 62) {
      m.mutable_set_observer_commenting()->set_enabled(!room_.state().discussion().observers_may_comment());
      return request(with_role(kenes::v1::ROLE_CHAIR), m);
    }
    if (dice < 65) {
      m.mutable_mark_threads_read()->add_thread_ids(thread_id());
      m.mutable_mark_threads_read()->set_up_to_seq(room_.state().seq() - rng_.below(4));
      return request(anyone(), m);
    }
    if (dice < 66) {
      m.mutable_record_visit()->set_seen_seq(room_.state().seq() - rng_.below(10));
      return request(anyone(), m);
    }
    if (dice < 67) {
      m.mutable_set_notification_settings()->set_email(rng_.chance(5, 6) ? "someone@example.org" : "not an address");
      m.mutable_set_notification_settings()->set_period(
          static_cast<kenes::v1::DigestPeriod>(rng_.between(1, 4)));
      return request(anyone(), m);
    }
    if (dice < 69) {
      auto* p = m.mutable_update_profile();
      if (rng_.chance(1, 2)) p->set_display_name(display_name("renamed"));
      p->set_stakeholder_group(static_cast<kenes::v1::StakeholderGroup>(rng_.between(0, 10)));
      p->set_gender(rng_.chance(1, 2) ? "f" : rng_.chance(1, 2) ? "m" : "");
      return request(anyone(), m);
    }
    if (dice < 71) return create_poll();
    if (dice < 74) {
      m.mutable_open_poll()->set_poll_id(poll_id(false));
      return request(with_role(kenes::v1::ROLE_CHAIR), m);
    }
    if (dice < 83) return vote();
    if (dice < 85) {
      m.mutable_close_poll()->set_poll_id(poll_id(true));
      return request(with_role(kenes::v1::ROLE_CHAIR), m);
    }
    if (dice < 88) {
      m.mutable_set_indicator_status()->set_indicator_id(indicator());
      m.mutable_set_indicator_status()->set_status(static_cast<kenes::v1::IndicatorStatus>(rng_.between(1, 5)));
      return request(drafter(), m);
    }
    if (dice < 89 && rng_.chance(1, 2)) {
      // Sometimes a date that does not exist or the same date again: refused.
      static constexpr const char* kDates[] = {"2027-03-12", "2027-04-30", "", "2027-02-30"};
      m.mutable_set_indicator_due_date()->set_indicator_id(indicator());
      m.mutable_set_indicator_due_date()->set_due_date(kDates[rng_.below(4)]);
      return request(with_role(kenes::v1::ROLE_CHAIR), m);
    }
    if (dice < 89) {
      m.mutable_set_indicator_assignees()->set_indicator_id(indicator());
      m.mutable_set_indicator_assignees()->add_participant_ids(with_role(kenes::v1::ROLE_RESEARCHER).participant_id);
      return request(with_role(kenes::v1::ROLE_CHAIR), m);
    }
    if (dice < 90) {
      m.mutable_set_indicator_sources()->set_indicator_id(indicator());
      m.mutable_set_indicator_sources()->add_sources(text(8));
      return request(drafter(), m);
    }
    if (dice < 91) {
      m.mutable_set_indicator_score()->set_indicator_id(indicator());
      if (rng_.chance(4, 5)) m.mutable_set_indicator_score()->set_score(static_cast<uint32_t>(rng_.below(101)));
      return request(drafter(), m);
    }
    if (dice < 92) {
      auto* scope = m.mutable_set_scope();
      uint64_t kind = non_core_.empty() ? rng_.below(2) : rng_.below(3);
      scope->set_scope(kind == 0 ? kenes::v1::SCOPE_CORE
                       : kind == 1 ? kenes::v1::SCOPE_ALL
                                   : kenes::v1::SCOPE_CORE_PLUS_SELECTED);
      if (kind == 2) {
        // Some of the others, at least one, in no particular order.
        for (const auto& id : non_core_) {
          if (rng_.chance(1, 2)) scope->add_selected_indicator_ids(id);
        }
        if (scope->selected_indicator_ids().empty()) scope->add_selected_indicator_ids(non_core_.back());
      }
      return request(with_role(kenes::v1::ROLE_CHAIR), m);
    }
    if (dice < 93) {
      m.mutable_start_meeting()->set_title(text(6));
      m.mutable_start_meeting()->add_agenda_indicator_ids(indicator());
      return request(with_role(kenes::v1::ROLE_CHAIR), m);
    }
    if (dice < 95) {
      m.mutable_set_spotlight()->set_meeting_id(meeting_id());
      m.mutable_set_spotlight()->set_indicator_id(rng_.chance(1, 5) ? std::string() : indicator());
      return request(with_role(kenes::v1::ROLE_CHAIR), m);
    }
    if (dice < 98) {
      m.mutable_join_meeting()->set_meeting_id(meeting_id());
      return request(anyone(), m);
    }
    if (dice < 99) {
      m.mutable_leave_meeting()->set_meeting_id(meeting_id());
      return request(anyone(), m);
    }
    m.mutable_end_meeting()->set_meeting_id(meeting_id());
    request(with_role(kenes::v1::ROLE_CHAIR), m);
  }

  RandomConsultationOptions o_;
  Rng rng_;
  SimulatedRoom room_;
  std::vector<std::string> indicators_;
  std::vector<std::string> non_core_;  // the framework's indicators that are not core
  std::vector<Caller> callers_;
  std::map<std::string, uint64_t> client_seqs_;
  int revoke_at_ = 0;
};

}  // namespace

SimulatedRoom random_consultation(const RandomConsultationOptions& options) { return Generator(options).run(); }

}  // namespace kenes::consultation::testing
