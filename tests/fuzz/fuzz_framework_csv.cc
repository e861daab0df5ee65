// Framework import from CSV: the same laws as fuzz_framework_json (errors or
// a Framework, never both, never a crash; what is accepted stores, replays
// and round-trips through the CSV writer).

#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_framework_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  kenes::fuzz::check_import(kenes::consultation::import_framework_csv(input));
  return 0;
}
