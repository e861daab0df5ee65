#include "replay/report/assessment_export.h"

#include <algorithm>

#include "replay/report/poll_export.h"

namespace kenes::report {

namespace {

std::vector<const consultation::PollState*> polls_in_creation_order(const consultation::ConsultationState& state) {
  std::vector<const consultation::PollState*> polls;
  for (const auto& [id, p] : state.assessment().polls()) polls.push_back(&p);
  std::sort(polls.begin(), polls.end(),
            [](const consultation::PollState* a, const consultation::PollState* b) { return a->created_seq < b->created_seq; });
  return polls;
}

}  // namespace

VotesData build_votes_data(const consultation::ConsultationState& state, const LogHead& head) {
  VotesData d;
  d.consultation_id = state.consultation_id();
  d.head = head;
  auto name_of = [&](const std::string& id) { return display_name(state, id); };
  for (const consultation::PollState* p : polls_in_creation_order(state)) {
    if (!p->opened) continue;
    auto rows = vote_rows(p->id, p->poll, head.time_unix_ms, name_of);
    d.rows.insert(d.rows.end(), rows.begin(), rows.end());
  }
  return d;
}

}  // namespace kenes::report
