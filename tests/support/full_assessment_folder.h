#pragma once

// Writes a full-size consultation (consultation/testing/full_assessment.h)
// into a data folder as the server keeps one: its records in the RocksDB log
// at <dir>/log, with a snapshot set every `checkpoint_every` records, as the
// room writes them. The drafts are typed from the shared editing traces. Used
// by `kenes-bench make-assessment` / `join` and, at a small size, by tests.

#include <string>

#include "consultation/testing/full_assessment.h"

namespace kenes::testing {

struct FullAssessmentFolder {
  consultation::testing::FullAssessmentSummary summary;
  std::string error;  // empty when written
  double seconds = 0;
};

// `dir` must not hold a log yet. `traces_dir`: the *.json.gz editing traces.
FullAssessmentFolder write_full_assessment(const std::string& dir, const std::string& traces_dir,
                                           const consultation::testing::FullAssessmentOptions& options);

// The typing sources of the traces in `traces_dir` (each trace's patches, in
// order), or an error.
std::vector<consultation::testing::TypingSource> typing_sources(const std::string& traces_dir, std::string* error);

}  // namespace kenes::testing
