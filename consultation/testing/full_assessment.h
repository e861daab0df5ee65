#pragma once

// A consultation the size of a real national assessment, made the way the
// server makes one (every request through the handlers of a SimulatedRoom),
// to measure against: a framework of 303 indicators under the real ROAM-X
// categories and themes (synthetic questions and titles), ~40 participants,
// every draft typed as people type — one record per keystroke-sized patch of
// real editing traces, never composed — plus threads, replies, suggestions,
// validation polls and meetings in the numbers a year of work makes, over
// months of record times. The defaults make more than 3 million records and
// 2 million code points of final text; tests use small options.
//
// Deterministic for a seed and the same typing sources. The records go to a
// sink as they are made (the caller writes them to a log), so memory stays
// that of the folded state.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "consultation/testing/simulated_room.h"
#include "kenes/v1/framework.pb.h"
#include "kenes/v1/log.pb.h"

namespace kenes::consultation::testing {

// One patch of a recorded typing session: at code point `pos`, delete `del`
// code points, then insert `ins` (the editing traces' format).
struct TypingPatch {
  uint64_t pos = 0;
  uint64_t del = 0;
  std::string ins;
};
// A whole recorded session, from an empty text.
using TypingSource = std::vector<TypingPatch>;

struct FullAssessmentOptions {
  uint64_t seed = 1;
  std::string consultation_id = "assessment";
  int indicators = 303;
  int core_indicators = 109;
  int questions = 124;
  int researchers = 6;
  int members = 28;
  int observers = 5;  // and one chair: 40 people
  // Typing records per draft, on average (each draft a little more or less).
  uint64_t records_per_draft = 10'000;
  // Threads per draft with text, replies per thread, on average.
  double threads_per_draft = 5;
  double replies_per_thread = 3;
  // Board meetings; each validates the drafts on its agenda with a poll.
  int meetings = 12;
  int agenda_per_meeting = 25;
  int64_t start_unix_ms = 1'767'225'600'000;  // 2026-01-01
  int64_t span_days = 180;
  // Every so many records (0: never), `checkpoint` is called with the state
  // at that moment: the caller writes a snapshot set, as the server does
  // every --snapshot-every records.
  uint64_t checkpoint_every = 10'000;
};

struct FullAssessmentSummary {
  uint64_t records = 0;
  uint64_t text_edits = 0;
  uint64_t final_code_points = 0;
  uint64_t threads = 0;
  uint64_t comments = 0;
  uint64_t suggestions = 0;
  uint64_t polls = 0;
  uint64_t ballots = 0;
  uint64_t meetings = 0;
  uint64_t participants = 0;
  uint64_t head_seq = 0;
  std::string error;  // a record that did not fold (a bug): empty when ok
};

// The ROAM-X categories and themes of the shipped sample (R, O, A, M, X and
// the contextual groups of C), with `questions` synthetic questions spread
// over the 25 ROAM-X themes and `indicators` synthetic indicators over the
// questions, the first `core` of them core.
kenes::v1::Framework synthetic_framework(int indicators, int core, int questions);

// Makes the consultation, handing each record to `sink` in order (seq and
// time set). `sources` must not be empty; drafts are typed from them in turn.
// The room is returned too (its state is the consultation at the end).
using Checkpoint = std::function<void(ConsultationState& state)>;
FullAssessmentSummary make_full_assessment(const FullAssessmentOptions& options,
                                           const std::vector<TypingSource>& sources, SimulatedRoom::Sink sink,
                                           Checkpoint checkpoint = {}, SimulatedRoom* room_out = nullptr);

}  // namespace kenes::consultation::testing
