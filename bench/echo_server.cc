#include "echo_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "kenes/v1/protocol.pb.h"

namespace kenes::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

using Frame = std::shared_ptr<const std::string>;

struct Hub;

class EchoSession : public std::enable_shared_from_this<EchoSession> {
 public:
  EchoSession(tcp::socket socket, Hub& hub) : ws_(std::move(socket)), hub_(hub) {}
  void start();
  void send(Frame f) {
    queue_.push_back(std::move(f));
    if (!writing_) do_write();
  }

 private:
  void do_read();
  void on_message();
  void do_write();

  websocket::stream<beast::tcp_stream> ws_;
  Hub& hub_;
  beast::flat_buffer buffer_;
  std::deque<Frame> queue_;
  bool writing_ = false;
};

struct Hub {
  std::set<EchoSession*> live;
  std::map<std::string, uint64_t> versions;  // doc -> version
  uint64_t seq = 0;
};

Frame encode(const kenes::v1::ServerMessage& m) { return std::make_shared<const std::string>(m.SerializeAsString()); }

void EchoSession::start() {
  beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true));
  ws_.binary(true);
  ws_.read_message_max(64 << 20);
  ws_.async_accept([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->do_read();
  });
}

void EchoSession::do_read() {
  ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) {
      self->hub_.live.erase(self.get());
      return;
    }
    self->on_message();
    self->do_read();
  });
}

void EchoSession::on_message() {
  kenes::v1::ClientMessage msg;
  auto data = buffer_.cdata();
  bool ok = msg.ParseFromArray(data.data(), static_cast<int>(data.size()));
  buffer_.consume(buffer_.size());
  if (!ok) return;
  kenes::v1::ServerMessage out;
  out.set_request_id(msg.request_id());
  switch (msg.kind_case()) {
    case kenes::v1::ClientMessage::kHello: {
      auto* w = out.mutable_welcome();
      w->set_participant_id("echo");
      w->set_role(kenes::v1::ROLE_CHAIR);
      w->set_consultation_id("demo");
      send(encode(out));
      break;
    }
    case kenes::v1::ClientMessage::kSubscribe: {
      out.mutable_catch_up()->set_head_seq(hub_.seq);
      out.mutable_catch_up()->set_done(true);
      send(encode(out));
      hub_.live.insert(this);
      break;
    }
    case kenes::v1::ClientMessage::kSubmitOp: {
      const auto& sub = msg.submit_op();
      uint64_t version = ++hub_.versions[sub.doc_id()];
      uint64_t seq = ++hub_.seq;
      auto* ack = out.mutable_ack();
      ack->set_doc_id(sub.doc_id());
      ack->set_client_seq(sub.client_seq());
      ack->set_version(version);
      ack->set_seq(seq);
      send(encode(out));
      kenes::v1::ServerMessage b;
      auto* rec = b.mutable_broadcast()->add_records();
      rec->set_seq(seq);
      rec->set_client_id(sub.client_id());
      rec->set_client_seq(sub.client_seq());
      auto* edit = rec->mutable_text_edit();
      edit->set_doc_id(sub.doc_id());
      edit->set_version(version);
      *edit->mutable_op() = sub.op();
      Frame f = encode(b);
      for (EchoSession* s : hub_.live) {
        if (s != this) s->send(f);
      }
      break;
    }
    default:
      break;
  }
}

void EchoSession::do_write() {
  if (queue_.empty()) {
    writing_ = false;
    return;
  }
  writing_ = true;
  ws_.async_write(asio::buffer(*queue_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->queue_.pop_front();
    if (ec) {
      self->queue_.clear();
      self->writing_ = false;
      return;
    }
    self->do_write();
  });
}

}  // namespace

struct EchoServer::Impl {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  Hub hub;
  std::thread thread;
  std::vector<std::shared_ptr<EchoSession>> sessions;

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      auto s = std::make_shared<EchoSession>(std::move(socket), hub);
      sessions.push_back(s);
      s->start();
      accept();
    });
  }
};

EchoServer::EchoServer() : impl_(std::make_unique<Impl>()) {}

EchoServer::~EchoServer() {
  asio::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->hub.live.clear();
    impl_->sessions.clear();
  });
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

bool EchoServer::start() {
  beast::error_code ec;
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return false;
  impl_->accept();
  impl_->thread = std::thread([this] { impl_->io.run(); });
  return true;
}

uint16_t EchoServer::port() const { return impl_->acceptor.local_endpoint().port(); }

}  // namespace kenes::bench
