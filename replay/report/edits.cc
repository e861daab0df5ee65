#include "replay/report/edits.h"

#include <algorithm>
#include <map>

#include "replay/report/passage_diff.h"
#include "replay/report/report_data.h"

namespace kenes::report {

namespace {

using Moment = ThreadActivity::Moment;
using EntryKind = MinutesThreadEntry::Kind;

// After `rec` was folded into `state`: the decision it records, if any.
void note_decision(const consultation::ConsultationState& state, const kenes::v1::LogRecord& rec,
                   std::vector<MinutesDecision>* decisions) {
  MinutesDecision d;
  d.at_unix_ms = rec.time_unix_ms();
  d.by = display_name(state, rec.author());
  using K = MinutesDecision::Kind;
  if (rec.has_indicator_status_changed()) {
    const auto& e = rec.indicator_status_changed();
    d.kind = K::kStatusChanged;
    d.subject = minutes_subject(state, e.indicator_id());
    d.status = e.status();
    d.version = e.text_version();
  } else if (rec.has_poll_closed()) {
    const consultation::PollState* poll = state.assessment().poll(rec.poll_closed().poll_id());
    if (!poll) return;
    // A validation poll: of an indicator (its target), or of a session's item.
    const std::string& target = poll->definition.target_indicator_id();
    const std::string& item = target.empty() ? poll->validation_item : target;
    if (item.empty()) return;
    d.kind = poll->passed_at_close ? K::kValidatedByPoll : K::kNotValidated;
    d.subject = minutes_subject(state, item);
    d.poll = poll->id;
    d.version = target.empty() ? 0 : poll->definition.target_version();
  } else if (rec.has_validation_session_started()) {
    const auto& e = rec.validation_session_started();
    d.kind = K::kSessionStarted;
    d.session = e.session_id();
    for (const auto& item : e.items()) d.items.push_back(minutes_subject(state, item));
  } else if (rec.has_validation_item_opened()) {
    d.kind = K::kItemOpened;
    d.subject = minutes_subject(state, rec.validation_item_opened().item());
    d.poll = rec.validation_item_opened().poll_id();
  } else if (rec.has_validation_item_skipped()) {
    d.kind = K::kItemSkipped;
    d.subject = minutes_subject(state, rec.validation_item_skipped().item());
  } else if (rec.has_validation_session_ended()) {
    d.kind = K::kSessionEnded;
    d.session = rec.validation_session_ended().session_id();
  } else {
    return;
  }
  decisions->push_back(std::move(d));
}

// The thread a record moves, and how; nothing for other records. Edits
// and deletions of comments are not moments: the words shown are those at
// the range's end, and a removed comment is not shown at all.
std::optional<std::pair<std::string, Moment>> thread_moment(const kenes::v1::LogRecord& rec) {
  Moment m;
  m.author = rec.author();
  m.at_unix_ms = rec.time_unix_ms();
  if (rec.has_thread_created()) {
    m.comment_id = rec.thread_created().first_comment_id();
    return std::pair{rec.thread_created().thread_id(), m};
  }
  if (rec.has_comment_added()) {
    m.comment_id = rec.comment_added().comment_id();
    return std::pair{rec.comment_added().thread_id(), m};
  }
  if (rec.has_thread_resolved()) {
    m.kind = rec.thread_resolved().resolved() ? EntryKind::kResolved : EntryKind::kReopened;
    return std::pair{rec.thread_resolved().thread_id(), m};
  }
  if (rec.has_suggestion_rejected()) {
    m.kind = EntryKind::kSuggestionRejected;
    m.reason = rec.suggestion_rejected().reason();
    return std::pair{rec.suggestion_rejected().thread_id(), m};
  }
  if (rec.has_text_edit() && !rec.text_edit().accepts_suggestion_of_thread().empty()) {
    m.kind = EntryKind::kSuggestionAccepted;
    return std::pair{rec.text_edit().accepts_suggestion_of_thread(), m};
  }
  return std::nullopt;
}

std::string touched_poll(const kenes::v1::LogRecord& rec) {
  if (rec.has_poll_created()) return rec.poll_created().poll_id();
  if (rec.has_poll_opened()) return rec.poll_opened().poll_id();
  if (rec.has_poll_closed()) return rec.poll_closed().poll_id();
  if (rec.has_validation_item_opened()) return rec.validation_item_opened().poll_id();
  return {};
}

}  // namespace

MinutesSubject minutes_subject(const consultation::ConsultationState& state, const std::string& id) {
  MinutesSubject s;
  s.id = id;
  std::string indicator = id.rfind("indicator/", 0) == 0 ? id.substr(10) : id;
  if (const auto* ind = state.framework_indicator(indicator)) {
    s.id = indicator;
    s.title = ind->title();
    return s;
  }
  // "recommendation/<category>/<group slug>", the group one of the ten.
  if (id.rfind("recommendation/", 0) == 0) {
    std::string rest = id.substr(15);
    std::size_t slash = rest.find('/');
    if (slash != std::string::npos) {
      for (auto g : stakeholder_groups()) {
        if (stakeholder_group_slug(g) == rest.substr(slash + 1)) {
          s.recommendation = true;
          s.category = rest.substr(0, slash);
          s.group = g;
        }
      }
    }
  }
  return s;
}

DocumentChanges changes_between(storage::Log& log, const std::string& consultation_id, uint64_t after_seq,
                                uint64_t through_seq) {
  DocumentChanges out;
  consultation::ConsultationState state(consultation_id);
  std::map<std::string, DocumentChange> changes;
  std::map<std::string, std::size_t> thread_index;  // into out.threads
  kenes::v1::LogRecord rec;
  storage::Status st = log.replay(consultation_id, 1, [&](const storage::RecordView& r) -> storage::Status {
    if (r.seq > through_seq) return storage::Status(storage::Code::kNotFound, "past the range");
    rec.Clear();
    if (!rec.ParseFromArray(r.payload.data(), static_cast<int>(r.payload.size()))) {
      out.error = "record " + std::to_string(r.seq) + " does not decode";
      return storage::Status(storage::Code::kCorruption, out.error);
    }
    rec.set_seq(r.seq);
    const bool in_range = r.seq > after_seq;
    if (in_range && rec.has_text_edit()) {
      const std::string& doc = rec.text_edit().doc_id();
      auto [it, first] = changes.try_emplace(doc);
      if (first) {
        it->second.doc_id = doc;
        it->second.first_edit_unix_ms = rec.time_unix_ms();
        if (const auto* d = state.find_document(doc)) {
          it->second.from_version = d->version();
          it->second.before = d->text().to_string();
        }
      }
      it->second.last_edit_unix_ms = rec.time_unix_ms();
      auto& authors = it->second.authors;
      if (std::find(authors.begin(), authors.end(), rec.author()) == authors.end()) authors.push_back(rec.author());
    }
    engine::Status applied = state.apply(rec);
    if (!applied.ok()) {
      out.error = applied.message();
      return storage::Status(storage::Code::kCorruption, out.error);
    }
    if (!in_range) return storage::Status();
    note_decision(state, rec, &out.decisions);
    if (auto moment = thread_moment(rec)) {
      auto [it, first] = thread_index.try_emplace(moment->first, out.threads.size());
      if (first) {
        out.threads.emplace_back();
        out.threads.back().thread.id = moment->first;
        out.threads.back().created_in_range = rec.has_thread_created();
      }
      out.threads[it->second].moments.push_back(std::move(moment->second));
    }
    if (std::string poll = touched_poll(rec);
        !poll.empty() && std::find(out.polls.begin(), out.polls.end(), poll) == out.polls.end()) {
      out.polls.push_back(std::move(poll));
    }
    return storage::Status();
  });
  if (!st.ok() && st.code() != storage::Code::kNotFound) {
    if (out.error.empty()) out.error = st.message();
    return out;
  }
  for (auto& [doc, change] : changes) {
    const auto* d = state.find_document(doc);
    change.to_version = d ? d->version() : 0;
    change.after = d ? d->text().to_string() : std::string();
    out.changes.push_back(std::move(change));
  }
  // The threads as the range ends: their words then (a later edit of a
  // comment is not what was said in the meeting).
  for (ThreadActivity& a : out.threads) {
    const consultation::ThreadState* t = state.discussion().thread(a.thread.id);
    if (!t) continue;  // cannot happen: the fold refuses moments of unknown threads
    a.thread = *t;
    for (const auto& id : t->comment_ids) {
      if (const consultation::CommentState* c = state.discussion().comment(id)) a.comments.push_back(*c);
    }
  }
  return out;
}

std::vector<MinutesEdit> minutes_edits(const DocumentChanges& changes, const consultation::ConsultationState& state) {
  std::vector<MinutesEdit> out;
  for (const auto& c : changes.changes) {
    if (c.before == c.after) continue;  // edits that cancelled out
    MinutesEdit e;
    e.doc_id = c.doc_id;
    e.subject = minutes_subject(state, c.doc_id);
    e.from_version = c.from_version;
    e.to_version = c.to_version;
    for (const auto& a : c.authors) e.authors.push_back(display_name(state, a));
    e.first_edit_unix_ms = c.first_edit_unix_ms;
    e.last_edit_unix_ms = c.last_edit_unix_ms;
    e.changes = passage_diff(c.before, c.after);
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<MinutesThread> minutes_threads(const DocumentChanges& changes, const consultation::ConsultationState& state) {
  std::vector<MinutesThread> out;
  for (const ThreadActivity& a : changes.threads) {
    const consultation::ThreadState& th = a.thread;
    MinutesThread t;
    t.id = th.id;
    t.subject = minutes_subject(state, th.target.indicator_id().empty() ? th.target.doc_id() : th.target.indicator_id());
    t.quote = th.target.doc_id().empty() ? std::string() : th.quote;
    t.started_in_meeting = a.created_in_range;
    t.suggestion = th.suggestion != consultation::SuggestionStatus::kNone;
    t.replacement = th.replacement;
    t.suggestion_open_at_end = th.suggestion == consultation::SuggestionStatus::kOpen;
    t.suggested_by = display_name(state, th.creator);
    auto comment_entry = [&](const consultation::CommentState& c) -> std::optional<MinutesThreadEntry> {
      MinutesThreadEntry e;
      e.kind = EntryKind::kComment;
      e.by = display_name(state, c.author);
      e.at_unix_ms = c.created_unix_ms;
      // Removed since, up to the export: not printed, whenever it happened.
      const consultation::CommentState* now = state.discussion().comment(c.id);
      if (c.deleted || (now && now->deleted)) {
        e.removed = MinutesThreadEntry::Removed::kDeleted;
      } else if (c.hidden || (now && now->hidden)) {
        e.removed = MinutesThreadEntry::Removed::kHidden;
        e.hidden_reason = now && now->hidden ? now->hidden_reason : c.hidden_reason;
      } else {
        e.text = c.body;
      }
      // A suggestion may come without words: the suggestion says who made it.
      if (e.removed == MinutesThreadEntry::Removed::kNo && e.text.empty()) return std::nullopt;
      return e;
    };
    const consultation::CommentState* opening = a.comments.empty() ? nullptr : &a.comments.front();
    if (opening) t.started_at_unix_ms = t.suggested_at_unix_ms = opening->created_unix_ms;
    if (!a.created_in_range && opening) {
      // Started before the meeting: its opening comment gives the context,
      // the replies before the meeting are only counted.
      if (auto e = comment_entry(*opening)) t.entries.push_back(std::move(*e));
      std::size_t earlier = 0;
      for (std::size_t i = 1; i < a.comments.size(); ++i) {
        const bool in_meeting = std::any_of(a.moments.begin(), a.moments.end(),
                                            [&](const Moment& m) { return m.comment_id == a.comments[i].id; });
        if (!in_meeting) ++earlier;
      }
      if (earlier > 0) {
        MinutesThreadEntry e;
        e.kind = EntryKind::kEarlierReplies;
        e.count = earlier;
        t.entries.push_back(std::move(e));
      }
    }
    for (const Moment& m : a.moments) {
      if (m.kind == EntryKind::kComment) {
        auto c = std::find_if(a.comments.begin(), a.comments.end(),
                              [&](const consultation::CommentState& x) { return x.id == m.comment_id; });
        if (c == a.comments.end()) continue;
        if (auto e = comment_entry(*c)) t.entries.push_back(std::move(*e));
        continue;
      }
      MinutesThreadEntry e;
      e.kind = m.kind;
      e.by = display_name(state, m.author);
      e.at_unix_ms = m.at_unix_ms;
      e.text = m.reason;
      t.entries.push_back(std::move(e));
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace kenes::report
