#pragma once

// Display names are unique within a consultation (issue 17): a member could
// rename themself "Aigerim Sadykova" and speak as the chair. Two names are
// the same when their skeletons are: compared without case, accents,
// invisible characters, repeated spaces, full-width forms, and with the
// Cyrillic and Greek letters that look like Latin ones taken as those (a
// Cyrillic "а" in "Аigerim" is not a different name). A subset of Unicode
// TR39's confusables, for the scripts Kenes's users write in.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "consultation/consultation_state.h"

namespace kenes::consultation {

// What a person may be called and may say about themself, in bytes of UTF-8:
// the same limits whoever writes it (the person, the chair inviting them, a
// walk-in registering, a roster file).
inline constexpr size_t kMaxDisplayNameBytes = 200;
inline constexpr size_t kMaxGenderBytes = 100;

// The comparison form of a name (valid UTF-8 in; a UTF-8 string out).
std::string name_skeleton(std::string_view name);

// Another participant (not revoked, not `self`) whose name has the same
// skeleton as `name`, or nothing.
std::optional<std::string> name_holder(const ConsultationState& state, std::string_view name,
                                       const std::string& self);

// `name` if no other participant holds it, else "name (2)", "name (3)"…, the
// first that is free: for a newcomer whose invitation carries a name someone
// already has (they cannot be refused at the door).
std::string free_name(const ConsultationState& state, const std::string& name, const std::string& self);

}  // namespace kenes::consultation
