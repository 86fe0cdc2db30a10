// platform/console.h: the host side of a UART (--serial, --escape-char,
// --serial-log; docs/running.md "The console"). A console owns everything
// outside the simulation that a serial line is connected to: the terminal
// (raw mode, restored whatever happens: platform/terminal.h), a pty, a TCP
// or Unix-domain socket, a file or nothing; one host thread reads its input.
// The UART model sees only a narrow interface (peripherals/uart16550.h):
// bytes pushed into its input buffer (Uart16550::host_receive), and every
// byte the guest transmits (its output sink, which the console takes).
//
// On the stdio backend an escape key (Ctrl-A unless --escape-char says
// otherwise) controls the simulator as QEMU's -nographic does:
//   Ctrl-A x       end the run (summary, --stats and every output written)
//   Ctrl-A s       print the run statistics so far; the run goes on
//   Ctrl-A p       pause / resume simulated time
//   Ctrl-A h, ?    list the keys
//   Ctrl-A Ctrl-A  send one Ctrl-A to the guest
// The reader thread only recognises the keys; each action runs inside the
// simulation: the thread asks the SystemC kernel for an update
// (sc_prim_channel::async_request_update, thread-safe) and update() carries
// it out between two evaluation phases, where no hart is in the middle of
// anything. A pause blocks there (on a condition variable, no busy loop), so
// nothing is simulated and simulated time stands still until Ctrl-A p again,
// Ctrl-A x or SIGINT/SIGTERM.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include <systemc>

#include "platform/console_spec.h"
#include "platform/file_io.h"
#include "platform/line_writer.h"

namespace rvh {

class Uart16550;

// A console that cannot be opened (a TCP port in use, a socket path that is
// not a socket, no pty). what() is one line naming the console; rvh-vp exits
// with status 1 before the run.
class ConsoleError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ConsoleSettings {
  std::string name = "serial0";  // in messages
  SerialSpec spec;               // stdio unless told
  bool input = true;             // false: output only (--no-stdin)
  int escape_char = 1;           // stdio only; -1: none (the terminal keeps Ctrl-C as SIGINT)
  int stdin_fd = 0, stdout_fd = 1;  // the stdio backend's descriptors
  OutputFile file;               // the file: backend's file, opened by the caller
  OutputFile log;                // --serial-log, opened by the caller (or not open)
  bool log_timestamps = false;   // each log line starts with "[SECONDS.USECS] " of simulated time
  std::string line_prefix;       // stdio: written before each line ("vm1| "), for VMs sharing the terminal
};

struct ConsoleHooks {
  std::function<void()> quit;   // Ctrl-A x: end the run (called inside the simulation)
  std::function<void()> stats;  // Ctrl-A s: print the statistics so far (on stderr)
};

class Console : public sc_core::sc_prim_channel {
 public:
  // Input waiting for the guest, at most: Uart16550Options::input_buffer
  // (64 KiB by default). On a terminal the console keeps reading (so that
  // the escape keys always work) and drops what does not fit, saying so
  // once; other inputs are not read while the buffer is full.

  // During elaboration (before sc_start). Takes the UART's output sink.
  Console(ConsoleSettings settings, Uart16550& uart, ConsoleHooks hooks);
  ~Console() override;  // close(), quietly
  const ConsoleSettings& settings() const { return settings_; }
  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;

  // Connects the backend before the run: raw terminal, pty (its path is
  // printed), listening socket (its address is printed; with wait, blocks
  // until a client connects or SIGINT/SIGTERM), client socket; starts the
  // reader thread. Throws ConsoleError.
  void open();
  // Stops the reader, gives the terminal back, closes everything and
  // finishes the log and file outputs (throws OutputError if writing them
  // failed). Idempotent.
  void close();

  // Where the console is, once open: "stdio", "/dev/pts/3",
  // "tcp:127.0.0.1:4444", "unix:/tmp/vp.sock", "file:out.txt", "null".
  const std::string& address() const { return address_; }

  // Host seconds spent paused (Ctrl-A p) by any console, for the run's host
  // time and MIPS.
  static double paused_seconds();
  // Ctrl-A x was pressed (for code that holds the simulation without
  // returning to the kernel, such as the GDB stub while halted).
  static bool quit_requested();

  // The escape-key help text for `escape_char`.
  static std::string help_text(int escape_char);

 private:
  enum class Action : char { kQuit = 'x', kStats = 's', kPause = 'p', kHelp = 'h' };

  void update() override;  // runs queued actions inside the simulation
  void run_action(char action);
  void pause();
  void message(const std::string& text);  // on stderr, on a line of its own

  void output(uint8_t b);  // the UART's output sink
  void log_byte(uint8_t b);

  void open_stdio();
  void open_pty();
  void open_server();
  void open_client();
  void wait_for_client();
  bool accept_client();     // reader thread or wait_for_client
  void drop_client(const char* why);
  void start_reader();
  void reader_main();
  void feed(const uint8_t* data, size_t n);  // escape keys, then the UART
  void push_to_uart(const uint8_t* data, size_t n);
  void post(char action);

  ConsoleSettings settings_;
  Uart16550& uart_;
  ConsoleHooks hooks_;
  std::string address_;
  bool opened_ = false, closed_ = false;

  // Descriptors. client_fd_ (a socket's peer) changes in the reader thread
  // while the simulation writes to it: guarded by fd_mutex_.
  int in_fd_ = -1;        // stdio: stdin; pty: the master
  int out_fd_ = -1;       // stdio: stdout; pty: the master
  std::unique_ptr<LineWriter> stdio_out_;  // stdio: out_fd_, a line per write
  int pty_slave_fd_ = -1; // kept open so that output waits for a reader and reads never see EIO
  int listen_fd_ = -1;
  int client_fd_ = -1;
  std::mutex fd_mutex_;
  std::string unix_path_created_;
  int wake_pipe_[2] = {-1, -1};
  bool in_is_tty_ = false;
  bool raw_ = false;
  std::FILE* file_ = nullptr;  // file: backend
  std::FILE* log_ = nullptr;
  bool log_at_line_start_ = true;
  bool at_line_start_ = true;  // what the guest printed last ended a line
  bool prefix_due_ = true;     // line_prefix goes before the next byte

  std::thread reader_;
  int escape_state_ = 0;  // reader thread: 1 after the escape key
  bool warned_full_ = false;
  uint64_t dropped_ = 0;

  std::mutex action_mutex_;
  std::condition_variable action_cv_;
  std::deque<char> actions_;  // guarded by action_mutex_
};

}  // namespace rvh
