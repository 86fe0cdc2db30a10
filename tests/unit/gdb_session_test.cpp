// Unit tests for the GDB Remote Serial Protocol library (debug/): packet
// framing, checksums, escapes and the streaming parser (gdb_packet), the
// target description (gdb_target_xml, gdb_riscv_registers), every packet of
// the dispatcher against an in-test Target (gdb_session), and the loopback
// TCP server (gdb_socket). Expected bytes follow the GDB manual, appendix
// "Remote Protocol"; the simulator's own Target is tested by the gdb-multiarch
// tests.
#include "tests/unit/gtest_sc_main.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>

#include "debug/gdb_packet.h"
#include "debug/gdb_riscv_registers.h"
#include "debug/gdb_session.h"
#include "debug/gdb_socket.h"
#include "debug/gdb_target_xml.h"

namespace rvh::gdb {
namespace {

// ------------------------------------------------------------------ packets

TEST(GdbPacket, ChecksumAndFraming) {
  EXPECT_EQ(checksum(""), 0);
  EXPECT_EQ(checksum("OK"), 0x9a);
  EXPECT_EQ(frame_packet("OK"), "$OK#9a");
  EXPECT_EQ(frame_packet("g"), "$g#67");
  EXPECT_EQ(frame_packet(""), "$#00");
  // The checksum covers the escaped bytes as sent.
  EXPECT_EQ(frame_packet("#"), "$}\x03#80");
}

TEST(GdbPacket, EscapeAndUnescape) {
  EXPECT_EQ(escape_binary("a#b$c}d*e"), "a}\x03" "b}\x04" "c}]d}\x0a" "e");
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  std::string back;
  ASSERT_TRUE(unescape_binary(escape_binary(all), back));
  EXPECT_EQ(back, all);
  EXPECT_FALSE(unescape_binary("abc}", back));
  ASSERT_TRUE(unescape_binary("}]}\x03", back));
  EXPECT_EQ(back, "}#");
}

TEST(GdbPacket, HexHelpers) {
  EXPECT_EQ(to_hex(std::string("\x00\x7f\xff", 3)), "007fff");
  std::string bytes;
  EXPECT_TRUE(from_hex("4142aB", bytes));
  EXPECT_EQ(bytes, "AB\xab");
  EXPECT_FALSE(from_hex("414", bytes));
  EXPECT_FALSE(from_hex("4g", bytes));
  uint64_t v = 0;
  EXPECT_TRUE(parse_hex("ffffffffffffffff", v));
  EXPECT_EQ(v, ~0ull);
  EXPECT_FALSE(parse_hex("", v));
  EXPECT_FALSE(parse_hex("10000000000000000", v));  // 17 digits
  EXPECT_FALSE(parse_hex("-1", v));
  EXPECT_FALSE(parse_hex("0x10", v));
  EXPECT_EQ(hex_number(0), "0");
  EXPECT_EQ(hex_number(0x80000000), "80000000");
  EXPECT_EQ(hex_le(0x11223344, 4), "44332211");
  EXPECT_EQ(hex_le(0x1, 8), "0100000000000000");
  EXPECT_TRUE(parse_hex_le("4433221100000000", 8, v));
  EXPECT_EQ(v, 0x11223344u);
  EXPECT_FALSE(parse_hex_le("443322", 4, v));
  EXPECT_FALSE(parse_hex_le("00000000000000000000000000000000", 16, v));
}

std::vector<PacketEvent> parse_all(const std::string& bytes, size_t chunk = 0,
                                   size_t max = kMaxPacketSize) {
  PacketParser parser(max);
  std::vector<PacketEvent> events;
  if (chunk == 0) chunk = bytes.size() ? bytes.size() : 1;
  for (size_t at = 0; at < bytes.size(); at += chunk)
    parser.feed(bytes.data() + at, std::min(chunk, bytes.size() - at), events);
  return events;
}

TEST(GdbPacketParser, PacketsInAnyChunking) {
  const std::string stream = "+" + frame_packet("qSupported:swbreak+") + "$g#67-\x03" +
                             frame_packet("m80000000,4");
  for (size_t chunk : {0, 1, 2, 3, 7}) {
    const auto events = parse_all(stream, chunk);
    ASSERT_EQ(events.size(), 6u) << "chunk " << chunk;
    EXPECT_EQ(events[0].kind, PacketEvent::kAck);
    EXPECT_EQ(events[1].kind, PacketEvent::kPacket);
    EXPECT_EQ(events[1].payload, "qSupported:swbreak+");
    EXPECT_EQ(events[2].payload, "g");
    EXPECT_EQ(events[3].kind, PacketEvent::kNack);
    EXPECT_EQ(events[4].kind, PacketEvent::kInterrupt);
    EXPECT_EQ(events[5].payload, "m80000000,4");
  }
}

TEST(GdbPacketParser, InterruptByteInsideAPacketIsData) {
  const std::string payload = std::string("X80000000,1:") + '\x03';
  const auto events = parse_all(frame_packet(payload));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, PacketEvent::kPacket);
  EXPECT_EQ(events[0].payload, payload);
}

TEST(GdbPacketParser, BadChecksums) {
  auto events = parse_all("$g#00");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, PacketEvent::kBadChecksum);
  EXPECT_EQ(events[0].payload, "g");
  events = parse_all("$g#zz$g#67");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, PacketEvent::kBadChecksum);
  EXPECT_EQ(events[1].kind, PacketEvent::kPacket);
  // Uppercase checksum digits are accepted.
  events = parse_all("$OK#9A");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, PacketEvent::kPacket);
}

TEST(GdbPacketParser, JunkAndRestartedPackets) {
  auto events = parse_all("hello\n$g#67");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, PacketEvent::kJunk);
  EXPECT_EQ(events[0].size, 6u);
  EXPECT_EQ(events[0].payload, "hello\n");
  EXPECT_EQ(events[1].payload, "g");
  // A '$' inside a packet: the unfinished one is junk, the new one counts.
  events = parse_all("$qfoo$g#67");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, PacketEvent::kJunk);
  EXPECT_EQ(events[0].size, 5u);
  EXPECT_EQ(events[1].kind, PacketEvent::kPacket);
  EXPECT_EQ(events[1].payload, "g");
}

TEST(GdbPacketParser, OversizedPacketsAreDroppedNotStored) {
  const std::string big = frame_packet("M0," + std::string(100, '0'));
  auto events = parse_all(big + "$g#67", 5, 32);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, PacketEvent::kOversized);
  EXPECT_EQ(events[0].size, 103u);
  EXPECT_TRUE(events[0].payload.empty());
  EXPECT_EQ(events[1].payload, "g");
  // Exactly the limit is fine.
  events = parse_all(frame_packet(std::string(32, 'a')), 0, 32);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, PacketEvent::kPacket);
  // An oversized packet cut short by a new '$'.
  events = parse_all("$" + std::string(40, 'a') + "$g#67", 0, 32);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, PacketEvent::kOversized);
  EXPECT_EQ(events[1].payload, "g");
}

// ------------------------------------------------------------- description

// The registers of the in-test target: GDB's cpu and fpu features, two CSRs
// and priv.
std::vector<RegisterInfo> test_registers() {
  std::vector<RegisterInfo> regs = riscv_cpu_registers();
  for (const RegisterInfo& r : riscv_fpu_registers()) regs.push_back(r);
  regs.push_back(riscv_csr_register("mstatus", 0x300));
  regs.push_back(riscv_csr_register("hgatp", 0x680));
  regs.push_back(riscv_priv_register());
  return regs;
}

TEST(GdbRiscvRegisters, GdbNamesAndNumbers) {
  const auto cpu = riscv_cpu_registers();
  ASSERT_EQ(cpu.size(), 33u);
  EXPECT_EQ(cpu[0].name, "zero");
  EXPECT_EQ(cpu[1].name, "ra");
  EXPECT_EQ(cpu[1].type, "code_ptr");
  EXPECT_EQ(cpu[2].type, "data_ptr");
  EXPECT_EQ(cpu[8].name, "fp");
  EXPECT_EQ(cpu[31].name, "t6");
  EXPECT_EQ(cpu[32].name, "pc");
  EXPECT_EQ(cpu[32].regnum, 32u);
  for (unsigned i = 0; i < 33; ++i) EXPECT_EQ(cpu[i].regnum, i);
  const auto fpu = riscv_fpu_registers();
  ASSERT_EQ(fpu.size(), 35u);
  EXPECT_EQ(fpu[0].name, "ft0");
  EXPECT_EQ(fpu[0].regnum, 33u);
  EXPECT_EQ(fpu[31].name, "ft11");
  EXPECT_EQ(fpu[31].regnum, 64u);
  EXPECT_EQ(fpu[32].name, "fflags");
  EXPECT_EQ(fpu[32].regnum, 66u);
  EXPECT_EQ(fpu[32].bitsize, 32u);
  EXPECT_EQ(fpu[34].name, "fcsr");
  EXPECT_EQ(fpu[34].regnum, 68u);
  EXPECT_EQ(riscv_csr_register("mstatus", 0x300).regnum, 65u + 0x300);
  EXPECT_EQ(riscv_priv_register().regnum, 65u + 4096);
  EXPECT_EQ(riscv_priv_register().feature, "org.gnu.gdb.riscv.virtual");
}

// A minimal well-formedness check: tags nest and close, attributes are
// quoted. Good enough where xmllint is missing.
bool tags_balanced(const std::string& xml) {
  std::vector<std::string> open;
  for (size_t at = xml.find('<'); at != std::string::npos; at = xml.find('<', at + 1)) {
    const size_t end = xml.find('>', at);
    if (end == std::string::npos) return false;
    const std::string tag = xml.substr(at + 1, end - at - 1);
    if (tag[0] == '?' || tag[0] == '!') continue;
    if (tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1)) return false;
      open.pop_back();
    } else if (tag.back() != '/') {
      open.push_back(tag.substr(0, tag.find(' ')));
    }
    size_t quotes = 0;
    for (char c : tag) quotes += c == '"';
    if (quotes % 2) return false;
  }
  return open.empty();
}

// xmllint --noout on the text: 0 well-formed, -1 no xmllint.
int xmllint(const std::string& xml) {
  if (std::system("command -v xmllint >/dev/null 2>&1") != 0) return -1;
  char path[] = "/tmp/gdb_target_xml_XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return -1;
  const bool written = ::write(fd, xml.data(), xml.size()) == static_cast<ssize_t>(xml.size());
  ::close(fd);
  const int status = written ? std::system(("xmllint --noout " + std::string(path)).c_str()) : -1;
  std::remove(path);
  return status;
}

TEST(GdbTargetXml, FeaturesRegnumsAndTypes) {
  const std::string xml = target_description_xml(test_registers());
  EXPECT_TRUE(tags_balanced(xml)) << xml;
  const int lint = xmllint(xml);
  if (lint >= 0) {
    EXPECT_EQ(lint, 0) << xml;
  }
  EXPECT_NE(xml.find("<architecture>riscv:rv64</architecture>"), std::string::npos);
  EXPECT_NE(xml.find("<osabi>none</osabi>"), std::string::npos);
  for (const char* feature : {"org.gnu.gdb.riscv.cpu", "org.gnu.gdb.riscv.fpu",
                              "org.gnu.gdb.riscv.csr", "org.gnu.gdb.riscv.virtual"})
    EXPECT_NE(xml.find(std::string("<feature name=\"") + feature + "\">"), std::string::npos)
        << feature;
  EXPECT_NE(xml.find("<reg name=\"zero\" bitsize=\"64\" regnum=\"0\" type=\"int\"/>"),
            std::string::npos);
  EXPECT_NE(xml.find("<reg name=\"pc\" bitsize=\"64\" regnum=\"32\" type=\"code_ptr\"/>"),
            std::string::npos);
  EXPECT_NE(xml.find("<reg name=\"ft0\" bitsize=\"64\" regnum=\"33\" type=\"riscv_double\"/>"),
            std::string::npos);
  EXPECT_NE(xml.find("<union id=\"riscv_double\">"), std::string::npos);
  EXPECT_NE(xml.find("<reg name=\"fflags\" bitsize=\"32\" regnum=\"66\""), std::string::npos);
  EXPECT_NE(xml.find("<reg name=\"mstatus\" bitsize=\"64\" regnum=\"833\""), std::string::npos);
  EXPECT_NE(xml.find("<reg name=\"priv\" bitsize=\"64\" regnum=\"4161\""), std::string::npos);
  // The union is defined in the fpu feature, before its first use.
  EXPECT_LT(xml.find("org.gnu.gdb.riscv.fpu"), xml.find("<union"));
  EXPECT_LT(xml.find("<union"), xml.find("\"ft0\""));
}

TEST(GdbTargetXml, EscapesNames) {
  const std::string xml = target_description_xml({{"a<b&\"c", 0, 64, "x.cpu", "", ""}}, "arch", "");
  EXPECT_NE(xml.find("name=\"a&lt;b&amp;&quot;c\""), std::string::npos);
  EXPECT_EQ(xml.find("<osabi>"), std::string::npos);
  EXPECT_TRUE(tags_balanced(xml));
}

// ----------------------------------------------------------------- session

// Two threads, registers and memory in maps, every call recorded.
class FakeTarget : public Target {
 public:
  FakeTarget() : regs_(test_registers()) {
    for (int t : {1, 2})
      for (const RegisterInfo& r : regs_) values[{t, r.regnum}] = 0x100u * t + r.regnum;
    for (uint64_t a = 0x80000000; a < 0x80000100; ++a) memory[a] = static_cast<uint8_t>(a);
  }
  std::vector<int> threads() override { return thread_ids; }
  std::string thread_description(int t) override { return "hart " + std::to_string(t - 1) + " (VS)"; }
  const std::vector<RegisterInfo>& registers() override { return regs_; }
  bool read_register(int t, unsigned regnum, uint64_t& v) override {
    register_threads.insert(t);
    if (unavailable.count(regnum)) return false;
    v = values[{t, regnum}];
    return true;
  }
  bool write_register(int t, unsigned regnum, uint64_t v) override {
    if (read_only.count(regnum)) return false;
    values[{t, regnum}] = v;
    return true;
  }
  bool read_memory(int t, uint64_t a, size_t n, std::vector<uint8_t>& out) override {
    memory_threads.insert(t);
    last_read_length = n;
    for (size_t i = 0; i < n; ++i) {
      const auto it = memory.find(a + i);
      if (it == memory.end()) break;
      out.push_back(it->second);
    }
    return !out.empty();
  }
  bool write_memory(int, uint64_t a, const std::vector<uint8_t>& data) override {
    for (size_t i = 0; i < data.size(); ++i)
      if (!memory.count(a + i)) return false;
    for (size_t i = 0; i < data.size(); ++i) memory[a + i] = data[i];
    return true;
  }
  BreakStatus set_breakpoint(BreakKind type, uint64_t a, unsigned kind, bool insert) override {
    breakpoints.push_back({type, a, kind, insert});
    return break_status;
  }
  void resume(const std::vector<ResumeAction>& actions) override { resumes.push_back(actions); }
  std::string monitor(const std::string& command) override {
    monitor_commands.push_back(command);
    return monitor_output;
  }
  void detach() override { ++detaches; }
  void kill() override { ++kills; }

  struct Breakpoint {
    BreakKind type;
    uint64_t address;
    unsigned kind;
    bool insert;
  };
  std::vector<int> thread_ids{1, 2};
  std::map<std::pair<int, unsigned>, uint64_t> values;
  std::set<unsigned> unavailable, read_only;
  std::map<uint64_t, uint8_t> memory;
  std::set<int> register_threads, memory_threads;
  size_t last_read_length = 0;
  std::vector<Breakpoint> breakpoints;
  BreakStatus break_status = BreakStatus::kDone;
  std::vector<std::vector<ResumeAction>> resumes;
  std::vector<std::string> monitor_commands;
  std::string monitor_output;
  int detaches = 0, kills = 0;

 private:
  std::vector<RegisterInfo> regs_;
};

// The unescaped payloads of the packets in `out` (acks skipped).
std::vector<std::string> packets_in(const std::string& out) {
  PacketParser parser(1 << 20);
  std::vector<PacketEvent> events;
  parser.feed(out.data(), out.size(), events);
  std::vector<std::string> payloads;
  for (const PacketEvent& e : events) {
    if (e.kind == PacketEvent::kAck) continue;
    EXPECT_EQ(e.kind, PacketEvent::kPacket) << "in " << out;
    std::string payload;
    EXPECT_TRUE(unescape_binary(e.payload, payload));
    payloads.push_back(payload);
  }
  return payloads;
}

std::string regs_hex(const FakeTarget& t, int thread, unsigned first, unsigned last, unsigned bytes) {
  std::string out;
  for (unsigned r = first; r <= last; ++r) out += hex_le(t.values.at({thread, r}), bytes);
  return out;
}

class GdbSessionTest : public ::testing::Test {
 protected:
  GdbSessionTest() : session(target) {
    session.set_logger([this](const std::string& m) { log.push_back(m); });
  }
  // Sends one packet; expects the ack and exactly one reply, returned.
  std::string ask(const std::string& payload) {
    const std::string out = session.feed(frame_packet(payload));
    if (!session.no_ack_mode()) {
      EXPECT_EQ(out.substr(0, 1), "+") << payload;
    }
    const auto replies = packets_in(out);
    EXPECT_EQ(replies.size(), 1u) << payload << " -> " << out;
    return replies.empty() ? "<none>" : replies.back();
  }
  // Sends a packet that resumes: the ack and no reply.
  void resume_with(const std::string& payload) {
    EXPECT_EQ(session.feed(frame_packet(payload)), session.no_ack_mode() ? "" : "+") << payload;
    EXPECT_TRUE(session.running()) << payload;
  }
  bool logged(const std::string& part) const {
    for (const std::string& m : log)
      if (m.find(part) != std::string::npos) return true;
    return false;
  }

  FakeTarget target;
  Session session;
  std::vector<std::string> log;
};

TEST_F(GdbSessionTest, AcksRepliesAndNoAckMode) {
  EXPECT_TRUE(session.halted());
  EXPECT_EQ(session.feed(frame_packet("qAttached")), "+$1#31");
  EXPECT_EQ(session.feed("+"), "");
  EXPECT_EQ(session.feed(frame_packet("QStartNoAckMode")), "+$OK#9a");
  EXPECT_TRUE(session.no_ack_mode());
  EXPECT_EQ(session.feed(frame_packet("qAttached")), "$1#31");
  EXPECT_EQ(session.feed("-"), "");  // no resends without acks
}

TEST_F(GdbSessionTest, NackResendsTheLastPacketAFewTimes) {
  const std::string reply = session.feed(frame_packet("qC"));
  EXPECT_EQ(reply, "+$QC1#c5");
  EXPECT_EQ(session.feed("-"), "$QC1#c5");
  EXPECT_EQ(session.feed("---"), "$QC1#c5$QC1#c5");  // the 4th in a row is ignored
  EXPECT_TRUE(logged("keeps rejecting"));
  EXPECT_EQ(session.feed("+-"), "$QC1#c5");
}

TEST_F(GdbSessionTest, BadChecksumIsNackedAndLogged) {
  EXPECT_EQ(session.feed("$g#00"), "-");
  EXPECT_TRUE(logged("bad checksum on packet 'g'"));
  ask("QStartNoAckMode");
  log.clear();
  EXPECT_EQ(session.feed("$g#00"), "");
  EXPECT_TRUE(logged("bad checksum on packet 'g': ignored"));
}

TEST_F(GdbSessionTest, OversizedPacketGetsAnErrorAndAMessage) {
  const std::string big = frame_packet("M80000000,4000:" + std::string(2 * 0x4000, '0'));
  EXPECT_EQ(packets_in(session.feed(big)), std::vector<std::string>{"E01"});
  EXPECT_TRUE(logged("longer than the PacketSize"));
  EXPECT_EQ(ask("qAttached"), "1");  // the stream is still in sync
}

TEST_F(GdbSessionTest, JunkIsLoggedAndIgnored) {
  EXPECT_EQ(session.feed("garbage\r\n"), "");
  EXPECT_TRUE(logged("ignored 9 byte(s) outside any packet"));
  EXPECT_EQ(ask("qAttached"), "1");
}

TEST_F(GdbSessionTest, QSupported) {
  const std::string reply = ask("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386");
  EXPECT_EQ(reply,
            "PacketSize=4000;qXfer:features:read+;vContSupported+;swbreak+;hwbreak+;"
            "QStartNoAckMode+");
}

TEST_F(GdbSessionTest, TargetXmlReadInChunks) {
  std::string xml;
  for (int guard = 0; guard < 1000; ++guard) {
    const std::string reply =
        ask("qXfer:features:read:target.xml:" + hex_number(xml.size()) + ",7f");
    ASSERT_FALSE(reply.empty());
    ASSERT_TRUE(reply[0] == 'm' || reply[0] == 'l') << reply;
    EXPECT_LE(reply.size() - 1, 0x7fu);
    xml += reply.substr(1);
    if (reply[0] == 'l') break;
  }
  EXPECT_EQ(xml, target_description_xml(test_registers()));
  EXPECT_EQ(ask("qXfer:features:read:target.xml:" + hex_number(xml.size() + 10) + ",10"), "l");
  EXPECT_EQ(ask("qXfer:features:read:other.xml:0,10"), "E00");
  EXPECT_EQ(ask("qXfer:features:read:target.xml:zz"), "E01");
}

TEST_F(GdbSessionTest, SimpleQueries) {
  EXPECT_EQ(ask("qAttached"), "1");
  EXPECT_EQ(ask("qAttached:1"), "1");
  EXPECT_EQ(ask("vMustReplyEmpty"), "");
  EXPECT_EQ(ask("qSymbol::"), "OK");
  EXPECT_EQ(ask("qOffsets"), "");
  EXPECT_EQ(ask("qTStatus"), "");
  EXPECT_EQ(ask("!"), "");
  EXPECT_EQ(ask("jUnknownPacket"), "");
  EXPECT_EQ(ask(""), "");
}

TEST_F(GdbSessionTest, StopReasonQuery) {
  EXPECT_EQ(ask("?"), "T05thread:1;");
  // Recorded while halted: nothing to send, `?` reports it.
  EXPECT_EQ(session.stop({2, 2, StopEvent::kPlain, 0, "ignored"}), "");
  EXPECT_EQ(ask("?"), "T02thread:2;");
  EXPECT_EQ(ask("qC"), "QC2");
}

TEST_F(GdbSessionTest, ThreadPackets) {
  EXPECT_EQ(ask("qfThreadInfo"), "m1,2");
  EXPECT_EQ(ask("qsThreadInfo"), "l");
  EXPECT_EQ(ask("qThreadExtraInfo,2"), to_hex(std::string("hart 1 (VS)")));
  EXPECT_EQ(ask("qThreadExtraInfo,9"), "E02");
  EXPECT_EQ(ask("qThreadExtraInfo,zz"), "E01");
  EXPECT_EQ(ask("T1"), "OK");
  EXPECT_EQ(ask("T2"), "OK");
  EXPECT_EQ(ask("T3"), "E02");
  EXPECT_EQ(ask("qC"), "QC1");
  target.thread_ids = {1, 2, 0x1a};
  EXPECT_EQ(ask("qfThreadInfo"), "m1,2,1a");
}

TEST_F(GdbSessionTest, SetThread) {
  EXPECT_EQ(ask("Hg2"), "OK");
  EXPECT_EQ(ask("qC"), "QC2");
  ask("p1");
  EXPECT_EQ(target.register_threads, std::set<int>{2});
  EXPECT_EQ(ask("m80000000,1"), "00");
  EXPECT_EQ(target.memory_threads, std::set<int>{2});
  EXPECT_EQ(ask("Hg0"), "OK");  // any: the stopped thread (1)
  EXPECT_EQ(ask("qC"), "QC1");
  EXPECT_EQ(ask("Hg-1"), "OK");
  EXPECT_EQ(ask("Hc-1"), "OK");
  EXPECT_EQ(ask("Hc0"), "OK");
  EXPECT_EQ(ask("Hg7"), "E02");
  EXPECT_EQ(ask("Hx1"), "E01");
  EXPECT_EQ(ask("H"), "E01");
  EXPECT_EQ(ask("Hgzz"), "E01");
}

TEST_F(GdbSessionTest, ReadAllRegisters) {
  target.unavailable.insert(40);  // f7
  const std::string g = ask("g");
  // x0-x31, pc, f0-f31 (8 bytes each), then fflags, frm, fcsr (4 bytes).
  ASSERT_EQ(g.size(), 65u * 16 + 3 * 8);
  EXPECT_EQ(g.substr(0, 33 * 16), regs_hex(target, 1, 0, 32, 8));
  EXPECT_EQ(g.substr(33 * 16, 7 * 16), regs_hex(target, 1, 33, 39, 8));
  EXPECT_EQ(g.substr(40 * 16, 16), std::string(16, 'x'));
  EXPECT_EQ(g.substr(65 * 16), regs_hex(target, 1, 66, 68, 4));
  ask("Hg2");
  EXPECT_EQ(ask("g").substr(0, 16), hex_le(target.values[{2, 0}], 8));
}

TEST_F(GdbSessionTest, WriteAllRegisters) {
  std::string g = ask("g");
  g.replace(16, 16, hex_le(0x1122334455667788, 8));  // ra
  g.replace(65 * 16, 8, hex_le(0x1f, 4));             // fflags
  g.replace(34 * 16, 16, std::string(16, 'x'));       // f1: left alone
  const uint64_t f1 = target.values[{1, 34}];
  EXPECT_EQ(ask("G" + g), "OK");
  EXPECT_EQ((target.values[{1, 1}]), 0x1122334455667788u);
  EXPECT_EQ((target.values[{1, 66}]), 0x1fu);
  EXPECT_EQ((target.values[{1, 34}]), f1);
  EXPECT_EQ(ask("G" + g.substr(2)), "E01");
  EXPECT_TRUE(logged("G packet with"));
  EXPECT_EQ(ask("G" + g + "00"), "E01");
  target.read_only.insert(5);
  EXPECT_EQ(ask("G" + g), "E03");
}

TEST_F(GdbSessionTest, ReadAndWriteOneRegister) {
  EXPECT_EQ(ask("p20"), hex_le(target.values[{1, 32}], 8));  // pc
  EXPECT_EQ(ask("p42"), hex_le(target.values[{1, 66}], 4));  // fflags, 32 bits
  EXPECT_EQ(ask("p341"), hex_le(target.values[{1, 833}], 8));  // mstatus
  EXPECT_EQ(ask("p1041"), hex_le(target.values[{1, 4161}], 8));  // priv
  EXPECT_EQ(ask("p41"), "E03");   // 65: no such register
  EXPECT_EQ(ask("p"), "E01");
  target.unavailable.insert(833);
  EXPECT_EQ(ask("p341"), std::string(16, 'x'));
  EXPECT_EQ(ask("P20=0000008000000000"), "OK");
  EXPECT_EQ((target.values[{1, 32}]), 0x80000000u);
  EXPECT_EQ(ask("P42=05000000"), "OK");
  EXPECT_EQ((target.values[{1, 66}]), 5u);
  EXPECT_EQ(ask("P42=0500000000000000"), "E01");  // wrong width
  EXPECT_EQ(ask("P20"), "E01");
  EXPECT_EQ(ask("P41=00"), "E03");
  target.read_only.insert(32);
  EXPECT_EQ(ask("P20=0000000000000000"), "E03");
}

TEST_F(GdbSessionTest, ReadMemory) {
  EXPECT_EQ(ask("m80000010,4"), "10111213");
  EXPECT_EQ(ask("m800000fe,4"), "feff");   // a partial read
  EXPECT_EQ(ask("m10,4"), "E14");          // unmapped
  EXPECT_EQ(ask("m80000000"), "E01");
  EXPECT_EQ(ask("m80000000,"), "E01");
  EXPECT_EQ(ask("mzz,1"), "E01");
  // A huge length is capped to what fits a packet.
  ask("m80000000,ffffffffffffffff");
  EXPECT_EQ(target.last_read_length, kMaxPacketSize / 2);
}

TEST_F(GdbSessionTest, WriteMemoryHexAndBinary) {
  EXPECT_EQ(ask("M80000000,2:abcd"), "OK");
  EXPECT_EQ(target.memory[0x80000000], 0xab);
  EXPECT_EQ(target.memory[0x80000001], 0xcd);
  EXPECT_EQ(ask("M80000000,3:abcd"), "E01");
  EXPECT_EQ(ask("M80000000,1:zz"), "E01");
  EXPECT_EQ(ask("M10,1:00"), "E14");
  // X: binary with every byte that must be escaped, and 0x03.
  const std::string data = std::string("#$}*\x03\x00", 6);
  const std::string out =
      session.feed(frame_packet("X80000020,6:" + data));  // frame_packet escapes
  EXPECT_EQ(packets_in(out), std::vector<std::string>{"OK"});
  for (size_t i = 0; i < data.size(); ++i)
    EXPECT_EQ(target.memory[0x80000020 + i], static_cast<uint8_t>(data[i])) << i;
  EXPECT_EQ(ask("X80000000,0:"), "OK");  // GDB's probe
  EXPECT_EQ(ask("X80000000,2:a"), "E01");
  EXPECT_EQ(ask("X10,1:a"), "E14");
  EXPECT_EQ(ask("X80000000,1"), "E01");
}

TEST_F(GdbSessionTest, ContinueInterruptAndStop) {
  resume_with("c");
  ASSERT_EQ(target.resumes.size(), 1u);
  ASSERT_EQ(target.resumes[0].size(), 2u);
  EXPECT_EQ(target.resumes[0][0].kind, ResumeAction::kContinue);
  EXPECT_EQ(target.resumes[0][0].thread, 1);
  EXPECT_EQ(target.resumes[0][1].thread, 2);
  // While running, packets are acked and ignored; 0x03 requests a stop.
  EXPECT_EQ(session.feed(frame_packet("g")), "+");
  EXPECT_TRUE(logged("while the target runs"));
  EXPECT_FALSE(session.interrupt_requested());
  EXPECT_EQ(session.feed("\x03", 1), "");
  EXPECT_TRUE(session.interrupt_requested());
  EXPECT_EQ(session.stop({2, 2, StopEvent::kPlain, 0, ""}), frame_packet("T02thread:2;"));
  EXPECT_TRUE(session.halted());
  EXPECT_FALSE(session.interrupt_requested());
  // The stopped thread is the current one now, as GDB assumes.
  EXPECT_EQ(ask("qC"), "QC2");
  EXPECT_EQ(ask("?"), "T02thread:2;");
  // 0x03 while halted is ignored.
  EXPECT_EQ(session.feed("\x03", 1), "");
  EXPECT_FALSE(session.interrupt_requested());
}

TEST_F(GdbSessionTest, ContinueAtAnAddressAndWithSignal) {
  resume_with("c80000100");
  EXPECT_EQ((target.values[{1, 32}]), 0x80000100u);
  session.stop({1, 5, StopEvent::kPlain, 0, ""});
  resume_with("C0f;80000200");
  EXPECT_EQ((target.values[{1, 32}]), 0x80000200u);
  EXPECT_EQ(target.resumes.back().size(), 2u);
  session.stop({1, 5, StopEvent::kPlain, 0, ""});
  EXPECT_EQ(ask("czz"), "E01");
  EXPECT_EQ(ask("C"), "E01");
  EXPECT_TRUE(session.halted());
}

TEST_F(GdbSessionTest, StepResumesOneThread) {
  resume_with("s");
  ASSERT_EQ(target.resumes.back().size(), 1u);
  EXPECT_EQ(target.resumes.back()[0].kind, ResumeAction::kStep);
  EXPECT_EQ(target.resumes.back()[0].thread, 1);
  session.stop({1, 5, StopEvent::kPlain, 0, ""});
  ask("Hc2");
  resume_with("S05;80000004");
  EXPECT_EQ((target.values[{2, 32}]), 0x80000004u);
  ASSERT_EQ(target.resumes.back().size(), 1u);
  EXPECT_EQ(target.resumes.back()[0].thread, 2);
  EXPECT_EQ(target.resumes.back()[0].kind, ResumeAction::kStep);
  session.stop({2, 5, StopEvent::kPlain, 0, ""});
  // A specific Hc thread continues alone.
  resume_with("c");
  ASSERT_EQ(target.resumes.back().size(), 1u);
  EXPECT_EQ(target.resumes.back()[0].thread, 2);
}

TEST_F(GdbSessionTest, VCont) {
  EXPECT_EQ(ask("vCont?"), "vCont;c;C;s;S");
  resume_with("vCont;s:2;c");
  ASSERT_EQ(target.resumes.back().size(), 2u);
  EXPECT_EQ(target.resumes.back()[0].thread, 1);
  EXPECT_EQ(target.resumes.back()[0].kind, ResumeAction::kContinue);
  EXPECT_EQ(target.resumes.back()[1].thread, 2);
  EXPECT_EQ(target.resumes.back()[1].kind, ResumeAction::kStep);
  session.stop({2, 5, StopEvent::kPlain, 0, ""});
  // A thread no action names stays halted.
  resume_with("vCont;c:1");
  ASSERT_EQ(target.resumes.back().size(), 1u);
  EXPECT_EQ(target.resumes.back()[0].thread, 1);
  session.stop({1, 5, StopEvent::kPlain, 0, ""});
  // Signals are ignored; the leftmost matching action wins; -1 is all.
  resume_with("vCont;S05:1;C02:-1;s");
  ASSERT_EQ(target.resumes.back().size(), 2u);
  EXPECT_EQ(target.resumes.back()[0].kind, ResumeAction::kStep);
  EXPECT_EQ(target.resumes.back()[1].kind, ResumeAction::kContinue);
  session.stop({1, 5, StopEvent::kPlain, 0, ""});
  EXPECT_EQ(ask("vCont;t"), "E01");
  EXPECT_EQ(ask("vCont;r80000000,80000010"), "E01");
  EXPECT_EQ(ask("vCont;"), "E01");
  EXPECT_EQ(ask("vCont;s:9"), "E02");
  EXPECT_EQ(ask("vCont;s:0"), "E01");
  EXPECT_EQ(ask("vCont;Cxx"), "E01");
  EXPECT_EQ(ask("vCont;c:p1.1"), "E01");
  EXPECT_TRUE(session.halted());
  EXPECT_TRUE(logged("unsupported vCont action 't'"));
}

TEST_F(GdbSessionTest, BreakpointsAndWatchpoints) {
  EXPECT_EQ(ask("Z0,80000010,4"), "OK");
  EXPECT_EQ(ask("z0,80000010,4"), "OK");
  EXPECT_EQ(ask("Z1,80000012,2"), "OK");
  EXPECT_EQ(ask("Z2,80001000,8"), "OK");
  EXPECT_EQ(ask("Z3,80001000,4"), "OK");
  EXPECT_EQ(ask("Z4,80001000,1;X2,ab"), "OK");  // a condition is ignored
  ASSERT_EQ(target.breakpoints.size(), 6u);
  EXPECT_EQ(target.breakpoints[0].type, BreakKind::kSoftware);
  EXPECT_TRUE(target.breakpoints[0].insert);
  EXPECT_FALSE(target.breakpoints[1].insert);
  EXPECT_EQ(target.breakpoints[2].type, BreakKind::kHardware);
  EXPECT_EQ(target.breakpoints[2].kind, 2u);
  EXPECT_EQ(target.breakpoints[3].type, BreakKind::kWrite);
  EXPECT_EQ(target.breakpoints[3].address, 0x80001000u);
  EXPECT_EQ(target.breakpoints[3].kind, 8u);
  EXPECT_EQ(target.breakpoints[4].type, BreakKind::kRead);
  EXPECT_EQ(target.breakpoints[4].kind, 4u);
  EXPECT_EQ(target.breakpoints[5].type, BreakKind::kAccess);
  EXPECT_EQ(target.breakpoints[5].kind, 1u);
  target.break_status = BreakStatus::kFailed;
  EXPECT_EQ(ask("Z1,80000012,2"), "E04");
  target.break_status = BreakStatus::kUnsupported;
  EXPECT_EQ(ask("Z0,80000012,2"), "");
  const size_t calls = target.breakpoints.size();
  EXPECT_EQ(ask("Z5,80000010,4"), "E01");
  EXPECT_EQ(ask("Z0,80000010"), "E01");
  EXPECT_EQ(ask("Z0"), "E01");
  EXPECT_EQ(ask("Z"), "E01");
  EXPECT_EQ(ask("Z0;"), "E01");
  EXPECT_EQ(target.breakpoints.size(), calls);
}

TEST_F(GdbSessionTest, StopReplies) {
  ask("qSupported:swbreak+;hwbreak+");
  resume_with("c");
  EXPECT_EQ(packets_in(session.stop({1, 5, StopEvent::kSwBreak, 0, ""})),
            std::vector<std::string>{"T05thread:1;swbreak:;"});
  resume_with("c");
  EXPECT_EQ(packets_in(session.stop({2, 5, StopEvent::kHwBreak, 0, ""})),
            std::vector<std::string>{"T05thread:2;hwbreak:;"});
  resume_with("c");
  EXPECT_EQ(packets_in(session.stop({1, 5, StopEvent::kWatch, 0x80001000, ""})),
            std::vector<std::string>{"T05thread:1;watch:80001000;"});
  resume_with("c");
  EXPECT_EQ(packets_in(session.stop({1, 5, StopEvent::kRwatch, 0x10, ""})),
            std::vector<std::string>{"T05thread:1;rwatch:10;"});
  resume_with("c");
  EXPECT_EQ(packets_in(session.stop({1, 5, StopEvent::kAwatch, 0x20, ""})),
            std::vector<std::string>{"T05thread:1;awatch:20;"});
  // Console text first, as O packets.
  resume_with("c");
  EXPECT_EQ(packets_in(session.stop({1, 5, StopEvent::kPlain, 0, "VM exit\n"})),
            (std::vector<std::string>{"O" + to_hex(std::string("VM exit\n")), "T05thread:1;"}));
}

TEST_F(GdbSessionTest, SwbreakAndHwbreakOnlyWhenGdbAnnouncedThem) {
  ask("qSupported:multiprocess+");
  resume_with("c");
  EXPECT_EQ(packets_in(session.stop({1, 5, StopEvent::kSwBreak, 0, ""})),
            std::vector<std::string>{"T05thread:1;"});
  resume_with("c");
  EXPECT_EQ(packets_in(session.stop({1, 5, StopEvent::kHwBreak, 0, ""})),
            std::vector<std::string>{"T05thread:1;"});
}

TEST_F(GdbSessionTest, StopOutsideRunningSendsNothing) {
  EXPECT_EQ(session.stop({1, 5, StopEvent::kPlain, 0, "x"}), "");
  ask("D");
  EXPECT_EQ(session.stop({1, 5, StopEvent::kPlain, 0, "x"}), "");
}

TEST_F(GdbSessionTest, Monitor) {
  target.monitor_output = "instructions: 42\n";
  EXPECT_EQ(packets_in(session.feed(frame_packet("qRcmd," + to_hex(std::string("stats"))))),
            (std::vector<std::string>{"O" + to_hex(target.monitor_output), "OK"}));
  EXPECT_EQ(target.monitor_commands, std::vector<std::string>{"stats"});
  target.monitor_output = "";
  EXPECT_EQ(ask("qRcmd," + to_hex(std::string("quiet"))), "OK");
  target.monitor_output = std::string(3000, 'a');
  const auto replies = packets_in(session.feed(frame_packet("qRcmd,6c6f6e67")));
  ASSERT_EQ(replies.size(), 4u);  // 1024-byte O packets, then OK
  EXPECT_EQ(replies[0], "O" + to_hex(std::string(1024, 'a')));
  EXPECT_EQ(replies[2], "O" + to_hex(std::string(3000 - 2048, 'a')));
  EXPECT_EQ(replies[3], "OK");
  EXPECT_EQ(ask("qRcmd,6"), "E01");
  EXPECT_EQ(ask("qRcmd,zz"), "E01");
}

TEST_F(GdbSessionTest, DetachIgnoresLaterInput) {
  EXPECT_EQ(ask("D"), "OK");
  EXPECT_EQ(target.detaches, 1);
  EXPECT_TRUE(session.detached());
  EXPECT_EQ(session.feed(frame_packet("g")), "");
  EXPECT_EQ(session.feed("\x03", 1), "");
  EXPECT_FALSE(session.interrupt_requested());
}

TEST_F(GdbSessionTest, DetachWithPid) {
  EXPECT_EQ(ask("D;1"), "OK");
  EXPECT_TRUE(session.detached());
}

TEST_F(GdbSessionTest, KillHasNoReply) {
  EXPECT_EQ(session.feed(frame_packet("k")), "+");
  EXPECT_EQ(target.kills, 1);
  EXPECT_TRUE(session.killed());
  EXPECT_EQ(session.feed(frame_packet("qC")), "");
}

TEST_F(GdbSessionTest, VKill) {
  EXPECT_EQ(ask("vKill;1"), "OK");
  EXPECT_EQ(target.kills, 1);
  EXPECT_TRUE(session.killed());
}

TEST_F(GdbSessionTest, ExitAndTermination) {
  EXPECT_EQ(session.exited(0), "");  // not resumed: GDB waits for nothing
  EXPECT_EQ(session.state(), Session::State::kExited);
  FakeTarget other;
  Session s(other);
  s.set_logger(nullptr);
  s.feed(frame_packet("c"));
  EXPECT_EQ(s.exited(3), frame_packet("W03"));
  EXPECT_EQ(s.feed(frame_packet("g")), "");
  Session t(other);
  t.feed(frame_packet("c"));
  EXPECT_EQ(t.terminated(9), frame_packet("X09"));
}

TEST_F(GdbSessionTest, MalformedPacketsAnswerErrorsAndKeepGoing) {
  for (const char* p : {"m", "M", "X", "p", "P", "G0", "T", "Tzz", "Hg", "c;", "S", "Zx"}) {
    const std::string reply = ask(p);
    EXPECT_TRUE(reply.empty() || reply[0] == 'E') << p << " -> " << reply;
  }
  EXPECT_EQ(ask("qAttached"), "1");
  EXPECT_TRUE(session.halted());
}

TEST_F(GdbSessionTest, ByteByByteSessionMatchesOneChunk) {
  const std::string stream = frame_packet("qSupported:swbreak+") + "+" + frame_packet("?") + "+" +
                             frame_packet("g") + "+" + frame_packet("m80000000,10") + "+";
  FakeTarget other;
  Session whole(other);
  const std::string expected = whole.feed(stream);
  std::string got;
  for (char c : stream) got += session.feed(&c, 1);
  EXPECT_EQ(got, expected);
  EXPECT_EQ(packets_in(got).size(), 4u);
}

// ------------------------------------------------------------------ socket

int connect_to(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

TEST(GdbTcpServer, OneClientAtATime) {
  TcpServer server;
  std::string error;
  ASSERT_TRUE(server.listen(0, error)) << error;
  ASSERT_NE(server.port(), 0);
  EXPECT_FALSE(server.accept(0));  // nobody yet
  const int client = connect_to(server.port());
  ASSERT_GE(client, 0);
  ASSERT_TRUE(server.accept(2000));
  EXPECT_TRUE(server.connected());
  EXPECT_EQ(server.client_name().rfind("127.0.0.1:", 0), 0u);

  char buffer[64];
  EXPECT_EQ(server.read(buffer, sizeof buffer, 0), 0);  // nothing sent yet
  ASSERT_EQ(::write(client, "$g#67", 5), 5);
  EXPECT_EQ(server.read(buffer, sizeof buffer, 2000), 5);
  EXPECT_EQ(std::string(buffer, 5), "$g#67");
  EXPECT_TRUE(server.write_all("+$OK#9a"));
  char back[16] = {};
  EXPECT_EQ(::read(client, back, sizeof back), 7);

  // A second client is accepted and closed at once, with a message.
  testing::internal::CaptureStderr();
  const int second = connect_to(server.port());
  ASSERT_GE(second, 0);
  EXPECT_EQ(server.read(buffer, sizeof buffer, 200), 0);
  server.accept(0);
  const std::string message = testing::internal::GetCapturedStderr();
  EXPECT_NE(message.find("refused a second debugger connection from 127.0.0.1:"), std::string::npos)
      << message;
  EXPECT_EQ(::read(second, back, sizeof back), 0);  // closed by the server
  ::close(second);
  EXPECT_TRUE(server.connected());

  // The first client leaves: read reports it and the server can accept again.
  ::close(client);
  EXPECT_EQ(server.read(buffer, sizeof buffer, 2000), -1);
  EXPECT_FALSE(server.connected());
  EXPECT_FALSE(server.write_all("x"));
  const int third = connect_to(server.port());
  ASSERT_GE(third, 0);
  EXPECT_TRUE(server.accept(2000));
  ::close(third);
}

TEST(GdbTcpServer, BusyPortIsAClearError) {
  TcpServer first, second;
  std::string error;
  ASSERT_TRUE(first.listen(0, error)) << error;
  EXPECT_FALSE(second.listen(first.port(), error));
  EXPECT_NE(error.find("port " + std::to_string(first.port()) + " on 127.0.0.1: "), std::string::npos)
      << error;
  EXPECT_FALSE(second.listening());
}

}  // namespace
}  // namespace rvh::gdb
