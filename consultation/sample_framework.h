#pragma once

// The sample framework shipped with Kenes: UNESCO's published ROAM-X
// category and theme structure with placeholder questions and indicators
// (frameworks/roamx-2019-sample.json, compiled in so that the binaries need
// no files beside them; framework_import_test proves it imports without an
// error).

#include "kenes/v1/framework.pb.h"

namespace kenes::consultation {

kenes::v1::Framework sample_framework();

}  // namespace kenes::consultation
