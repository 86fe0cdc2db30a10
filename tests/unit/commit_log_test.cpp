// commit_log_test.cpp -- the commit-log trace (platform/commit_log*.h):
// Spike's line format, the --trace-* filter parsers, the CSR names, the
// libopcodes disassembler, and the watcher on a real hart: which registers,
// CSRs and accesses each kind of instruction logs, no line for a trap, the
// filters.
#include "tests/unit/hart_test_util.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "cpu/csr_names.h"
#include "platform/commit_log.h"
#include "platform/commit_log_format.h"
#include "platform/disassembler.h"
#include "platform/trace_filter.h"

namespace rvh {
namespace {

using RegKind = CommitRecord::RegKind;

CommitRecord record(unsigned hart, unsigned priv, uint64_t pc, uint32_t bits, unsigned length) {
  CommitRecord r;
  r.hart = hart;
  r.priv = priv;
  r.pc = pc;
  r.bits = bits;
  r.length = length;
  return r;
}

// ---- the line ----

TEST(CommitLogFormat, RegisterWriteAsSpikePrintsIt) {
  CommitRecord r = record(0, 3, 0x1000, 0x00000297, 4);
  r.write(RegKind::kX, 5, 0x1000);
  EXPECT_EQ(format_commit_line(r), "core   0: 3 0x0000000000001000 (0x00000297) x5  0x0000000000001000");
}

TEST(CommitLogFormat, CompressedInstructionOtherHartNoWrite) {
  CommitRecord r = record(1, 1, 0x80200004, 0x4505, 2);
  r.write(RegKind::kX, 10, 1);
  EXPECT_EQ(format_commit_line(r), "core   1: 1 0x0000000080200004 (0x4505) x10 0x0000000000000001");
  CommitRecord branch = record(12, 0, 0x10, 0x8082, 2);
  EXPECT_EQ(format_commit_line(branch), "core  12: 0 0x0000000000000010 (0x8082)");
}

TEST(CommitLogFormat, WritesInSpikeMapOrder) {
  CommitRecord r = record(0, 3, 0, 0x13, 4);
  r.write(RegKind::kCsr, 0x340, 0x1234);
  r.write(RegKind::kX, 30, 7);
  r.write(RegKind::kF, 5, 0x3ff0000000000000);
  r.write(RegKind::kX, 5, 9);
  r.write(RegKind::kCsr, 1, 3);
  r.write(RegKind::kX, 0, 42);  // x0: never shown
  r.write(RegKind::kX, 5, 10);  // the last write of x5 wins
  EXPECT_EQ(format_commit_line(r),
            "core   0: 3 0x0000000000000000 (0x00000013) c1_fflags 0x0000000000000003 "
            "x5  0x000000000000000a f5  0x3ff0000000000000 x30 0x0000000000000007 "
            "c832_mscratch 0x0000000000001234");
}

TEST(CommitLogFormat, LoadsThenStoresAsWideAsTheStore) {
  CommitRecord r = record(0, 3, 0x80000000, 0x00b538af, 4);
  r.write(RegKind::kX, 17, 0x246d);
  r.stores.push_back({0x80001000, 0xff12, 1});
  r.loads.push_back({0x80001000, 0, 8});
  r.stores.push_back({0x80001002, 0x123456, 2});
  r.stores.push_back({0x80001004, 0x1234, 4});
  r.stores.push_back({0x80001008, 0x36a1, 8});
  EXPECT_EQ(format_commit_line(r),
            "core   0: 3 0x0000000080000000 (0x00b538af) x17 0x000000000000246d mem 0x0000000080001000 "
            "mem 0x0000000080001000 0x12 mem 0x0000000080001002 0x3456 mem 0x0000000080001004 0x00001234 "
            "mem 0x0000000080001008 0x00000000000036a1");
}

TEST(CommitLogFormat, UnnamedCsr) {
  CommitRecord r = record(0, 3, 0, 0x7c0f9073, 4);
  r.write(RegKind::kCsr, 0x7c0, 1);
  EXPECT_EQ(format_commit_line(r), "core   0: 3 0x0000000000000000 (0x7c0f9073) c1984_unknown-csr 0x0000000000000001");
}

TEST(CommitLogFormat, TrapLines) {
  EXPECT_EQ(format_trap_lines(0, 8, false, 0x800000b2, 0),
            "core   0: exception trap_user_ecall, epc 0x00000000800000b2\n");
  EXPECT_EQ(format_trap_lines(2, 2, false, 0x80000000, 0xffffffff),
            "core   2: exception trap_illegal_instruction, epc 0x0000000080000000\n"
            "core   2:           tval 0x00000000ffffffff\n");
  EXPECT_EQ(format_trap_lines(0, 21, false, 0x80200000, 0x1000),
            "core   0: exception trap_load_guest_page_fault, epc 0x0000000080200000\n"
            "core   0:           tval 0x0000000000001000\n");
  EXPECT_EQ(format_trap_lines(0, 7, true, 0x80000010, 0), "core   0: exception interrupt #7, epc 0x0000000080000010\n");
}

// ---- filters, names, disassembly ----

TEST(TraceFilter, HartList) {
  EXPECT_EQ(parse_hart_list("0"), 1u);
  EXPECT_EQ(parse_hart_list("0,2-3"), 0xdu);
  EXPECT_EQ(parse_hart_list("3,1"), 0xau);
  EXPECT_THROW(parse_hart_list(""), TraceFilterError);
  EXPECT_THROW(parse_hart_list("x"), TraceFilterError);
  EXPECT_THROW(parse_hart_list("3-1"), TraceFilterError);
  EXPECT_THROW(parse_hart_list("1-2-3"), TraceFilterError);
  EXPECT_THROW(parse_hart_list("64"), TraceFilterError);
  EXPECT_THROW(parse_hart_list("0,"), TraceFilterError);
}

TEST(TraceFilter, ModeList) {
  EXPECT_EQ(parse_mode_list("M"), 1u << 3);
  EXPECT_EQ(parse_mode_list("vs,VU"), (1u << 5) | (1u << 4));
  EXPECT_EQ(parse_mode_list("HS,u"), (1u << 1) | 1u);
  EXPECT_THROW(parse_mode_list("H"), TraceFilterError);
  EXPECT_THROW(parse_mode_list("M,"), TraceFilterError);
}

TEST(TraceFilter, PcRangeAndWindow) {
  uint64_t lo = 0, hi = 0;
  parse_pc_range("0x80000000:0x80001000", lo, hi);
  EXPECT_EQ(lo, 0x80000000u);
  EXPECT_EQ(hi, 0x80001000u);
  parse_pc_range("16:32", lo, hi);
  EXPECT_EQ(lo, 16u);
  EXPECT_EQ(hi, 32u);
  EXPECT_THROW(parse_pc_range("0x10", lo, hi), TraceFilterError);
  EXPECT_THROW(parse_pc_range("0x20:0x10", lo, hi), TraceFilterError);
  EXPECT_THROW(parse_pc_range("0x10:0x10", lo, hi), TraceFilterError);
  EXPECT_THROW(parse_pc_range("a:b", lo, hi), TraceFilterError);

  TraceFilter f;
  f.from = 5;
  f.count = 3;
  f.pc_lo = 0x100;
  f.pc_hi = 0x200;
  f.modes = parse_mode_list("M");
  EXPECT_FALSE(f.shows(0x100, 3, 4));
  EXPECT_TRUE(f.shows(0x100, 3, 5));
  EXPECT_TRUE(f.shows(0x1fe, 3, 7));
  EXPECT_FALSE(f.shows(0x100, 3, 8));
  EXPECT_FALSE(f.shows(0x200, 3, 6));
  EXPECT_FALSE(f.shows(0x100, 1, 6));
  EXPECT_EQ(f.window_end(), 8u);
  EXPECT_EQ(TraceFilter().window_end(), ~0ull);
}

TEST(CsrNames, SpecNames) {
  EXPECT_STREQ(csr_name(0x300), "mstatus");
  EXPECT_STREQ(csr_name(0x001), "fflags");
  EXPECT_STREQ(csr_name(0x3a2), "pmpcfg2");
  EXPECT_EQ(csr_name(0x3a1), nullptr);  // RV32 only
  EXPECT_STREQ(csr_name(0x3bf), "pmpaddr15");
  EXPECT_STREQ(csr_name(0x3ef), "pmpaddr63");
  EXPECT_STREQ(csr_name(0xc1f), "hpmcounter31");
  EXPECT_STREQ(csr_name(0x323), "mhpmevent3");
  EXPECT_STREQ(csr_name(0x7a5), "tcontrol");
  EXPECT_STREQ(csr_name(0x280), "vsatp");
  EXPECT_EQ(csr_name(0x123), nullptr);
  EXPECT_EQ(csr_name(0x5000), nullptr);
}

TEST(Disassembler, ObjdumpTextWithSymbols) {
  Disassembler dis([](uint64_t a) { return a == 0x80000010 ? std::string("helper") : std::string(); });
  EXPECT_EQ(dis(0x1000, 0x00000297, 4), "auipc t0,0x0");
  EXPECT_EQ(dis(0x80000000, 0x4505, 2), "li a0,1");
  EXPECT_EQ(dis(0x80000000, 0x010000ef, 4), "jal 0x80000010 <helper>");
  EXPECT_EQ(dis(0x80000000, 0x30200073, 4), "mret");
  EXPECT_EQ(dis(0x80000000, 0xe20503d3, 4), "fmv.x.d t2,fa0");
  // The hypervisor extension (see disassembler.cpp) and the Sdtrig CSRs.
  EXPECT_EQ(dis(0x80000000, 0x6c05c573, 4), "hlv.d a0,(a1)");
  EXPECT_EQ(dis(0x80000000, 0x62a50073, 4), "hfence.gvma a0,a0");
  EXPECT_EQ(dis(0x80000000, 0x7a102573, 4), "csrr a0,tdata1");
  EXPECT_EQ(dis(0x80000000, 0x0000707b, 4), ".4byte 0x707b");  // objdump's form for what it does not know
}

// ---- the watcher on a hart ----

using namespace test;

// A commit log of the bench's hart into a memory buffer.
struct LogCapture {
  char* buffer = nullptr;
  size_t size = 0;
  std::FILE* file = open_memstream(&buffer, &size);
  ~LogCapture() {
    std::fclose(file);
    std::free(buffer);
  }
  std::vector<std::string> lines() {
    std::fflush(file);
    std::vector<std::string> out;
    std::istringstream in(std::string(buffer, size));
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
};

constexpr uint32_t kCsrSstatus = 0x100, kCsrSie = 0x104, kCsrFcsr = 0x003, kCsrMscratch = 0x340;

// Runs `p` in M-mode (after `setup`) with a commit log of `settings` and
// returns its lines, up to the first `j .` unless keep_spin. The bench's
// settling spin is skipped (no interrupt line is ever raised here), so
// that the log sees the program only. The window of settings.filter
// counts from the hart's instret at the start.
std::vector<std::string> run_traced(const Prog& p, CommitLog::Settings settings = {},
                                    const std::function<void(HartBench&)>& setup = {}, bool keep_spin = false) {
  HartBench& b = bench();
  b.reset();
  p.load(b);
  if (setup) setup(b);
  settings.filter.from += b.hart.instret;
  LogCapture capture;
  CommitLog log(capture.file, std::move(settings));
  log.attach(b.hart);
  b.run(100, false);
  log.detach();
  std::vector<std::string> lines = capture.lines();
  if (!keep_spin)
    for (size_t i = 0; i < lines.size(); ++i)
      if (lines[i].find("(0x0000006f)") != std::string::npos) {
        lines.resize(i);
        break;
      }
  return lines;
}

std::string hex16(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(v));
  return buf;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

TEST(CommitLogWatcher, IntegerLoadStoreAmo) {
  Prog p;
  p << enc::lui(a0, kData >> 12)  // lui sign-extends 0x80020000: clear the upper half
    << enc::slli(a0, a0, 32) << enc::i(0x13, a0, 5, a0, 32)  // srli a0, a0, 32
    << enc::addi(a1, zero, 0x55) << enc::sd(a1, a0, 0) << enc::sb(a1, a0, 9) << enc::ld(a2, a0, 0)
    << enc::amoadd_d(a3, a1, a0) << enc::lr_d(a4, a0) << enc::sc_d(a5, a1, a0) << enc::sc_d(a5, a1, a0);
  p.halt();
  const std::vector<std::string> lines = run_traced(p);
  ASSERT_EQ(lines.size(), 11u);
  const std::string data = hex16(kData);
  EXPECT_EQ(lines[3], "core   0: 3 0x000000008000000c (0x05500593) x11 0x0000000000000055");
  EXPECT_EQ(lines[4], "core   0: 3 0x0000000080000010 (0x00b53023) mem " + data + " 0x0000000000000055");
  EXPECT_EQ(lines[5], "core   0: 3 0x0000000080000014 (0x00b504a3) mem " + hex16(kData + 9) + " 0x55");
  EXPECT_EQ(lines[6], "core   0: 3 0x0000000080000018 (0x00053603) x12 0x0000000000000055 mem " + data);
  // An AMO: its load, then its store (Spike's mmu_t::amo).
  EXPECT_EQ(lines[7], "core   0: 3 0x000000008000001c (0x00b536af) x13 0x0000000000000055 mem " + data +
                          " mem " + data + " 0x00000000000000aa");
  EXPECT_EQ(lines[8], "core   0: 3 0x0000000080000020 (0x1005372f) x14 0x00000000000000aa mem " + data);
  // The SC with the reservation stores and writes 0; the second, without, only writes 1.
  EXPECT_EQ(lines[9], "core   0: 3 0x0000000080000024 (0x18b537af) x15 0x0000000000000000 mem " + data +
                          " 0x0000000000000055");
  EXPECT_EQ(lines[10], "core   0: 3 0x0000000080000028 (0x18b537af) x15 0x0000000000000001");
}

TEST(CommitLogWatcher, CsrAliasesAsSpikeLogsThem) {
  Prog p;
  p << enc::addi(t0, zero, 2) << enc::csrs(kCsrSstatus, t0)      // sstatus.SIE: Spike logs mstatus
    << enc::addi(t0, zero, 0x222) << enc::csrw(kCsrSie, t0)      // sie: sie and mie
    << enc::addi(t0, zero, 0xe1) << enc::csrrw(t1, kCsrFcsr, t0)  // fcsr: fflags and frm, and x6
    << enc::csrr(t2, kCsrMscratch);                               // a read writes no CSR
  p.halt();
  uint64_t mstatus = 0;
  const std::vector<std::string> lines = run_traced(p, {}, [&](HartBench& b) {
    b.hart.csr.mstatus |= csr::kMstatusFs;  // FS dirty: the fcsr write changes no mstatus
    b.hart.csr.mideleg |= csr::kSupervisorInterrupts;
    mstatus = b.hart.csr.mstatus | csr::kMstatusSIE | csr::kMstatusSD;
  });
  ASSERT_EQ(lines.size(), 7u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[1], "core   0: 3 0x0000000080000004 (0x1002a073) c768_mstatus " + hex16(mstatus));
  EXPECT_EQ(lines[3], "core   0: 3 0x000000008000000c (0x10429073) c260_sie 0x0000000000000222 "
                      "c772_mie 0x0000000000000222");
  EXPECT_EQ(lines[5], "core   0: 3 0x0000000080000014 (0x00329373) c1_fflags 0x0000000000000001 "
                      "c2_frm 0x0000000000000007 x6  0x0000000000000000");
  EXPECT_EQ(lines[6], "core   0: 3 0x0000000080000018 (0x340023f3) x7  0x0000000000000000");
}

TEST(CommitLogWatcher, FpDirtiesMstatusAndRaisesFlags) {
  Prog p;
  p << 0xf2000553u   // fmv.d.x fa0, zero: FS Initial -> Dirty, so mstatus too
    << 0x1aa575d3u   // fdiv.d fa1, fa0, fa0: 0/0, invalid (NV): fflags
    << 0x1aa575d3u   // again: NV already set, but raised: Spike logs fflags again
    << 0xa2b5a653u;  // feq.d a2, fa1, fa1: an x register (quiet NaN: 0, no flag)
  p.halt();
  uint64_t mstatus = 0;
  const std::vector<std::string> lines = run_traced(p, {}, [&](HartBench& b) {
    b.hart.csr.mstatus |= 1ull << csr::kMstatusFsShift;  // FS = Initial
    mstatus = b.hart.csr.mstatus | csr::kMstatusFs | csr::kMstatusSD;
  });
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "core   0: 3 0x0000000080000000 (0xf2000553) f10 0x0000000000000000 c768_mstatus " +
                          hex16(mstatus));
  EXPECT_EQ(lines[1], "core   0: 3 0x0000000080000004 (0x1aa575d3) c1_fflags 0x0000000000000010 "
                      "f11 0x7ff8000000000000");
  EXPECT_EQ(lines[2], "core   0: 3 0x0000000080000008 (0x1aa575d3) c1_fflags 0x0000000000000010 "
                      "f11 0x7ff8000000000000");
  EXPECT_EQ(lines[3], "core   0: 3 0x000000008000000c (0xa2b5a653) x12 0x0000000000000000");
}

TEST(CommitLogWatcher, TrapHasNoLineButExceptionLinesWithShowTraps) {
  Prog p;
  p << enc::addi(a0, zero, 1) << enc::ecall();
  CommitLog::Settings s;
  s.show_traps = true;
  const std::vector<std::string> lines = run_traced(p, s, {}, true);
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[0], "core   0: 3 0x0000000080000000 (0x00100513) x10 0x0000000000000001");
  EXPECT_EQ(lines[1], "core   0: exception trap_machine_ecall, epc 0x0000000080000004");
  EXPECT_EQ(lines[2], "core   0: 3 " + hex16(kMtrap) + " (0x0000006f)");  // the vector's `j .`
}

TEST(CommitLogWatcher, MretLogsMstatusThenUserModeIsPrivilegeZero) {
  Prog p;
  p << enc::auipc(t0, 0) << enc::addi(t0, t0, 16) << enc::csrw(0x341, t0) << enc::mret()
    << enc::addi(a0, zero, 7) << enc::ecall();
  const std::vector<std::string> lines =
      run_traced(p, {}, [](HartBench& b) { b.pmp_allow_all(); }, true);
  ASSERT_GE(lines.size(), 5u);
  EXPECT_TRUE(starts_with(lines[3], "core   0: 3 0x000000008000000c (0x30200073) c768_mstatus ")) << lines[3];
  EXPECT_EQ(lines[4], "core   0: 0 0x0000000080000010 (0x00700513) x10 0x0000000000000007");
  EXPECT_EQ(lines[5], "core   0: 3 " + hex16(kMtrap) + " (0x0000006f)");  // the ecall: no line
}

TEST(CommitLogWatcher, WindowAndPcFilterThenUnwatched) {
  Prog p;
  for (int i = 1; i <= 8; ++i) p << enc::addi(a0, zero, i);
  p.halt();
  CommitLog::Settings s;
  s.filter.from = 2;
  s.filter.count = 4;
  s.filter.pc_lo = kCode + 12;
  const std::vector<std::string> lines = run_traced(p, s, {}, true);
  EXPECT_FALSE(bench().hart.watched());  // past the window the hart runs unwatched again
  ASSERT_EQ(lines.size(), 3u);  // instructions 2..5, less the one below pc_lo
  EXPECT_EQ(lines[0], "core   0: 3 0x000000008000000c (0x00400513) x10 0x0000000000000004");
  EXPECT_EQ(lines[2], "core   0: 3 0x0000000080000014 (0x00600513) x10 0x0000000000000006");
}

TEST(CommitLogWatcher, ModeFilter) {
  Prog p;
  p << enc::auipc(t0, 0) << enc::addi(t0, t0, 16) << enc::csrw(0x341, t0) << enc::mret()
    << enc::addi(a0, zero, 7) << enc::addi(a0, zero, 8) << enc::ecall();
  CommitLog::Settings s;
  s.filter.modes = parse_mode_list("U");
  const std::vector<std::string> lines =
      run_traced(p, s, [](HartBench& b) { b.pmp_allow_all(); }, true);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "core   0: 0 0x0000000080000010 (0x00700513) x10 0x0000000000000007");
  EXPECT_EQ(lines[1], "core   0: 0 0x0000000080000014 (0x00800513) x10 0x0000000000000008");
}

TEST(CommitLogWatcher, DisassemblySuffix) {
  Prog p;
  p << enc::addi(a0, zero, 1);
  p.halt();
  CommitLog::Settings s;
  Disassembler dis;
  s.disassemble = [&dis](uint64_t pc, uint32_t bits, unsigned length) { return dis(pc, bits, length); };
  const std::vector<std::string> lines = run_traced(p, s);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "core   0: 3 0x0000000080000000 (0x00100513) x10 0x0000000000000001 ; li a0,1");
}

}  // namespace
}  // namespace rvh
