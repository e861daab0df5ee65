#pragma once

// The two byte streams a session can run over. The sessions are templates on
// the stream (explicitly instantiated for exactly these two in their .cc
// files), so plain and TLS connections share every line of protocol code and
// pay nothing at run time for the choice.

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace kenes::server {

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

template <class Stream>
inline constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;

}  // namespace kenes::server
