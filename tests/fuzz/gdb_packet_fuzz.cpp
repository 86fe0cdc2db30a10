// gdb_packet_fuzz.cpp -- the GDB Remote Serial Protocol session
// (debug/gdb_session.*, debug/gdb_packet.*), which takes whatever bytes a
// client sends to the --gdb port.
//
// Input: 1 byte chunk size (the stream is fed in chunks of 1 + b % 64 bytes,
// all at once for 0xff), 1 byte choosing the stop events, then the byte
// stream. Whenever the session runs after a chunk, the target "stops" (the
// next stop kind and thread from the choice byte), so later packets are
// handled too.
//
// Checks, besides the sanitizers: whatever the input, the output is only
// acks and well-formed packets (good checksum, nothing outside a packet),
// no reply is larger than PacketSize allows; the Target is called only for
// threads it listed, with memory lengths within PacketSize, only while the
// session is halted; a detached or killed session answers nothing.
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "debug/gdb_packet.h"
#include "debug/gdb_riscv_registers.h"
#include "debug/gdb_session.h"
#include "tests/fuzz/fuzz_sc_main.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using namespace rvh::gdb;

class FuzzTarget : public Target {
 public:
  FuzzTarget() {
    regs_ = riscv_cpu_registers();
    for (const RegisterInfo& r : riscv_fpu_registers()) regs_.push_back(r);
    regs_.push_back(riscv_csr_register("mstatus", 0x300));
    regs_.push_back(riscv_priv_register());
    memory_.assign(0x1000, 0x13);
  }
  const Session* session = nullptr;
  unsigned calls = 0;  // varies the answers

  std::vector<int> threads() override { return {1, 2, 0x1f}; }
  std::string thread_description(int t) override {
    check_thread(t);
    return "hart " + std::to_string(t) + " (\"M\" <&>)";
  }
  const std::vector<RegisterInfo>& registers() override { return regs_; }
  bool read_register(int t, unsigned regnum, uint64_t& v) override {
    check_halted_thread(t);
    v = values_[regnum] ^ static_cast<uint64_t>(t);
    return (++calls % 7) != 0;
  }
  bool write_register(int t, unsigned regnum, uint64_t v) override {
    check_halted_thread(t);
    FUZZ_CHECK(known(regnum), "write_register of unknown regnum %u", regnum);
    values_[regnum] = v;
    return (++calls % 5) != 0;
  }
  bool read_memory(int t, uint64_t a, size_t n, std::vector<uint8_t>& out) override {
    check_halted_thread(t);
    FUZZ_CHECK(n > 0 && n <= kMaxPacketSize / 2, "read_memory of %zu bytes", n);
    for (size_t i = 0; i < n && a + i >= a && a + i < 0x2000 && a + i >= 0x1000; ++i)
      out.push_back(memory_[a + i - 0x1000]);
    return !out.empty();
  }
  bool write_memory(int t, uint64_t a, const std::vector<uint8_t>& data) override {
    check_halted_thread(t);
    FUZZ_CHECK(data.size() <= kMaxPacketSize, "write_memory of %zu bytes", data.size());
    if (a < 0x1000 || a + data.size() > 0x2000 || a + data.size() < a) return false;
    std::memcpy(&memory_[a - 0x1000], data.data(), data.size());
    return true;
  }
  BreakStatus set_breakpoint(BreakKind type, uint64_t, unsigned, bool) override {
    check_halted();
    FUZZ_CHECK(static_cast<int>(type) >= 0 && static_cast<int>(type) <= 4, "break kind %d",
               static_cast<int>(type));
    return static_cast<BreakStatus>(++calls % 3);
  }
  void resume(const std::vector<ResumeAction>& actions) override {
    FUZZ_CHECK(!actions.empty(), "resume with no action");
    int previous = 0;
    for (const ResumeAction& a : actions) {
      check_thread(a.thread);
      FUZZ_CHECK(a.thread > previous, "resume actions not one per thread in order");
      previous = a.thread;
    }
  }
  std::string monitor(const std::string& command) override {
    check_halted();
    return command + command;
  }
  void detach() override { check_halted(); }
  void kill() override { check_halted(); }

 private:
  bool known(unsigned regnum) const {
    for (const RegisterInfo& r : regs_)
      if (r.regnum == regnum) return true;
    return false;
  }
  void check_thread(int t) {
    FUZZ_CHECK(t == 1 || t == 2 || t == 0x1f, "Target called for thread %d", t);
  }
  void check_halted() { FUZZ_CHECK(session && session->halted(), "Target called while not halted"); }
  void check_halted_thread(int t) {
    check_halted();
    check_thread(t);
  }

  std::vector<RegisterInfo> regs_;
  std::map<unsigned, uint64_t> values_;
  std::vector<uint8_t> memory_;
};

// Output: acks and packets only, each reply within PacketSize (unescaped;
// the escaped form may double it).
void check_output(const std::string& out) {
  PacketParser parser(4 * kMaxPacketSize);
  std::vector<PacketEvent> events;
  parser.feed(out.data(), out.size(), events);
  FUZZ_CHECK(parser.idle(), "output ends inside a packet");
  for (const PacketEvent& e : events) {
    FUZZ_CHECK(e.kind == PacketEvent::kPacket || e.kind == PacketEvent::kAck ||
                   e.kind == PacketEvent::kNack,
               "output holds a malformed packet or junk (event %d)", static_cast<int>(e.kind));
    if (e.kind != PacketEvent::kPacket) continue;
    std::string payload;
    FUZZ_CHECK(unescape_binary(e.payload, payload), "reply with a dangling escape");
    FUZZ_CHECK(payload.size() <= kMaxPacketSize + 16, "reply of %zu bytes", payload.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rvh::fuzz::ByteReader in(data, size);
  const uint8_t chunk_byte = in.u8();
  uint8_t choice = in.u8();
  const std::string stream = in.bytes(in.remaining());
  const size_t chunk = chunk_byte == 0xff ? stream.size() + 1 : 1 + chunk_byte % 64;

  FuzzTarget target;
  Session session(target);
  target.session = &session;
  session.set_logger([](const std::string& message) {
    FUZZ_CHECK(!message.empty() && message.find('\n') == std::string::npos,
               "log message empty or multi-line");
  });

  for (size_t at = 0; at < stream.size(); at += chunk) {
    const bool done_before = session.detached() || session.killed();
    const std::string out = session.feed(stream.data() + at, std::min(chunk, stream.size() - at));
    check_output(out);
    if (done_before) FUZZ_CHECK(out.empty(), "a detached or killed session answered");
    if (session.running()) {
      StopEvent event;
      event.thread = (choice & 1) ? 2 : 1;
      event.signal = (choice & 2) ? 2 : 5;
      event.kind = static_cast<StopEvent::Kind>((choice >> 2) % 6);
      event.data_address = 0x1000u * choice;
      if (choice & 0x80) event.console_text = "stop\n";
      choice = static_cast<uint8_t>(choice * 5 + 1);
      const std::string reply = session.stop(event);
      check_output(reply);
      FUZZ_CHECK(!reply.empty() && session.halted(), "stop() while running sent nothing");
    }
  }
  return 0;
}
