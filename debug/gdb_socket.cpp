// debug/gdb_socket.cpp: the loopback TCP listener of the GDB stub.
#include "debug/gdb_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace rvh::gdb {

namespace {

std::string peer_name(const sockaddr_in& addr) {
  char ip[INET_ADDRSTRLEN] = "?";
  inet_ntop(AF_INET, &addr.sin_addr, ip, sizeof ip);
  return std::string(ip) + ":" + std::to_string(ntohs(addr.sin_port));
}

// poll() on one or two descriptors, retried on EINTR.
int poll_retry(pollfd* fds, nfds_t count, int timeout_ms) {
  for (;;) {
    const int n = ::poll(fds, count, timeout_ms);
    if (n >= 0 || errno != EINTR) return n;
  }
}

}  // namespace

TcpServer::~TcpServer() { close(); }

bool TcpServer::listen(uint16_t port, std::string& error) {
  close();
  const std::string where = "port " + std::to_string(port) + " on 127.0.0.1";
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = where + ": socket: " + std::strerror(errno);
    return false;
  }
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 4) != 0) {
    error = where + ": " + std::strerror(errno);
    ::close(fd);
    return false;
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  // Non-blocking, so that a client that gave up between poll and accept
  // cannot block accept().
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  listen_fd_ = fd;
  port_ = ntohs(addr.sin_port);
  return true;
}

void TcpServer::refuse_pending() {
  for (;;) {
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_CLOEXEC);
    if (fd < 0) return;
    std::fprintf(stderr,
                 "rvh-vp: gdb: refused a second debugger connection from %s: %s is connected "
                 "(one debugger at a time)\n",
                 peer_name(addr).c_str(), client_name_.c_str());
    ::close(fd);
  }
}

bool TcpServer::accept(int timeout_ms) {
  if (listen_fd_ < 0) return connected();
  if (connected()) {
    refuse_pending();
    return true;
  }
  pollfd p{listen_fd_, POLLIN, 0};
  if (poll_retry(&p, 1, timeout_ms) <= 0) return false;
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_CLOEXEC);
  if (fd < 0) return false;
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  client_fd_ = fd;
  client_name_ = peer_name(addr);
  return true;
}

long TcpServer::read(char* buffer, size_t capacity, int timeout_ms) {
  if (client_fd_ < 0) return -1;
  pollfd fds[2] = {{client_fd_, POLLIN, 0}, {listen_fd_, POLLIN, 0}};
  const nfds_t count = listen_fd_ >= 0 ? 2 : 1;
  for (;;) {
    const int n = poll_retry(fds, count, timeout_ms);
    if (n < 0) {
      close_client();
      return -1;
    }
    if (count == 2 && (fds[1].revents & POLLIN)) refuse_pending();
    if (fds[0].revents != 0) break;
    if (n == 0 || timeout_ms >= 0) return 0;  // a timeout (or only a refused client)
  }
  const ssize_t got = ::recv(client_fd_, buffer, capacity, 0);
  if (got > 0) return static_cast<long>(got);
  if (got < 0 && (errno == EINTR || errno == EAGAIN)) return 0;
  close_client();  // 0: an orderly shutdown by GDB; < 0: a reset
  return -1;
}

bool TcpServer::write_all(const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    if (client_fd_ < 0) return false;
    const ssize_t n = ::send(client_fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close_client();
      return false;
    }
    sent += static_cast<size_t>(n);
  }
  return true;
}

void TcpServer::close_client() {
  if (client_fd_ >= 0) ::close(client_fd_);
  client_fd_ = -1;
  client_name_.clear();
}

void TcpServer::close() {
  close_client();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  listen_fd_ = -1;
  port_ = 0;
}

}  // namespace rvh::gdb
