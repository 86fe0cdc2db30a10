// platform/console_spec.h: what a console is connected to (--serial,
// --escape-char; docs/running.md "The console"), parsed without opening
// anything. The spellings are QEMU's -serial/-chardev ones where QEMU has
// them: stdio, pty, null, file:PATH, tcp:[HOST]:PORT[,server][,wait|nowait],
// unix:PATH[,server][,wait|nowait] (also server=on|off, wait=on|off).
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

namespace rvh {

// A bad --serial or --escape-char value; what() is one line naming the value
// and the fix (rvh-vp prints it after the option's name, exit status 2).
class ConsoleSpecError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SerialSpec {
  enum class Kind { kStdio, kPty, kTcp, kUnix, kFile, kNull };
  Kind kind = Kind::kStdio;
  std::string host;    // tcp: address to listen on or connect to (default 127.0.0.1)
  uint16_t port = 0;   // tcp; 0 with server: any free port (printed)
  std::string path;    // unix: the socket; file: the output file
  bool server = false; // tcp, unix: listen for one client at a time
  bool wait = true;    // server: wait for the first client before the run starts
  std::string text;    // as written, for messages

  bool has_input() const { return kind != Kind::kFile && kind != Kind::kNull; }
};

// Throws ConsoleSpecError, e.g. "tcp:x:4444: bad port 'x'; ...".
SerialSpec parse_serial_spec(const std::string& text);

// --escape-char: "none" (-1), a letter for Ctrl-letter ("a", "t"), "^A",
// "ctrl-a", "C-a", or a character code as QEMU's -echr takes it ("1",
// "0x14"; 1..255). Throws ConsoleSpecError.
int parse_escape_char(const std::string& text);
// "Ctrl-A", "Ctrl-]", "'~'", "0xe9".
std::string escape_char_name(int c);

// The backends and their syntax, for messages and --help.
extern const char* const kSerialSyntax;

}  // namespace rvh
