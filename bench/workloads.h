#pragma once

// Each workload of kenes-bench is one function with a main()-like signature,
// registered in main.cc. A workload prints one JSON object per measured result
// on stdout (and nothing else there); progress and diagnostics go to stderr.

#include <string>

#include "consultation/testing/full_assessment.h"

namespace kenes::bench {

// Where the shared editing traces are (the build's KENES_TRACES_DIR).
inline constexpr char kDefaultTracesDir[] = KENES_TRACES_DIR;

// A full-size consultation in a data folder (full_assessment.cc): written
// unless `dir` already holds the same one (a marker file says which).
struct FullAssessmentBuild {
  consultation::testing::FullAssessmentSummary summary;  // empty when reused
  bool reused = false;
  double seconds = 0;
  std::string error;
};
FullAssessmentBuild ensure_full_assessment(const std::string& dir, const std::string& traces,
                                           const consultation::testing::FullAssessmentOptions& options);

int engine_trace_main(int argc, char** argv);
int log_append_main(int argc, char** argv);
int log_recover_main(int argc, char** argv);
int trace_main(int argc, char** argv);
int echo_baseline_main(int argc, char** argv);
int room_main(int argc, char** argv);
int hostile_main(int argc, char** argv);
int saturate_main(int argc, char** argv);
int idle_main(int argc, char** argv);
int poll_main(int argc, char** argv);
int validation_main(int argc, char** argv);
int soak_main(int argc, char** argv);
int threads_main(int argc, char** argv);
int make_assessment_main(int argc, char** argv);
int join_main(int argc, char** argv);

}  // namespace kenes::bench
