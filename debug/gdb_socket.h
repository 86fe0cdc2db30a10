// debug/gdb_socket.h: the TCP side of the GDB stub: a listener on
// 127.0.0.1 only (never another interface) with at most one client. No
// threads: the owner polls (read with a timeout of 0) between simulation
// slices and blocks (timeout -1) while the target is halted. A second client
// that connects while one is connected is accepted and closed at once, with
// a message on stderr naming it.
//
// May include: the C++ standard library and POSIX sockets only.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace rvh::gdb {

class TcpServer {
 public:
  TcpServer() = default;
  ~TcpServer();
  TcpServer(const TcpServer&) = delete;
  TcpServer& operator=(const TcpServer&) = delete;

  // Listens on 127.0.0.1:port (0: an ephemeral port; port() tells which),
  // with SO_REUSEADDR. False with `error` set to one line naming the port
  // and the reason (e.g. "port 1234 on 127.0.0.1: Address already in use").
  bool listen(uint16_t port, std::string& error);
  uint16_t port() const { return port_; }
  bool listening() const { return listen_fd_ >= 0; }

  // Waits up to timeout_ms (0: just checks, -1: forever) for a client when
  // none is connected; true once one is (TCP_NODELAY set). With a client
  // connected already: refuses any new one and returns true.
  bool accept(int timeout_ms);
  bool connected() const { return client_fd_ >= 0; }
  // "127.0.0.1:PORT" of the client, "" when none.
  const std::string& client_name() const { return client_name_; }

  // Reads what the client sent, waiting up to timeout_ms (0: poll, -1:
  // block) for something to arrive; refuses any second client meanwhile.
  // Returns the byte count (> 0), 0 if nothing came in time, -1 if the
  // client disconnected or the connection failed (it is closed then).
  long read(char* buffer, size_t capacity, int timeout_ms);
  // Sends all of `data` (blocking); false if the client is gone (closed then).
  bool write_all(const std::string& data);

  void close_client();
  void close();  // the client and the listener

 private:
  void refuse_pending();

  int listen_fd_ = -1;
  int client_fd_ = -1;
  uint16_t port_ = 0;
  std::string client_name_;
};

}  // namespace rvh::gdb
