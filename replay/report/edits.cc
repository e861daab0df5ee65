#include "replay/report/edits.h"

#include <algorithm>
#include <map>

#include "replay/report/line_diff.h"
#include "replay/report/report_data.h"

namespace kenes::report {

namespace {

// After `rec` was folded into `state`: the decision it records, if any.
void note_decision(const consultation::ConsultationState& state, const kenes::v1::LogRecord& rec,
                   std::vector<std::string>* decisions) {
  auto label = [&](const std::string& indicator_id) {
    const auto* ind = state.framework_indicator(indicator_id);
    return ind ? indicator_id + " " + ind->title() : indicator_id;
  };
  if (rec.has_indicator_status_changed()) {
    const auto& e = rec.indicator_status_changed();
    std::string line = label(e.indicator_id()) + ": status set to " + indicator_status_name(e.status()) + " by " +
                       display_name(state, rec.author());
    if (e.status() == kenes::v1::INDICATOR_STATUS_VALIDATED) {
      line += " (draft version " + std::to_string(e.text_version()) + ")";
    }
    decisions->push_back(line);
  } else if (rec.has_poll_closed()) {
    const consultation::PollState* poll = state.assessment().poll(rec.poll_closed().poll_id());
    if (!poll || poll->definition.target_indicator_id().empty()) return;
    const std::string& target = poll->definition.target_indicator_id();
    const consultation::IndicatorState* ind = state.assessment().indicator(target);
    bool passed = ind && ind->validated_by_poll == poll->id &&
                  ind->status == kenes::v1::INDICATOR_STATUS_VALIDATED;
    decisions->push_back(label(target) + ": validation poll " + poll->id +
                         (passed ? " passed; validated at draft version " +
                                       std::to_string(poll->definition.target_version())
                                 : " did not pass"));
  }
}

}  // namespace

DocumentChanges changes_between(storage::Log& log, const std::string& consultation_id, uint64_t after_seq,
                                uint64_t through_seq) {
  DocumentChanges out;
  consultation::ConsultationState state(consultation_id);
  std::map<std::string, DocumentChange> changes;
  kenes::v1::LogRecord rec;
  storage::Status st = log.replay(consultation_id, 1, [&](const storage::RecordView& r) -> storage::Status {
    if (r.seq > through_seq) return storage::Status(storage::Code::kNotFound, "past the range");
    rec.Clear();
    if (!rec.ParseFromArray(r.payload.data(), static_cast<int>(r.payload.size()))) {
      out.error = "record " + std::to_string(r.seq) + " does not decode";
      return storage::Status(storage::Code::kCorruption, out.error);
    }
    rec.set_seq(r.seq);
    if (r.seq > after_seq && rec.has_text_edit()) {
      const std::string& doc = rec.text_edit().doc_id();
      auto [it, first] = changes.try_emplace(doc);
      if (first) {
        it->second.doc_id = doc;
        if (const auto* d = state.find_document(doc)) {
          it->second.from_version = d->version();
          it->second.before = d->text().to_string();
        }
      }
      auto& authors = it->second.authors;
      if (std::find(authors.begin(), authors.end(), rec.author()) == authors.end()) authors.push_back(rec.author());
    }
    engine::Status applied = state.apply(rec);
    if (!applied.ok()) {
      out.error = applied.message();
      return storage::Status(storage::Code::kCorruption, out.error);
    }
    if (r.seq > after_seq) note_decision(state, rec, &out.decisions);
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
  return out;
}

std::vector<MinutesEdit> minutes_edits(const DocumentChanges& changes, const consultation::ConsultationState& state) {
  std::map<std::string, std::string> indicator_titles;
  if (state.created()) {
    for (const auto& c : state.created()->framework().categories())
      for (const auto& t : c.themes())
        for (const auto& q : t.questions())
          for (const auto& i : q.indicators()) indicator_titles["indicator/" + i.id()] = i.id() + " " + i.title();
  }
  std::vector<MinutesEdit> out;
  for (const auto& c : changes.changes) {
    if (c.before == c.after) continue;  // edits that cancelled out
    MinutesEdit e;
    e.doc_id = c.doc_id;
    auto it = indicator_titles.find(c.doc_id);
    e.label = it != indicator_titles.end() ? it->second : c.doc_id;
    e.from_version = c.from_version;
    e.to_version = c.to_version;
    for (const auto& a : c.authors) {
      const consultation::Participant* p = state.participant(a);
      e.authors.push_back(p && !p->display_name.empty() ? p->display_name : a);
    }
    e.diff = unified_line_diff(c.before, c.after);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace kenes::report
