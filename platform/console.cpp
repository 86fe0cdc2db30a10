// platform/console.cpp: see console.h.
#include "platform/console.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "peripherals/uart16550.h"
#include "platform/stop_signals.h"
#include "platform/terminal.h"

namespace rvh {
namespace {

using Clock = std::chrono::steady_clock;

std::atomic<int64_t> g_paused_ns{0};
std::atomic<bool> g_quit{false};

std::string errno_text(int err) { return std::strerror(err); }

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// "127.0.0.1:4444", "[::1]:4444"
std::string socket_address(const sockaddr* sa) {
  char host[NI_MAXHOST] = "?", port[NI_MAXSERV] = "?";
  const socklen_t len = sa->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  getnameinfo(sa, len, host, sizeof host, port, sizeof port, NI_NUMERICHOST | NI_NUMERICSERV);
  return sa->sa_family == AF_INET6 ? "[" + std::string(host) + "]:" + port : std::string(host) + ":" + port;
}

void set_nodelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // fails harmlessly on a Unix socket
}

}  // namespace

Console::Console(ConsoleSettings settings, Uart16550& uart, ConsoleHooks hooks)
    : sc_core::sc_prim_channel(sc_core::sc_gen_unique_name("console")),
      settings_(std::move(settings)),
      uart_(uart),
      hooks_(std::move(hooks)) {
  uart_.set_output([this](uint8_t b) { output(b); });
}

Console::~Console() {
  try {
    close();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rvh-vp: %s\n", e.what());
  }
  uart_.set_output(nullptr);  // the UART may outlive us
}

double Console::paused_seconds() { return static_cast<double>(g_paused_ns.load()) * 1e-9; }
bool Console::quit_requested() { return g_quit.load(); }

std::string Console::help_text(int escape_char) {
  const std::string e = escape_char_name(escape_char);
  std::string pad(e.size() + 1 < 10 ? 10 - e.size() - 1 : 1, ' ');
  std::string t = "rvh-vp console keys (as QEMU's -nographic):\n";
  t += "  " + e + " x" + pad + "end the run: summary, --stats and every output written, exit status 0\n";
  t += "  " + e + " s" + pad + "print the run statistics so far; the run goes on\n";
  t += "  " + e + " p" + pad + "pause / resume simulated time\n";
  t += "  " + e + " h" + pad + "print this help\n";
  t += "  " + e + " " + e + "  send " + e + " to the guest\n";
  return t;
}

// ---- opening and closing ----

void Console::open() {
  if (opened_) return;
  opened_ = true;
  if (::pipe(wake_pipe_) != 0) throw ConsoleError(settings_.name + ": cannot create a pipe: " + errno_text(errno));
  for (int fd : wake_pipe_) fcntl(fd, F_SETFD, FD_CLOEXEC);
  const SerialSpec& s = settings_.spec;
  switch (s.kind) {
    case SerialSpec::Kind::kStdio: open_stdio(); break;
    case SerialSpec::Kind::kPty: open_pty(); break;
    case SerialSpec::Kind::kTcp:
    case SerialSpec::Kind::kUnix:
      if (s.server)
        open_server();
      else
        open_client();
      break;
    case SerialSpec::Kind::kFile:
      if (!settings_.file.is_open()) settings_.file = OutputFile::open("--serial", s.path);
      file_ = settings_.file.begin();
      setvbuf(file_, nullptr, _IOLBF, 0);
      address_ = "file:" + s.path;
      break;
    case SerialSpec::Kind::kNull: address_ = "null"; break;
  }
  if (settings_.log.is_open()) {  // once the backend is there: a failure above leaves the file as it was
    log_ = settings_.log.begin();
    setvbuf(log_, nullptr, _IOLBF, 0);
  }
  if (settings_.input && s.has_input()) start_reader();
  if (s.server && s.wait) wait_for_client();
}

void Console::open_stdio() {
  address_ = "stdio";
  in_fd_ = settings_.input ? settings_.stdin_fd : -1;
  out_fd_ = settings_.stdout_fd;
  if (out_fd_ >= 0) stdio_out_ = std::make_unique<LineWriter>(out_fd_);
  if (in_fd_ < 0) return;
  in_is_tty_ = isatty(in_fd_);
  // A terminal: raw, so that every key reaches the guest. Without an escape
  // key, Ctrl-C keeps ending the run (SIGINT) as the only way out.
  if (in_is_tty_) raw_ = enter_raw_terminal(in_fd_, settings_.escape_char < 0);
}

void Console::open_pty() {
  const int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) throw ConsoleError(settings_.name + ": pty: cannot open a pseudo-terminal: " + errno_text(errno));
  char name[128];
  if (grantpt(master) != 0 || unlockpt(master) != 0 || ptsname_r(master, name, sizeof name) != 0) {
    const int err = errno;
    ::close(master);
    throw ConsoleError(settings_.name + ": pty: cannot set up the pseudo-terminal: " + errno_text(err));
  }
  in_fd_ = out_fd_ = master;
  // The slave stays open here too: output waits in the pty for a reader
  // (minicom, screen) instead of being lost, and reading the master never
  // fails because nobody has the slave open. It is raw: bytes pass as they
  // are, with no echo back into the guest.
  pty_slave_fd_ = ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (pty_slave_fd_ >= 0) {
    struct termios t {};
    if (tcgetattr(pty_slave_fd_, &t) == 0) {
      cfmakeraw(&t);
      tcsetattr(pty_slave_fd_, TCSANOW, &t);
    }
  }
  fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
  address_ = name;
  std::fprintf(stderr, "rvh-vp: %s on %s (attach with: screen %s, or minicom -D %s)\n", settings_.name.c_str(), name,
               name, name);
}

void Console::open_server() {
  const SerialSpec& s = settings_.spec;
  if (s.kind == SerialSpec::Kind::kTcp) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(s.port);
    if (const int rc = getaddrinfo(s.host.c_str(), port.c_str(), &hints, &found); rc != 0)
      throw ConsoleError(settings_.name + ": --serial " + s.text + ": cannot resolve '" + s.host +
                         "': " + gai_strerror(rc));
    int err = 0;
    for (addrinfo* ai = found; ai && listen_fd_ < 0; ai = ai->ai_next) {
      const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
      if (fd < 0) {
        err = errno;
        continue;
      }
      int one = 1;
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd, 1) != 0) {
        err = errno;
        ::close(fd);
        continue;
      }
      listen_fd_ = fd;
    }
    freeaddrinfo(found);
    if (listen_fd_ < 0)
      throw ConsoleError(settings_.name + ": --serial " + s.text + ": cannot listen on " + s.host + " port " + port +
                         ": " + errno_text(err));
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &len);
    address_ = "tcp:" + socket_address(reinterpret_cast<sockaddr*>(&bound));
  } else {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (s.path.size() >= sizeof addr.sun_path)
      throw ConsoleError(settings_.name + ": --serial " + s.text + ": socket path too long (at most " +
                         std::to_string(sizeof addr.sun_path - 1) + " bytes)");
    std::memcpy(addr.sun_path, s.path.c_str(), s.path.size() + 1);
    struct stat st {};
    if (lstat(s.path.c_str(), &st) == 0) {
      // A socket left by an earlier run is replaced; anything else stays.
      if (!S_ISSOCK(st.st_mode))
        throw ConsoleError(settings_.name + ": --serial " + s.text + ": " + s.path +
                           " exists and is not a socket; remove it or choose another path");
      ::unlink(s.path.c_str());
    }
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 1) != 0) {
      const int err = errno;
      close_fd(listen_fd_);
      throw ConsoleError(settings_.name + ": --serial " + s.text + ": cannot listen on " + s.path + ": " +
                         errno_text(err));
    }
    unix_path_created_ = s.path;
    address_ = "unix:" + s.path;
  }
  std::fprintf(stderr, "rvh-vp: %s listening on %s%s\n", settings_.name.c_str(), address_.c_str(),
               s.wait ? ", waiting for a client before the run starts" : "");
}

void Console::open_client() {
  const SerialSpec& s = settings_.spec;
  int fd = -1, err = 0;
  if (s.kind == SerialSpec::Kind::kTcp) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(s.port);
    if (const int rc = getaddrinfo(s.host.c_str(), port.c_str(), &hints, &found); rc != 0)
      throw ConsoleError(settings_.name + ": --serial " + s.text + ": cannot resolve '" + s.host +
                         "': " + gai_strerror(rc));
    for (addrinfo* ai = found; ai && fd < 0; ai = ai->ai_next) {
      fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
      if (fd < 0) {
        err = errno;
        continue;
      }
      if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        err = errno;
        close_fd(fd);
      }
    }
    freeaddrinfo(found);
    address_ = "tcp:" + s.host + ":" + port;
  } else {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (s.path.size() >= sizeof addr.sun_path)
      throw ConsoleError(settings_.name + ": --serial " + s.text + ": socket path too long");
    std::memcpy(addr.sun_path, s.path.c_str(), s.path.size() + 1);
    fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      err = errno;
      close_fd(fd);
    }
    address_ = "unix:" + s.path;
  }
  if (fd < 0)
    throw ConsoleError(settings_.name + ": --serial " + s.text + ": cannot connect to " + address_.substr(address_.find(':') + 1) +
                       ": " + errno_text(err) + " (add ,server to listen instead)");
  set_nodelay(fd);
  client_fd_ = fd;
}

void Console::wait_for_client() {
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(fd_mutex_);
      if (client_fd_ >= 0) return;
    }
    if (StopOnSignal::pending_signal() || closed_) return;  // the run ends at once
    if (settings_.input) {
      ::usleep(20000);  // the reader thread accepts
      continue;
    }
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) > 0) accept_client();
  }
}

bool Console::accept_client() {
  sockaddr_storage peer{};
  socklen_t len = sizeof peer;
  const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC);
  if (fd < 0) return false;
  set_nodelay(fd);
  {
    std::lock_guard<std::mutex> lock(fd_mutex_);
    client_fd_ = fd;
  }
  const std::string from =
      peer.ss_family == AF_UNIX ? std::string("a local client") : socket_address(reinterpret_cast<sockaddr*>(&peer));
  std::fprintf(stderr, "rvh-vp: %s: connection from %s\n", settings_.name.c_str(), from.c_str());
  return true;
}

void Console::drop_client(const char* why) {
  {
    std::lock_guard<std::mutex> lock(fd_mutex_);
    close_fd(client_fd_);
  }
  if (settings_.spec.server)
    std::fprintf(stderr, "rvh-vp: %s: client %s; listening on %s again\n", settings_.name.c_str(), why,
                 address_.c_str());
  else
    std::fprintf(stderr, "rvh-vp: %s: %s %s; its input ends\n", settings_.name.c_str(), address_.c_str(), why);
}

void Console::close() {
  if (closed_) return;
  closed_ = true;
  if (stdio_out_) stdio_out_->flush();  // before the terminal leaves raw mode
  if (reader_.joinable()) {
    const char c = 0;
    if (::write(wake_pipe_[1], &c, 1) < 0) {
    }
    reader_.join();
  }
  uart_.set_host_input_open(false);
  if (raw_) {
    restore_terminal();
    raw_ = false;
  }
  close_fd(wake_pipe_[0]);
  close_fd(wake_pipe_[1]);
  {
    std::lock_guard<std::mutex> lock(fd_mutex_);
    close_fd(client_fd_);
  }
  close_fd(listen_fd_);
  if (settings_.spec.kind == SerialSpec::Kind::kPty) {
    close_fd(pty_slave_fd_);
    close_fd(in_fd_);
    out_fd_ = -1;
  }
  if (!unix_path_created_.empty()) {
    ::unlink(unix_path_created_.c_str());
    unix_path_created_.clear();
  }
  if (dropped_)
    std::fprintf(stderr, "rvh-vp: %s: %" PRIu64 " input bytes dropped (the guest did not read them)\n",
                 settings_.name.c_str(), dropped_);
  file_ = nullptr;
  log_ = nullptr;
  if (settings_.file.is_open()) settings_.file.finish();
  if (settings_.log.is_open()) settings_.log.finish();
}

// ---- output: what the guest prints ----

void Console::output(uint8_t b) {
  at_line_start_ = b == '\n';
  if (log_) log_byte(b);
  switch (settings_.spec.kind) {
    case SerialSpec::Kind::kStdio:
      if (!stdio_out_) break;
      if (prefix_due_) stdio_out_->put(settings_.line_prefix);
      prefix_due_ = b == '\n';
      stdio_out_->put(b);
      break;
    case SerialSpec::Kind::kPty:
      if (out_fd_ >= 0 && ::write(out_fd_, &b, 1) < 0) {
        // Full (nobody has read the pty for a while): the byte is lost, as
        // on a line nobody listens to.
      }
      break;
    case SerialSpec::Kind::kTcp:
    case SerialSpec::Kind::kUnix: {
      std::lock_guard<std::mutex> lock(fd_mutex_);
      if (client_fd_ < 0) break;  // no client: lost, as on a line nobody listens to
      for (int tries = 0; tries < 20; ++tries) {
        const ssize_t n = ::send(client_fd_, &b, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n == 1) break;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) break;  // the reader sees it go
        pollfd p{client_fd_, POLLOUT, 0};
        ::poll(&p, 1, 50);  // a slow client: wait up to 1 s, then drop the byte
      }
      break;
    }
    case SerialSpec::Kind::kFile:
      if (file_) std::fputc(b, file_);
      break;
    case SerialSpec::Kind::kNull: break;
  }
}

void Console::log_byte(uint8_t b) {
  if (settings_.log_timestamps && log_at_line_start_) {
    const double t = uart_.transmit_time().to_seconds();
    std::fprintf(log_, "[%12.6f] ", t);
  }
  std::fputc(b, log_);
  log_at_line_start_ = b == '\n';
}

// ---- input: the reader thread ----

void Console::start_reader() {
  uart_.set_host_input_open(true);
  reader_ = std::thread(&Console::reader_main, this);
}

void Console::reader_main() {
  const SerialSpec& s = settings_.spec;
  const bool socket = s.kind == SerialSpec::Kind::kTcp || s.kind == SerialSpec::Kind::kUnix;
  uint8_t buf[512];
  for (;;) {
    int in = in_fd_;
    if (socket) {
      std::lock_guard<std::mutex> lock(fd_mutex_);
      in = client_fd_;
    }
    const bool listening = socket && s.server && in < 0;
    if (socket && !s.server && in < 0) break;  // a client connection that has ended
    // Not read while the buffer is full, except a terminal (its escape keys
    // must always work: there, what does not fit is dropped).
    const size_t space = uart_.host_input_space();
    const bool throttled = space == 0 && !in_is_tty_;
    pollfd fds[2] = {{wake_pipe_[0], POLLIN, 0}, {-1, POLLIN, 0}};
    if (listening)
      fds[1].fd = listen_fd_;
    else if (!throttled)
      fds[1].fd = in;
    const int r = ::poll(fds, 2, throttled ? 10 : -1);
    if (r < 0 && errno != EINTR) break;
    if (r <= 0) continue;
    if (fds[0].revents) break;  // close()
    if (!fds[1].revents) continue;
    if (listening) {
      accept_client();
      continue;
    }
    const size_t want = in_is_tty_ ? sizeof buf : std::min(sizeof buf, std::max<size_t>(space, 1));
    const ssize_t n = ::read(in, buf, want);
    if (n > 0) {
      feed(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (s.kind == SerialSpec::Kind::kPty) {
      ::usleep(100000);  // EIO while no slave is open (not expected: ours stays open)
      continue;
    }
    if (socket) {
      drop_client(n == 0 ? "disconnected" : "failed");
      if (s.server) continue;
    }
    break;  // end of file: no more input from here
  }
  uart_.set_host_input_open(false);
}

void Console::feed(const uint8_t* data, size_t n) {
  const int esc = settings_.spec.kind == SerialSpec::Kind::kStdio ? settings_.escape_char : -1;
  if (esc < 0) {
    push_to_uart(data, n);
    return;
  }
  uint8_t plain[512];
  size_t k = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t b = data[i];
    if (escape_state_ == 0) {
      if (b == esc) {
        escape_state_ = 1;
      } else {
        plain[k++] = b;
      }
      continue;
    }
    escape_state_ = 0;
    if (b == esc) {
      plain[k++] = b;  // Ctrl-A Ctrl-A: one Ctrl-A for the guest
      continue;
    }
    // A key for the simulator: what came before it goes first.
    push_to_uart(plain, k);
    k = 0;
    const char key = static_cast<char>(b);
    if (key == 'x' || key == 'X') g_quit = true;
    post(key);
  }
  push_to_uart(plain, k);
}

void Console::push_to_uart(const uint8_t* data, size_t n) {
  if (n == 0) return;
  const size_t taken = uart_.host_receive(data, n);
  if (taken < n) {
    dropped_ += n - taken;
    if (!warned_full_) {
      warned_full_ = true;
      std::fprintf(stderr, "\nrvh-vp: %s: input buffer full (the guest is not reading); input is dropped until it "
                           "reads\n",
                   settings_.name.c_str());
    }
  } else if (warned_full_ && uart_.host_input_space() > 0) {
    warned_full_ = false;
  }
}

void Console::post(char action) {
  {
    std::lock_guard<std::mutex> lock(action_mutex_);
    actions_.push_back(action);
  }
  action_cv_.notify_all();
  async_request_update();
}

// ---- actions, inside the simulation ----

void Console::update() {
  for (;;) {
    char action;
    {
      std::lock_guard<std::mutex> lock(action_mutex_);
      if (actions_.empty()) return;
      action = actions_.front();
      actions_.pop_front();
    }
    run_action(action);
  }
}

void Console::message(const std::string& text) {
  if (stdio_out_) stdio_out_->flush();
  std::fflush(stdout);
  std::fprintf(stderr, "%s%s", at_line_start_ ? "" : "\n", text.c_str());
  std::fflush(stderr);
  at_line_start_ = true;
}

void Console::run_action(char action) {
  const std::string e = escape_char_name(settings_.escape_char);
  switch (action) {
    case 'x':
    case 'X':
      message("rvh-vp: " + e + " x: ending the run\n");
      if (hooks_.quit) hooks_.quit();
      break;
    case 's':
    case 'S':
      message("");
      if (hooks_.stats) hooks_.stats();
      break;
    case 'p':
    case 'P': pause(); break;
    case 'h':
    case 'H':
    case '?': message(help_text(settings_.escape_char)); break;
    default: {
      const unsigned char c = static_cast<unsigned char>(action);
      const std::string key = c >= 32 && c < 127 ? std::string(1, action) : escape_char_name(c);
      message("rvh-vp: " + e + " " + key + ": not a console key; " + e + " h lists them\n");
    }
  }
}

void Console::pause() {
  char when[64];
  std::snprintf(when, sizeof when, "%.6f", sc_core::sc_time_stamp().to_seconds());
  const std::string e = escape_char_name(settings_.escape_char);
  message(std::string("rvh-vp: paused at simulated time ") + when + " s; " + e + " p resumes, " + e +
          " x ends the run\n");
  const auto start = Clock::now();
  bool resumed = false;
  while (!resumed) {
    char action = 0;
    {
      std::unique_lock<std::mutex> lock(action_mutex_);
      action_cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return !actions_.empty(); });
      if (!actions_.empty()) {
        action = actions_.front();
        actions_.pop_front();
      }
    }
    if (StopOnSignal::pending_signal()) break;  // the signal ends the run once this returns
    if (action == 0) continue;
    if (action == 'p' || action == 'P') {
      resumed = true;
    } else {
      run_action(action);
      if (action == 'x' || action == 'X') break;
    }
  }
  g_paused_ns += std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
  if (resumed) message("rvh-vp: resumed\n");
}

}  // namespace rvh
