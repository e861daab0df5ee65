#pragma once

// The command line of a kenes-bench workload, parsed with
// Boost.program_options. A workload declares its options and parses:
//
//   WorkloadOptions options("room", "usage: kenes-bench room [--clients C] ...\n\nWhat it measures.\n");
//   options.add()("clients", at_least(&o.clients, 2)->value_name("C"), "clients in the consultation");
//   add_target_options(options, o.target);  // server_target.h
//   if (auto status = options.parse(argc, argv)) return *status;
//
// The rules are those of the hand-written loops this replaced, so that
// existing command lines keep their meaning: a flag given twice takes its
// last value (a script may append an override), flag names are spelled in
// full (no prefix guessing), --help or -h prints the usage on stdout and
// exits 0, anything else wrong exits 2 with a message naming the workload.
// Numeric flags that used to raise a too-small value to a minimum still do
// (at_least) rather than reject it.

#include <boost/program_options.hpp>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kenes::bench {

namespace po = boost::program_options;

class WorkloadOptions {
 public:
  // `usage`: the synopsis and summary printed above the options by --help.
  WorkloadOptions(std::string workload, std::string usage);

  po::options_description_easy_init add() { return options_.add_options(); }
  // A group printed under its own caption (e.g. the server-target flags).
  void add(const po::options_description& group) { groups_.push_back(group); }
  // Bare arguments (engine-trace's trace files) go to `flag`, declared but
  // not shown among the options.
  void positional(const char* flag, const po::value_semantic* semantic, const char* description);
  // Flags that set the same thing (--spawn and --url): of these, only the
  // last one given counts, as if they were one flag.
  void last_one_counts(const std::vector<std::string>& flags);

  // nullopt: run the workload; otherwise the status to exit with.
  std::optional<int> parse(int argc, char** argv);

  // For checks after parse(): prints "WORKLOAD: message" on stderr and
  // returns the exit status of a bad command line (2).
  int fail(const std::string& message) const;
  void print_usage(std::FILE* out) const;

 private:
  void keep_last_occurrences(po::parsed_options& parsed) const;

  std::string workload_;
  std::string usage_;
  po::options_description options_{"Options"};
  std::vector<po::options_description> groups_;
  po::options_description hidden_;
  po::positional_options_description positional_;
  std::map<std::string, std::string> same_setting_;  // flag -> the first flag of its last_one_counts group
};

// A flag's value as Boost.program_options converts it, then handed to `check`,
// which may adjust it in place or reject it by throwing (a po::error, or any
// exception, reported as an invalid value of the flag). The check runs while
// the command line is parsed, so that its errors name the flag.
template <class T>
class CheckedValue final : public po::typed_value<T> {
 public:
  CheckedValue(T* target, std::function<void(T&)> check) : po::typed_value<T>(target), check_(std::move(check)) {}

  void xparse(boost::any& value, const std::vector<std::string>& tokens) const override {
    po::typed_value<T>::xparse(value, tokens);
    try {
      check_(boost::any_cast<T&>(value));
    } catch (const po::error&) {
      throw;
    } catch (const std::exception&) {
      throw po::invalid_option_value(tokens.empty() ? std::string() : tokens.front());
    }
  }

 private:
  std::function<void(T&)> check_;
};

// A rejected value, with a message of its own: "--FLAG " + `complaint`.
class BadFlagValue : public po::validation_error {
 public:
  explicit BadFlagValue(const std::string& complaint);
};

// A number of which lower values are raised to `floor` (--runs 0 runs once).
// Read as `Parsed` and stored into `target`, whose initial value is the
// default: --chunk is read as an int, so that -5 becomes 1 rather than a
// huge size_t.
template <class Parsed, class Target>
po::typed_value<Parsed>* at_least(Target* target, Parsed floor) {
  auto* value = new CheckedValue<Parsed>(nullptr, [target, floor](Parsed& v) {
    if (v < floor) v = floor;
    *target = static_cast<Target>(v);
  });
  value->default_value(static_cast<Parsed>(*target));
  return value;
}

// A number kept within [low, high] (raised or lowered to the nearer bound).
template <class T>
po::typed_value<T>* within(T* target, T low, T high) {
  auto* value = new CheckedValue<T>(target, [low, high](T& v) { v = v < low ? low : v > high ? high : v; });
  value->default_value(*target);
  return value;
}

// A word from `accepted` ("fsync", "wal", "none"); anything else is rejected
// with "--FLAG must be fsync, wal or none".
po::typed_value<std::string>* one_of(std::string* target, std::vector<std::string> accepted);

// Text handed to `convert`, which stores what it makes of it (a
// comma-separated list, say) and throws on a bad value. `default_text` is what
// --help shows as the default.
po::typed_value<std::string>* converted_by(std::function<void(const std::string&)> convert,
                                           const std::string& default_text);

}  // namespace kenes::bench
