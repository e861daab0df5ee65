// Framework import from JSON: any bytes give errors or a Framework, never a
// crash, never both. A Framework it returns is stored in the log inside
// ConsultationCreated, so it must serialize to bytes that parse back (proto3
// strings must be UTF-8, or the record would not replay), and its CSV form
// must import to the same Framework (the two formats describe one thing).

#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_framework_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  kenes::fuzz::check_import(kenes::consultation::import_framework_json(input));
  return 0;
}
