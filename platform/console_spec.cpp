// platform/console_spec.cpp: see console_spec.h.
#include "platform/console_spec.h"
#include "platform/split_string.h"

#include <cctype>
#include <vector>

namespace rvh {

const char* const kSerialSyntax =
    "stdio, pty, null, file:PATH, tcp:[HOST]:PORT[,server][,wait|nowait] or unix:PATH[,server][,wait|nowait]";

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool parse_decimal(const std::string& s, uint64_t max, uint64_t& out) {
  if (s.empty() || s.size() > 10) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > max) return false;
  out = v;
  return true;
}

// ",server", ",wait", ",nowait", ",server=on|off", ",wait=on|off" after
// the address of tcp: and unix:.
void parse_socket_flags(const std::vector<std::string>& flags, SerialSpec& spec) {
  bool wait_given = false;
  for (const std::string& flag : flags) {
    const std::string f = lower(flag);
    const size_t eq = f.find('=');
    const std::string key = f.substr(0, eq);
    bool on = true;
    if (eq != std::string::npos) {
      const std::string v = f.substr(eq + 1);
      if (v == "on" || v == "yes" || v == "true") {
        on = true;
      } else if (v == "off" || v == "no" || v == "false") {
        on = false;
      } else {
        throw ConsoleSpecError(spec.text + ": bad value in '" + flag + "'; use on or off");
      }
    }
    if (key == "server") {
      spec.server = on;
    } else if (key == "wait") {
      spec.wait = on;
      wait_given = true;
    } else if (key == "nowait" && eq == std::string::npos) {
      spec.wait = false;
      wait_given = true;
    } else if (key == "telnet" || key == "websocket" || key == "tls-creds" || key == "reconnect") {
      throw ConsoleSpecError(spec.text + ": '" + flag + "' is not supported; the console is a raw byte stream "
                             "(connect with nc or socat)");
    } else {
      throw ConsoleSpecError(spec.text + ": unknown flag '" + flag + "'; use server, wait or nowait");
    }
  }
  if (wait_given && !spec.server)
    throw ConsoleSpecError(spec.text + ": wait and nowait are for a server; add ,server (" +
                           (spec.kind == SerialSpec::Kind::kTcp ? "tcp::4444,server" : "unix:/tmp/vp.sock,server") + ")");
}

}  // namespace

SerialSpec parse_serial_spec(const std::string& text) {
  SerialSpec spec;
  spec.text = text;
  const size_t colon = text.find(':');
  const std::string kind = lower(text.substr(0, colon));
  const std::string rest = colon == std::string::npos ? std::string() : text.substr(colon + 1);
  const bool has_rest = colon != std::string::npos;
  if (kind == "stdio" || kind == "pty" || kind == "null") {
    if (has_rest) throw ConsoleSpecError(text + ": " + kind + " takes no arguments");
    spec.kind = kind == "stdio" ? SerialSpec::Kind::kStdio
                : kind == "pty" ? SerialSpec::Kind::kPty
                                : SerialSpec::Kind::kNull;
    return spec;
  }
  if (kind == "file") {
    spec.kind = SerialSpec::Kind::kFile;
    if (rest.empty()) throw ConsoleSpecError(text + ": empty file name; use file:PATH");
    spec.path = rest;
    return spec;
  }
  if (kind == "unix") {
    spec.kind = SerialSpec::Kind::kUnix;
    std::vector<std::string> parts = split_string(rest, ',');
    spec.path = parts[0];
    if (spec.path.empty()) throw ConsoleSpecError(text + ": empty socket path; use unix:PATH[,server][,wait|nowait]");
    parse_socket_flags(std::vector<std::string>(parts.begin() + 1, parts.end()), spec);
    return spec;
  }
  if (kind == "tcp") {
    spec.kind = SerialSpec::Kind::kTcp;
    std::vector<std::string> parts = split_string(rest, ',');
    const std::string& address = parts[0];
    const std::string hint = "; use tcp:[HOST]:PORT[,server][,wait|nowait], e.g. tcp::4444,server";
    // [IPv6]:PORT or HOST:PORT (HOST may be empty).
    size_t port_colon;
    if (!address.empty() && address[0] == '[') {
      const size_t close = address.find(']');
      if (close == std::string::npos || close + 1 >= address.size() || address[close + 1] != ':')
        throw ConsoleSpecError(text + ": bad address '" + address + "'" + hint);
      spec.host = address.substr(1, close - 1);
      port_colon = close + 1;
    } else {
      port_colon = address.rfind(':');
      if (port_colon == std::string::npos) throw ConsoleSpecError(text + ": no port" + hint);
      spec.host = address.substr(0, port_colon);
      if (spec.host.find(':') != std::string::npos)
        throw ConsoleSpecError(text + ": write an IPv6 address in brackets, e.g. tcp:[::1]:4444,server");
    }
    const std::string port = address.substr(port_colon + 1);
    uint64_t p = 0;
    if (!parse_decimal(port, 65535, p))
      throw ConsoleSpecError(text + ": bad port '" + port + "' (a TCP port is 0-65535)" + hint);
    spec.port = static_cast<uint16_t>(p);
    parse_socket_flags(std::vector<std::string>(parts.begin() + 1, parts.end()), spec);
    if (spec.host.empty()) spec.host = "127.0.0.1";
    if (spec.port == 0 && !spec.server)
      throw ConsoleSpecError(text + ": port 0 only means \"any free port\" for a server; add ,server or name the port");
    return spec;
  }
  if (kind == "mon" || kind == "vc" || kind == "none" || kind == "chardev" || kind == "udp" || kind == "pipe" ||
      kind == "telnet" || kind == "serial" || kind == "tty")
    throw ConsoleSpecError(text + ": QEMU's " + kind + " backend is not supported; use " + kSerialSyntax);
  throw ConsoleSpecError(text + ": unknown backend '" + kind + "'; use " + kSerialSyntax);
}

int parse_escape_char(const std::string& text) {
  const std::string bad = text + ": bad escape character; use a letter for Ctrl-letter (a, t), ^A, ctrl-a, "
                                 "a character code 1-255 (0x14), or none";
  const std::string t = lower(text);
  if (t == "none" || t == "off") return -1;
  auto ctrl_of = [&](char c) -> int {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (c >= '@' && c <= '_' && c != '@') return c - '@';  // A..Z [ \ ] ^ _
    throw ConsoleSpecError(bad);
  };
  if (t.size() == 1 && std::isalpha(static_cast<unsigned char>(t[0]))) return ctrl_of(t[0]);
  if (t.size() == 2 && t[0] == '^') return ctrl_of(t[1]);
  for (const char* prefix : {"ctrl-", "ctrl+", "c-"}) {
    const std::string p = prefix;
    if (t.size() == p.size() + 1 && t.compare(0, p.size(), p) == 0) return ctrl_of(t[p.size()]);
  }
  uint64_t v = 0;
  if (t.size() > 2 && t[0] == '0' && t[1] == 'x') {
    const std::string hex = t.substr(2);
    if (hex.size() > 2) throw ConsoleSpecError(bad);
    for (char c : hex) {
      if (!std::isxdigit(static_cast<unsigned char>(c))) throw ConsoleSpecError(bad);
      v = v * 16 + static_cast<uint64_t>(std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'a' + 10);
    }
  } else if (!parse_decimal(t, 255, v)) {
    throw ConsoleSpecError(bad);
  }
  if (v < 1 || v > 255) throw ConsoleSpecError(bad);
  return static_cast<int>(v);
}

std::string escape_char_name(int c) {
  if (c >= 1 && c < 32) return std::string("Ctrl-") + static_cast<char>('@' + c);
  if (c > 32 && c < 127) return std::string("'") + static_cast<char>(c) + "'";
  static const char kHex[] = "0123456789abcdef";
  return std::string("0x") + kHex[(c >> 4) & 15] + kHex[c & 15];
}

}  // namespace rvh
