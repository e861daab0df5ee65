#include "consultation/sample_framework.h"

#include "consultation/framework_import.h"
#include "roamx_sample_json.h"  // generated from frameworks/roamx-2019-sample.json

namespace kenes::consultation {

kenes::v1::Framework sample_framework() {
  auto imported = import_framework_json(kRoamxSampleJson);
  return imported.framework ? *imported.framework : kenes::v1::Framework{};
}

}  // namespace kenes::consultation
