// kenes-bench make-assessment: writes a full-size consultation into a data
// folder (consultation/testing/full_assessment.h): 303 indicators, 40
// people, every draft typed from the editing traces one keystroke-sized
// record at a time, threads, suggestions, validation polls and meetings,
// with a snapshot set every 10,000 records as the server writes them. The
// folder is what `join` measures against, and what a person can start a
// server on to see a real-size consultation:
//
//   kenes-bench make-assessment --dir /tmp/assessment
//   kenes-server --data-dir /tmp/assessment   (then kenes-admin invite ...)

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "bench_options.h"
#include "full_assessment_folder.h"
#include "workloads.h"

namespace kenes::bench {

namespace fs = std::filesystem;

std::string full_assessment_marker(const consultation::testing::FullAssessmentOptions& o) {
  return "seed=" + std::to_string(o.seed) + " indicators=" + std::to_string(o.indicators) +
         " records_per_draft=" + std::to_string(o.records_per_draft) + " members=" + std::to_string(o.members) +
         " meetings=" + std::to_string(o.meetings) + " format=1";
}

FullAssessmentBuild ensure_full_assessment(const std::string& dir, const std::string& traces,
                                           const consultation::testing::FullAssessmentOptions& o) {
  FullAssessmentBuild out;
  const fs::path marker = fs::path(dir) / "kenes-bench-full-assessment.txt";
  std::string have;
  {
    std::ifstream in(marker);
    std::getline(in, have);
  }
  if (have == full_assessment_marker(o)) {
    out.reused = true;
    return out;
  }
  std::error_code ec;
  if (fs::exists(fs::path(dir) / "log", ec)) {
    if (have.empty()) {
      out.error = dir + " holds a log this bench did not make; choose another --dir";
      return out;
    }
    fs::remove_all(fs::path(dir) / "log", ec);
  }
  std::fprintf(stderr, "make-assessment: writing %s (a few minutes for the full size)\n", dir.c_str());
  testing::FullAssessmentFolder written = testing::write_full_assessment(dir, traces, o);
  if (!written.error.empty()) {
    out.error = written.error;
    return out;
  }
  std::ofstream(marker) << full_assessment_marker(o) << "\n";
  out.summary = written.summary;
  out.seconds = written.seconds;
  return out;
}

namespace {

constexpr char kUsage[] =
    "usage: kenes-bench make-assessment --dir PATH [--seed N] [--records-per-draft N] [--traces DIR]\n\n"
    "Writes a full-size consultation \"assessment\" (303 indicators, 40 people, drafts typed one\n"
    "keystroke-sized record at a time from the editing traces, threads, polls, meetings) into the\n"
    "data folder PATH, for the join benchmark or to start a server on. Prints what it wrote.\n";

}  // namespace

int make_assessment_main(int argc, char** argv) {
  consultation::testing::FullAssessmentOptions o;
  std::string dir;
  std::string traces = kDefaultTracesDir;
  WorkloadOptions options("make-assessment", kUsage);
  // clang-format off
  options.add()
    ("dir", po::value(&dir)->required()->value_name("PATH"), "the data folder to write (reused if it already holds this consultation)")
    ("seed", po::value(&o.seed)->default_value(o.seed)->value_name("N"), "the generator's seed")
    ("records-per-draft", at_least<uint64_t>(&o.records_per_draft, 1)->value_name("N"), "typing records per draft, on average")
    ("indicators", at_least(&o.indicators, 1)->value_name("N"), "indicators (drafts)")
    ("traces", po::value(&traces)->default_value(traces)->value_name("DIR"), "the editing traces (*.json.gz)");
  // clang-format on
  if (auto status = options.parse(argc, argv)) return *status;
  FullAssessmentBuild built = ensure_full_assessment(dir, traces, o);
  if (!built.error.empty()) return options.fail(built.error);
  const auto& s = built.summary;
  std::printf(
      "{\"workload\":\"make-assessment\",\"dir\":\"%s\",\"reused\":%s,\"seconds\":%.1f,\"records\":%llu,"
      "\"text_edits\":%llu,\"final_code_points\":%llu,\"drafts\":%d,\"participants\":%llu,\"threads\":%llu,"
      "\"comments\":%llu,\"suggestions\":%llu,\"polls\":%llu,\"ballots\":%llu,\"meetings\":%llu}\n",
      dir.c_str(), built.reused ? "true" : "false", built.seconds, static_cast<unsigned long long>(s.records),
      static_cast<unsigned long long>(s.text_edits), static_cast<unsigned long long>(s.final_code_points),
      o.indicators, static_cast<unsigned long long>(s.participants), static_cast<unsigned long long>(s.threads),
      static_cast<unsigned long long>(s.comments), static_cast<unsigned long long>(s.suggestions),
      static_cast<unsigned long long>(s.polls), static_cast<unsigned long long>(s.ballots),
      static_cast<unsigned long long>(s.meetings));
  return 0;
}

}  // namespace kenes::bench
