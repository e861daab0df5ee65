// Framework import: any bytes given to framework_from_json give an error
// message or a Framework, never a crash. A Framework it returns is stored in
// the log inside ConsultationCreated, so it must serialize to bytes that parse
// back (proto3 strings must be UTF-8, or the record would not replay).

#include <cstdint>
#include <cstdlib>
#include <string>

#include "demo.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  std::string error;
  auto framework = kenes::server::framework_from_json(input, &error);
  if (!framework) {
    if (error.empty()) std::abort();  // a refusal always says why
    return 0;
  }
  std::string bytes;
  if (!framework->SerializeToString(&bytes)) std::abort();
  kenes::v1::Framework back;
  if (!back.ParseFromString(bytes)) std::abort();
  return 0;
}
