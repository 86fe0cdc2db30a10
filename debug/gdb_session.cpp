// debug/gdb_session.cpp: the RSP command dispatcher (GDB manual, "Remote
// Protocol": "Packets", "Stop Reply Packets", "General Query Packets").
#include "debug/gdb_session.h"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <utility>

#include "debug/gdb_target_xml.h"

namespace rvh::gdb {

namespace {

// Error replies (GDB shows the number; gdbserver uses errno values).
constexpr char kErrMalformed[] = "E01";
constexpr char kErrNoThread[] = "E02";
constexpr char kErrRegister[] = "E03";
constexpr char kErrBreakpoint[] = "E04";
constexpr char kErrAnnex[] = "E00";
constexpr char kErrMemory[] = "E14";  // EFAULT

// Bytes of monitor/console text per O packet.
constexpr size_t kConsoleChunk = 1024;
// Consecutive '-' answered by resending the same packet; more are ignored.
constexpr unsigned kMaxResends = 3;

// A packet for a log line: printable, at most 60 characters.
std::string printable(std::string_view packet) {
  std::string out;
  for (char c : packet.substr(0, 60)) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7f) {
      out += c;
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", b);
      out += hex;
    }
  }
  if (packet.size() > 60) out += "...";
  return out;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// A thread id of H, T, vCont and qThreadExtraInfo: "-1", or hex >= 0.
bool parse_thread_id(std::string_view text, int& thread) {
  if (text == "-1") {
    thread = -1;
    return true;
  }
  uint64_t v = 0;
  if (!parse_hex(text, v) || v > INT_MAX) return false;
  thread = static_cast<int>(v);
  return true;
}

// "ADDR,LENGTH" (both hex).
bool parse_address_length(std::string_view text, uint64_t& address, uint64_t& length) {
  const size_t comma = text.find(',');
  if (comma == std::string_view::npos) return false;
  return parse_hex(text.substr(0, comma), address) && parse_hex(text.substr(comma + 1), length);
}

unsigned register_bytes(const RegisterInfo& r) { return std::min(8u, (r.bitsize + 7) / 8); }

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Session::Session(Target& target) : target_(target) {
  logger_ = [](const std::string& message) {
    std::fprintf(stderr, "rvh-vp: gdb: %s\n", message.c_str());
  };
}

void Session::set_logger(std::function<void(const std::string&)> logger) {
  logger_ = std::move(logger);
}

void Session::log(const std::string& message) {
  if (logger_) logger_(message);
}

int Session::first_thread() {
  const std::vector<int> threads = target_.threads();
  return threads.empty() ? 1 : threads.front();
}

int Session::current_thread() const {
  if (general_thread_ > 0) return general_thread_;
  if (have_stop_) return last_stop_.thread;
  return const_cast<Session*>(this)->first_thread();
}

bool Session::thread_exists(int thread) {
  const std::vector<int> threads = target_.threads();
  return std::find(threads.begin(), threads.end(), thread) != threads.end();
}

const RegisterInfo* Session::find_register(unsigned regnum) {
  g_registers();  // builds the index
  const auto it = by_regnum_.find(regnum);
  return it == by_regnum_.end() ? nullptr : it->second;
}

// The g packet: the registers in regnum order (GDB lays it out so) as long as
// they belong to a cpu or fpu feature; the rest (CSRs, priv) only by p/P.
// GDB fetches whatever a shorter g reply leaves out with p.
const std::vector<const RegisterInfo*>& Session::g_registers() {
  if (registers_indexed_) return g_registers_;
  registers_indexed_ = true;
  for (const RegisterInfo& r : target_.registers()) by_regnum_.emplace(r.regnum, &r);
  for (const auto& [regnum, r] : by_regnum_) {
    if (!ends_with(r->feature, ".cpu") && !ends_with(r->feature, ".fpu")) break;
    g_registers_.push_back(r);
  }
  return g_registers_;
}

std::string Session::send(const std::string& payload) {
  last_sent_ = frame_packet(payload);
  resends_ = 0;
  return last_sent_;
}

std::string Session::console_packets(const std::string& text) {
  std::string out;
  for (size_t at = 0; at < text.size(); at += kConsoleChunk)
    out += send("O" + to_hex(std::string_view(text).substr(at, kConsoleChunk)));
  return out;
}

std::string Session::feed(const char* bytes, size_t size) {
  events_.clear();
  parser_.feed(bytes, size, events_);
  std::string out;
  for (PacketEvent& event : events_) {
    const bool ignoring = state_ == State::kDetached || state_ == State::kKilled ||
                          state_ == State::kExited;
    if (ignoring) continue;
    switch (event.kind) {
      case PacketEvent::kPacket: {
        if (!no_ack_) out += '+';
        if (state_ == State::kRunning) {
          log("ignored packet '" + printable(event.payload) + "' sent while the target runs");
          break;
        }
        bool reply = true;
        const std::string answer = dispatch(event.payload, reply);
        out += reply ? send(answer) : answer;  // answer: framed already, or ""
        // The OK still went with acks; from here on neither side sends them.
        if (event.payload == "QStartNoAckMode") no_ack_ = true;
        break;
      }
      case PacketEvent::kBadChecksum:
        log("bad checksum on packet '" + printable(event.payload) + "'" +
            (no_ack_ ? ": ignored" : ": asked GDB to resend it"));
        if (!no_ack_) out += '-';
        break;
      case PacketEvent::kOversized:
        log("ignored a packet of " + std::to_string(event.size) +
            " bytes: longer than the PacketSize of " + std::to_string(kMaxPacketSize));
        if (!no_ack_) out += '+';
        if (state_ == State::kHalted) out += send(kErrMalformed);
        break;
      case PacketEvent::kInterrupt:
        if (state_ == State::kRunning) interrupt_requested_ = true;
        break;
      case PacketEvent::kAck:
        resends_ = 0;
        break;
      case PacketEvent::kNack:
        if (no_ack_ || last_sent_.empty()) break;
        if (++resends_ > kMaxResends) {
          log("GDB keeps rejecting the last packet: not resending it again");
          break;
        }
        out += last_sent_;
        break;
      case PacketEvent::kJunk:
        log("ignored " + std::to_string(event.size) + " byte(s) outside any packet: '" +
            printable(event.payload) + "'");
        break;
    }
  }
  return out;
}

std::string Session::dispatch(const std::string& packet, bool& reply) {
  if (packet.empty()) return "";
  const std::string args = packet.substr(1);
  switch (packet[0]) {
    case '?': {
      // Like gdbserver: the reported thread becomes the current one.
      const StopEvent event = have_stop_ ? last_stop_ : StopEvent{first_thread(), 5, StopEvent::kPlain, 0, ""};
      general_thread_ = event.thread;
      return stop_reply(event);
    }
    case 'q':
      if (starts_with(packet, "qRcmd,")) return handle_monitor(packet.substr(6), reply);
      return handle_query(packet);
    case 'Q':
      return packet == "QStartNoAckMode" ? "OK" : "";
    case 'v':
      return handle_v(packet, reply);
    case 'H':
      return handle_set_thread(packet);
    case 'T': {
      int thread = 0;
      if (!parse_thread_id(args, thread)) return kErrMalformed;
      return thread > 0 && thread_exists(thread) ? "OK" : kErrNoThread;
    }
    case 'g':
      return handle_read_registers();
    case 'G':
      return handle_write_registers(args);
    case 'p':
      return handle_read_register(args);
    case 'P':
      return handle_write_register(args);
    case 'm':
      return handle_read_memory(args);
    case 'M':
      return handle_write_memory(args, false);
    case 'X':
      return handle_write_memory(args, true);
    case 'c':
    case 'C':
    case 's':
    case 'S':
      return handle_continue(packet, reply);
    case 'Z':
    case 'z':
      return handle_breakpoint(packet);
    case 'D':
      target_.detach();
      state_ = State::kDetached;
      return "OK";
    case 'k':
      target_.kill();
      state_ = State::kKilled;
      reply = false;  // GDB waits for no reply to k
      return "";
    default:
      return "";
  }
}

std::string Session::handle_query(const std::string& packet) {
  if (starts_with(packet, "qSupported")) {
    const size_t colon = packet.find(':');
    return handle_supported(colon == std::string::npos ? "" : packet.substr(colon + 1));
  }
  if (starts_with(packet, "qXfer:features:read:"))
    return handle_xfer_features(packet.substr(std::string_view("qXfer:features:read:").size()));
  if (packet == "qAttached" || starts_with(packet, "qAttached:")) return "1";
  if (packet == "qC") return "QC" + hex_number(static_cast<uint64_t>(current_thread()));
  if (packet == "qfThreadInfo") {
    std::string out = "m";
    for (int thread : target_.threads()) {
      if (out.size() > 1) out += ',';
      out += hex_number(static_cast<uint64_t>(thread));
    }
    return out.size() > 1 ? out : "l";
  }
  if (packet == "qsThreadInfo") return "l";
  if (starts_with(packet, "qThreadExtraInfo,")) {
    int thread = 0;
    if (!parse_thread_id(std::string_view(packet).substr(17), thread)) return kErrMalformed;
    if (thread <= 0 || !thread_exists(thread)) return kErrNoThread;
    return to_hex(target_.thread_description(thread));
  }
  if (starts_with(packet, "qSymbol")) return "OK";  // no symbols wanted
  return "";  // qOffsets, qTStatus, qTfV, ...: not supported
}

std::string Session::handle_supported(const std::string& features) {
  gdb_swbreak_ = gdb_hwbreak_ = false;
  size_t at = 0;
  while (at <= features.size()) {
    const size_t end = std::min(features.find(';', at), features.size());
    const std::string feature = features.substr(at, end - at);
    if (feature == "swbreak+") gdb_swbreak_ = true;
    if (feature == "hwbreak+") gdb_hwbreak_ = true;
    at = end + 1;
  }
  return "PacketSize=" + hex_number(kMaxPacketSize) +
         ";qXfer:features:read+;vContSupported+;swbreak+;hwbreak+;QStartNoAckMode+";
}

std::string Session::handle_xfer_features(const std::string& args) {
  // ANNEX:OFFSET,LENGTH
  const size_t colon = args.rfind(':');
  uint64_t offset = 0, length = 0;
  if (colon == std::string::npos || !parse_address_length(std::string_view(args).substr(colon + 1), offset, length))
    return kErrMalformed;
  if (args.substr(0, colon) != "target.xml") return kErrAnnex;
  if (target_xml_.empty()) target_xml_ = target_description_xml(target_.registers());
  if (offset >= target_xml_.size()) return "l";
  length = std::min<uint64_t>(length, kMaxPacketSize - 1);
  const std::string chunk = target_xml_.substr(offset, length);
  const bool last = offset + chunk.size() >= target_xml_.size();
  return (last ? "l" : "m") + chunk;  // frame_packet escapes it
}

std::string Session::handle_v(const std::string& packet, bool& reply) {
  if (packet == "vCont?") return "vCont;c;C;s;S";
  if (starts_with(packet, "vCont;")) return handle_vcont(packet.substr(6), reply);
  if (packet == "vKill" || starts_with(packet, "vKill;")) {
    target_.kill();
    state_ = State::kKilled;
    return "OK";
  }
  return "";  // vMustReplyEmpty, vFile, vRun...: not supported
}

std::string Session::handle_set_thread(const std::string& packet) {
  if (packet.size() < 3 || (packet[1] != 'g' && packet[1] != 'c')) {
    log("malformed packet '" + printable(packet) + "'");
    return kErrMalformed;
  }
  int thread = 0;
  if (!parse_thread_id(std::string_view(packet).substr(2), thread)) return kErrMalformed;
  if (thread > 0 && !thread_exists(thread)) return kErrNoThread;
  if (packet[1] == 'g') general_thread_ = thread > 0 ? thread : 0;  // 0, -1: the stopped thread
  else continue_thread_ = thread;
  return "OK";
}

std::string Session::handle_read_registers() {
  const int thread = current_thread();
  std::string out;
  for (const RegisterInfo* r : g_registers()) {
    uint64_t value = 0;
    const unsigned bytes = register_bytes(*r);
    if (target_.read_register(thread, r->regnum, value)) out += hex_le(value, bytes);
    else out += std::string(2 * bytes, 'x');
  }
  return out;
}

std::string Session::handle_write_registers(const std::string& hex) {
  size_t total = 0;
  for (const RegisterInfo* r : g_registers()) total += 2 * register_bytes(*r);
  if (hex.size() != total) {
    log("G packet with " + std::to_string(hex.size()) + " hex digits, expected " +
        std::to_string(total));
    return kErrMalformed;
  }
  const int thread = current_thread();
  bool ok = true;
  size_t at = 0;
  for (const RegisterInfo* r : g_registers()) {
    const unsigned bytes = register_bytes(*r);
    const std::string_view field = std::string_view(hex).substr(at, 2 * bytes);
    at += 2 * bytes;
    if (field.find_first_not_of('x') == std::string_view::npos) continue;  // unavailable
    uint64_t value = 0;
    if (!parse_hex_le(field, bytes, value)) return kErrMalformed;
    ok = target_.write_register(thread, r->regnum, value) && ok;
  }
  return ok ? "OK" : kErrRegister;
}

std::string Session::handle_read_register(const std::string& args) {
  uint64_t regnum = 0;
  if (!parse_hex(args, regnum)) return kErrMalformed;
  const RegisterInfo* r = regnum <= UINT_MAX ? find_register(static_cast<unsigned>(regnum)) : nullptr;
  if (!r) return kErrRegister;
  uint64_t value = 0;
  if (!target_.read_register(current_thread(), r->regnum, value))
    return std::string(2 * register_bytes(*r), 'x');
  return hex_le(value, register_bytes(*r));
}

std::string Session::handle_write_register(const std::string& args) {
  const size_t eq = args.find('=');
  uint64_t regnum = 0;
  if (eq == std::string::npos || !parse_hex(std::string_view(args).substr(0, eq), regnum))
    return kErrMalformed;
  const RegisterInfo* r = regnum <= UINT_MAX ? find_register(static_cast<unsigned>(regnum)) : nullptr;
  if (!r) return kErrRegister;
  uint64_t value = 0;
  if (!parse_hex_le(std::string_view(args).substr(eq + 1), register_bytes(*r), value))
    return kErrMalformed;
  return target_.write_register(current_thread(), r->regnum, value) ? "OK" : kErrRegister;
}

std::string Session::handle_read_memory(const std::string& args) {
  uint64_t address = 0, length = 0;
  if (!parse_address_length(args, address, length)) return kErrMalformed;
  // A reply may be shorter than asked; this keeps it within PacketSize.
  length = std::min<uint64_t>(length, kMaxPacketSize / 2);
  if (length == 0) return "";
  std::vector<uint8_t> data;
  if (!target_.read_memory(current_thread(), address, length, data) || data.empty())
    return kErrMemory;
  if (data.size() > length) data.resize(length);
  return to_hex(data);
}

std::string Session::handle_write_memory(const std::string& args, bool binary) {
  const size_t colon = args.find(':');
  uint64_t address = 0, length = 0;
  if (colon == std::string::npos ||
      !parse_address_length(std::string_view(args).substr(0, colon), address, length))
    return kErrMalformed;
  const std::string_view encoded = std::string_view(args).substr(colon + 1);
  std::string bytes;
  const bool decoded = binary ? unescape_binary(encoded, bytes) : from_hex(encoded, bytes);
  if (!decoded || bytes.size() != length) {
    log(std::string(binary ? "X" : "M") + " packet whose data does not match its length " +
        std::to_string(length));
    return kErrMalformed;
  }
  if (length == 0) return "OK";  // GDB's probe for X support
  const std::vector<uint8_t> data(bytes.begin(), bytes.end());
  return target_.write_memory(current_thread(), address, data) ? "OK" : kErrMemory;
}

std::string Session::handle_breakpoint(const std::string& packet) {
  // Ztype,addr,kind[;cond...]: conditions are not advertised, so ignored.
  const bool insert = packet[0] == 'Z';
  const std::string fields = packet.substr(1, packet.find(';') - 1);
  const size_t comma = fields.find(',');
  if (comma != 1 || fields[0] < '0' || fields[0] > '4') return kErrMalformed;
  uint64_t address = 0, kind = 0;
  if (!parse_address_length(std::string_view(fields).substr(2), address, kind) || kind > UINT_MAX)
    return kErrMalformed;
  const auto type = static_cast<BreakKind>(fields[0] - '0');
  switch (target_.set_breakpoint(type, address, static_cast<unsigned>(kind), insert)) {
    case BreakStatus::kDone: return "OK";
    case BreakStatus::kFailed: return kErrBreakpoint;
    case BreakStatus::kUnsupported: return "";
  }
  return "";
}

// c [addr], s [addr], C sig[;addr], S sig[;addr] (signals are ignored). A
// specific Hc thread resumes alone; otherwise c continues every thread and s
// steps the current thread alone.
std::string Session::handle_continue(const std::string& packet, bool& reply) {
  const bool step = packet[0] == 's' || packet[0] == 'S';
  std::string address_text = packet.substr(1);
  if (packet[0] == 'C' || packet[0] == 'S') {
    const size_t semi = address_text.find(';');
    uint64_t signal = 0;
    if (!parse_hex(std::string_view(address_text).substr(0, semi), signal)) return kErrMalformed;
    address_text = semi == std::string::npos ? "" : address_text.substr(semi + 1);
  }
  const int thread = continue_thread_ > 0 ? continue_thread_ : current_thread();
  if (!address_text.empty()) {
    uint64_t address = 0;
    if (!parse_hex(address_text, address)) return kErrMalformed;
    const RegisterInfo* pc = nullptr;
    for (const RegisterInfo& r : target_.registers())
      if (r.name == "pc") pc = &r;
    if (!pc || !target_.write_register(thread, pc->regnum, address)) return kErrRegister;
  }
  std::vector<ResumeAction> actions;
  if (continue_thread_ > 0 || step) {
    actions.push_back({step ? ResumeAction::kStep : ResumeAction::kContinue, thread});
  } else {
    for (int t : target_.threads()) actions.push_back({ResumeAction::kContinue, t});
  }
  resume(actions);
  reply = false;  // the stop reply comes with stop()
  return "";
}

// vCont;action[:thread];...: for each thread the leftmost action naming it or
// naming no thread (or -1) applies; a thread no action applies to stays
// halted ("vCont" in the manual).
std::string Session::handle_vcont(const std::string& args, bool& reply) {
  struct Parsed {
    ResumeAction::Kind kind;
    int thread;  // -1: every thread
  };
  std::vector<Parsed> parsed;
  size_t at = 0;
  while (at <= args.size()) {
    const size_t end = std::min(args.find(';', at), args.size());
    const std::string action = args.substr(at, end - at);
    at = end + 1;
    const size_t colon = action.find(':');
    const std::string verb = action.substr(0, colon);
    Parsed p{ResumeAction::kContinue, -1};
    uint64_t signal = 0;
    if (verb.empty()) return kErrMalformed;
    if (verb == "c") p.kind = ResumeAction::kContinue;
    else if (verb == "s") p.kind = ResumeAction::kStep;
    else if ((verb[0] == 'C' || verb[0] == 'S') && parse_hex(std::string_view(verb).substr(1), signal))
      p.kind = verb[0] == 'C' ? ResumeAction::kContinue : ResumeAction::kStep;
    else {
      log("unsupported vCont action '" + printable(action) + "'");
      return kErrMalformed;
    }
    if (colon != std::string::npos) {
      if (!parse_thread_id(std::string_view(action).substr(colon + 1), p.thread) || p.thread == 0)
        return kErrMalformed;
      if (p.thread > 0 && !thread_exists(p.thread)) return kErrNoThread;
    }
    parsed.push_back(p);
  }
  std::vector<ResumeAction> actions;
  for (int thread : target_.threads()) {
    for (const Parsed& p : parsed) {
      if (p.thread == -1 || p.thread == thread) {
        actions.push_back({p.kind, thread});
        break;
      }
    }
  }
  if (actions.empty()) return kErrNoThread;
  resume(actions);
  reply = false;
  return "";
}

void Session::resume(const std::vector<ResumeAction>& actions) {
  state_ = State::kRunning;
  interrupt_requested_ = false;
  target_.resume(actions);
}

std::string Session::handle_monitor(const std::string& hex, bool& reply) {
  std::string command;
  if (!from_hex(hex, command)) return kErrMalformed;
  const std::string output = target_.monitor(command);
  reply = false;
  return console_packets(output) + send("OK");
}

std::string Session::stop_reply(const StopEvent& event) const {
  char signal[3];
  std::snprintf(signal, sizeof signal, "%02x", event.signal & 0xff);
  std::string out = std::string("T") + signal + "thread:" +
                    hex_number(static_cast<uint64_t>(event.thread)) + ";";
  switch (event.kind) {
    case StopEvent::kPlain: break;
    case StopEvent::kSwBreak:
      if (gdb_swbreak_) out += "swbreak:;";
      break;
    case StopEvent::kHwBreak:
      if (gdb_hwbreak_) out += "hwbreak:;";
      break;
    case StopEvent::kWatch: out += "watch:" + hex_number(event.data_address) + ";"; break;
    case StopEvent::kRwatch: out += "rwatch:" + hex_number(event.data_address) + ";"; break;
    case StopEvent::kAwatch: out += "awatch:" + hex_number(event.data_address) + ";"; break;
  }
  return out;
}

std::string Session::stop(const StopEvent& event) {
  if (state_ != State::kRunning && state_ != State::kHalted) return "";
  last_stop_ = event;
  have_stop_ = true;
  if (state_ == State::kHalted) return "";
  state_ = State::kHalted;
  interrupt_requested_ = false;
  general_thread_ = event.thread;  // GDB too takes the stopped thread as Hg
  return console_packets(event.console_text) + send(stop_reply(event));
}

std::string Session::exited(int code) {
  const bool waiting = state_ == State::kRunning;
  state_ = State::kExited;
  if (!waiting) return "";
  char reply[4];
  std::snprintf(reply, sizeof reply, "W%02x", code & 0xff);
  return send(reply);
}

std::string Session::terminated(int signal) {
  const bool waiting = state_ == State::kRunning;
  state_ = State::kExited;
  if (!waiting) return "";
  char reply[4];
  std::snprintf(reply, sizeof reply, "X%02x", signal & 0xff);
  return send(reply);
}

}  // namespace rvh::gdb
