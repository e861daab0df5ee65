#pragma once

// What the consultation accepts as a participant's e-mail address (the
// digest's, SetNotificationSettings) and the server as its sender address.

#include <string>

namespace kenes::consultation {

// A sane single address: 3..254 bytes, one '@' with text on both sides, a
// dot in the domain, no spaces, controls, CR/LF, quotes, angle brackets,
// commas or semicolons. Deliberately narrower than RFC 5321: whatever
// passes is safe in an SMTP command and a header.
bool plausible_email_address(const std::string& address);

}  // namespace kenes::consultation
