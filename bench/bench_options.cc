#include "bench_options.h"

#include <algorithm>
#include <set>
#include <sstream>

namespace kenes::bench {

WorkloadOptions::WorkloadOptions(std::string workload, std::string usage)
    : workload_(std::move(workload)), usage_(std::move(usage)) {
  options_.add_options()("help,h", "print this help and exit");
}

void WorkloadOptions::positional(const char* flag, const po::value_semantic* semantic, const char* description) {
  hidden_.add_options()(flag, semantic, description);
  positional_.add(flag, -1);
}

void WorkloadOptions::last_one_counts(const std::vector<std::string>& flags) {
  for (const auto& flag : flags) same_setting_[flag] = flags.front();
}

void WorkloadOptions::keep_last_occurrences(po::parsed_options& parsed) const {
  std::set<std::string> seen;
  std::vector<po::option> kept;
  for (auto it = parsed.options.rbegin(); it != parsed.options.rend(); ++it) {
    // Bare arguments all count (engine-trace replays every file given).
    if (it->position_key != -1) {
      kept.push_back(*it);
      continue;
    }
    const auto same = same_setting_.find(it->string_key);
    const std::string setting = same == same_setting_.end() ? it->string_key : same->second;
    if (seen.insert(setting).second) kept.push_back(*it);
  }
  std::reverse(kept.begin(), kept.end());
  parsed.options = std::move(kept);
}

std::optional<int> WorkloadOptions::parse(int argc, char** argv) {
  po::options_description all;
  all.add(options_);
  for (const auto& group : groups_) all.add(group);
  all.add(hidden_);
  try {
    // No prefix guessing: --run is not --runs, as before program_options.
    po::parsed_options parsed = po::command_line_parser(argc, argv)
                                    .options(all)
                                    .positional(positional_)
                                    .style(po::command_line_style::default_style &
                                           ~po::command_line_style::allow_guessing)
                                    .run();
    keep_last_occurrences(parsed);
    po::variables_map vm;
    po::store(parsed, vm);
    if (vm.count("help")) {
      print_usage(stdout);
      return 0;
    }
    po::notify(vm);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n(kenes-bench %s --help lists the options)\n", workload_.c_str(), e.what(),
                 workload_.c_str());
    return 2;
  }
  return std::nullopt;
}

int WorkloadOptions::fail(const std::string& message) const {
  std::fprintf(stderr, "%s: %s\n", workload_.c_str(), message.c_str());
  return 2;
}

void WorkloadOptions::print_usage(std::FILE* out) const {
  std::ostringstream options;
  options << options_;
  for (const auto& group : groups_) options << "\n" << group;
  std::fprintf(out, "%s\n%s", usage_.c_str(), options.str().c_str());
}

BadFlagValue::BadFlagValue(const std::string& complaint) : po::validation_error(invalid_option_value) {
  m_error_template = "%canonical_option% " + complaint;
}

po::typed_value<std::string>* one_of(std::string* target, std::vector<std::string> accepted) {
  auto* value = new CheckedValue<std::string>(target, [accepted](std::string& word) {
    if (std::find(accepted.begin(), accepted.end(), word) != accepted.end()) return;
    std::string choices;
    for (size_t i = 0; i < accepted.size(); ++i) {
      choices += (i == 0 ? "" : i + 1 == accepted.size() ? " or " : ", ") + accepted[i];
    }
    throw BadFlagValue("must be " + choices + " (got '" + word + "')");
  });
  value->default_value(*target);
  return value;
}

po::typed_value<std::string>* converted_by(std::function<void(const std::string&)> convert,
                                           const std::string& default_text) {
  auto* value = new CheckedValue<std::string>(nullptr, [convert = std::move(convert)](std::string& text) {
    convert(text);
  });
  value->default_value(default_text);
  return value;
}

}  // namespace kenes::bench
