// hyp_exit_test.cpp -- the hosted hypervisor's exit handling (hyp/exit.cpp
// and the handlers it dispatches to): trap redirection to VS-mode (like
// kvm_riscv_vcpu_trap_redirect), the redirected causes and their KVM stat
// counters, the "seed patch" switch (redirect_inst_access_fault), virtual
// instructions (WFI, hpm counters, seed, illegal), guest-page faults (G-stage
// mapping, host holes, MMIO on the virtual UART and PLIC decoded from htinst
// or fetched with HLVX), ECALL from VS, the exits that stop the VM, and the
// cycles every exit charges.
//
// Most tests are plain C++: HypBench::load() puts vCPU 0 on hart 0,
// HypBench::enter_exit() sets the CSRs the hardware leaves after a trap into
// HS, Scheduler::handle_exit() runs the handler, and the test checks the
// registers and CSRs. The tests named *EndToEnd run the hart
// with sc_start(). Every test starts from fresh_hyp_bench() (HypBench::reset),
// so they also pass together in one process (--gtest_shuffle).
#include "tests/unit/hyp_test_util.h"

#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "hyp/exit_handlers.h"

namespace rvh::test {
namespace {

namespace c = rvh::csr;

constexpr uint64_t kPc = 0x80001000;      // guest pc of the trapping instruction (guest RAM)
constexpr uint64_t kVstvec = 0x80100000;  // the guest's trap vector (guest RAM)
constexpr uint64_t kUartScr = 0x10000007; // virtual 16550: scratch register
constexpr uint64_t kPlicPrio10 = 0xc000028;  // virtual PLIC: priority of source 10
constexpr uint64_t kNoDevice = 0x20000000;   // guest-physical, neither RAM nor a device

// Transformed instructions (H spec: rs1 and the immediate replaced by the
// address offset, 0 here). Bit 1 clear: the original was compressed.
constexpr uint32_t kHtinstSbA1 = 0x00b00023;   // sb a1, 0(x0)
constexpr uint32_t kHtinstLbA0 = 0x00000503;   // lb a0, 0(x0)
constexpr uint32_t kHtinstLbuA0 = 0x00004503;  // lbu a0, 0(x0)
constexpr uint32_t kHtinstLwA0 = 0x00002503;   // lw a0, 0(x0)
constexpr uint32_t kHtinstCSwA1 = 0x00b02021;  // c.sw a1 (expanded sw a1, bit 1 cleared)
constexpr uint32_t kHtinstCLwA0 = 0x00002501;  // c.lw a0 (expanded lw a0, bit 1 cleared)
constexpr uint32_t kWfi = 0x10500073;
constexpr uint32_t kCsrSeed = 0x015;

uint64_t ws() { return hyp_bench().vm->config().costs.world_switch(); }
const hyp::HypCosts& costs() { return hyp_bench().vm->config().costs; }

// Guest memory: write and make it reachable through the G-stage.
void put_guest32(HypBench& b, uint64_t gpa, uint32_t v) {
  ASSERT_TRUE(b.vm->write_guest_physical(gpa, &v, 4));
  b.vm->map_gpa(gpa);
}
void put_guest16(HypBench& b, uint64_t gpa, uint16_t v) {
  ASSERT_TRUE(b.vm->write_guest_physical(gpa, &v, 2));
  b.vm->map_gpa(gpa);
}

// Per-VM bus access from the test (the VMM side).
uint64_t dev_read(HypBench& b, uint64_t gpa, unsigned len) {
  uint8_t d[8] = {};
  sc_core::sc_time t = sc_core::SC_ZERO_TIME;
  bool kernel = false;
  EXPECT_TRUE(b.vm->mmio_access(gpa, d, len, false, t, kernel));
  uint64_t v = 0;
  for (unsigned i = 0; i < len; ++i) v |= uint64_t{d[i]} << (8 * i);
  return v;
}
void dev_write(HypBench& b, uint64_t gpa, uint64_t v, unsigned len) {
  uint8_t d[8] = {};
  for (unsigned i = 0; i < len; ++i) d[i] = static_cast<uint8_t>(v >> (8 * i));
  sc_core::sc_time t = sc_core::SC_ZERO_TIME;
  bool kernel = false;
  EXPECT_TRUE(b.vm->mmio_access(gpa, d, len, true, t, kernel));
}

// A guest-page fault exit at kPc for `gpa` (GVA = GPA: vsatp is bare).
void enter_gpf(HypBench& b, uint64_t cause, uint64_t gpa, uint64_t htinst, uint64_t pc = kPc) {
  b.enter_exit(0, cause, gpa, pc, true, gpa >> 2, htinst);
}

// Expect the hart back in the guest's VS-mode at `pc`.
void expect_in_vs_at(Hart& h, uint64_t pc) {
  EXPECT_TRUE(h.virt);
  EXPECT_EQ(h.priv, kPrivS);
  EXPECT_EQ(h.pc, pc);
  EXPECT_EQ(h.csr.hstatus & c::kHstatusSPV, 0u);  // consumed by the re-entry
}

// Expect a redirect of (cause, tval) from kPc to the guest's vstvec.
void expect_redirected(HypBench& b, uint64_t cause, uint64_t tval, uint64_t epc = kPc) {
  Hart& h = b.hart(0);
  EXPECT_EQ(h.csr.vscause, cause);
  EXPECT_EQ(h.csr.vstval, tval);
  EXPECT_EQ(h.csr.vsepc, epc);
  expect_in_vs_at(h, kVstvec);
  EXPECT_EQ(b.stop_code, -1) << b.stop_reason;
}

void expect_stopped(HypBench& b, const std::string& reason_part) {
  EXPECT_EQ(b.stop_code, 3);
  EXPECT_NE(b.stop_reason.find(reason_part), std::string::npos) << b.stop_reason;
  EXPECT_TRUE(b.vm->stop_info().stopped);
  EXPECT_TRUE(b.hart(0).halted());
}

// A bench whose vCPU 0 sits in the guest (VS) on hart 0 with vstvec set.
HypBench& guest_bench() {
  HypBench& b = fresh_hyp_bench();
  b.load(0);
  b.hart(0).csr.vstvec = kVstvec;
  return b;
}

// A bench whose vCPU 0 is still stopped, vstvec set in its saved context:
// the test starts it (Vcpu::start) and runs the hart.
HypBench& stopped_guest_bench() {
  HypBench& b = fresh_hyp_bench();
  b.vcpu(0).csrs().vstvec = kVstvec;
  return b;
}

// ---------------------------------------------------------------- redirect

TEST(HypRedirect, FromVsSetsVsTrapCsrsAndEntersVstvec) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  h.csr.vsstatus = (2ull << 32) | c::kMstatusSIE;  // SPP = 0, SPIE = 0, SIE = 1
  b.enter_exit(0, c::kCauseIllegalInsn, 0xffffffff, kPc, /*from_vs=*/true, /*htval=*/0x1234, /*htinst=*/0x5678);
  const uint64_t hstatus = h.csr.hstatus;
  h.x[10] = 0xabc;
  b.scheduler->handle_exit(h, false);

  EXPECT_EQ(h.csr.vsstatus & c::kMstatusSPP, c::kMstatusSPP);    // trapped from VS
  EXPECT_EQ(h.csr.vsstatus & c::kMstatusSPIE, c::kMstatusSPIE);  // old SIE
  EXPECT_EQ(h.csr.vsstatus & c::kMstatusSIE, 0u);
  EXPECT_EQ(h.csr.vsstatus >> 32, 2u);  // UXL kept
  expect_redirected(b, c::kCauseIllegalInsn, 0xffffffff);
  EXPECT_EQ(h.csr.sepc, kVstvec);
  EXPECT_EQ(h.csr.htval, 0x1234u);
  EXPECT_EQ(h.csr.htinst, 0x5678u);
  EXPECT_EQ(h.csr.hstatus, hstatus & ~c::kHstatusSPV);
  EXPECT_EQ(h.csr.hstatus & c::kHstatusSPVP, c::kHstatusSPVP);
  EXPECT_EQ(h.x[10], 0xabcu);
  EXPECT_EQ(b.vcpu(0).stats().exits, 1u);
  EXPECT_EQ(b.vcpu(0).stats().redirected_traps, 1u);
  EXPECT_EQ(b.vcpu(0).stats().instr_illegal_exits, 1u);
}

TEST(HypRedirect, FromVuClearsSppAndEntersVsMode) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  // Stale SPP = 1 and SPIE = 1 from an earlier trap; SIE = 0 in VU.
  h.csr.vsstatus = (2ull << 32) | c::kMstatusSPP | c::kMstatusSPIE;
  b.enter_exit(0, c::kCauseLoadAccess, 0x1000, kPc, /*from_vs=*/false, 0x77, 0x88);
  const uint64_t hstatus = h.csr.hstatus;
  EXPECT_EQ(hstatus & c::kHstatusSPVP, 0u);
  b.scheduler->handle_exit(h, false);

  EXPECT_EQ(h.csr.vsstatus & c::kMstatusSPP, 0u);   // trapped from VU
  EXPECT_EQ(h.csr.vsstatus & c::kMstatusSPIE, 0u);  // old SIE was 0
  EXPECT_EQ(h.csr.vsstatus & c::kMstatusSIE, 0u);
  expect_redirected(b, c::kCauseLoadAccess, 0x1000);  // the handler runs in VS, not VU
  EXPECT_EQ(h.csr.htval, 0x77u);
  EXPECT_EQ(h.csr.htinst, 0x88u);
  EXPECT_EQ(h.csr.hstatus, hstatus & ~c::kHstatusSPV);
}

TEST(HypRedirect, VectoredVstvecStillUsesBaseForExceptions) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  h.csr.vstvec = kVstvec | 1;  // vectored
  b.enter_exit(0, c::kCauseMisalignedStore, 0x80002003, kPc);
  b.scheduler->handle_exit(h, false);
  EXPECT_EQ(h.csr.vscause, c::kCauseMisalignedStore);
  EXPECT_EQ(h.csr.vstval, 0x80002003u);
  EXPECT_EQ(h.csr.vsepc, kPc);
  expect_in_vs_at(h, kVstvec);
}

// Each cause KVM redirects, with its stat counter.
struct RedirectCase {
  const char* name;
  uint64_t cause;
  uint64_t hyp::VcpuStats::*counter;
};

void PrintTo(const RedirectCase& rc, std::ostream* os) { *os << rc.name << " (cause " << rc.cause << ")"; }

class HypRedirectCause : public ::testing::TestWithParam<RedirectCase> {};

TEST_P(HypRedirectCause, RedirectedWithItsCounter) {
  const RedirectCase& rc = GetParam();
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  const uint64_t tval = 0x80003001;
  b.enter_exit(0, rc.cause, tval, kPc);
  b.scheduler->handle_exit(h, false);
  expect_redirected(b, rc.cause, tval);
  const hyp::VcpuStats& s = b.vcpu(0).stats();
  EXPECT_EQ(s.*rc.counter, 1u);
  EXPECT_EQ(s.redirected_traps, 1u);
  EXPECT_EQ(s.exits, 1u);
  // No other redirect counter moved.
  const uint64_t total = s.instr_illegal_exits + s.load_misaligned_exits + s.store_misaligned_exits +
                         s.load_access_exits + s.store_access_exits + s.inst_access_exits;
  EXPECT_EQ(total, 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Causes, HypRedirectCause,
    ::testing::Values(RedirectCase{"InstAccess", c::kCauseFetchAccess, &hyp::VcpuStats::inst_access_exits},
                      RedirectCase{"IllegalInsn", c::kCauseIllegalInsn, &hyp::VcpuStats::instr_illegal_exits},
                      RedirectCase{"MisalignedLoad", c::kCauseMisalignedLoad, &hyp::VcpuStats::load_misaligned_exits},
                      RedirectCase{"MisalignedStore", c::kCauseMisalignedStore,
                                   &hyp::VcpuStats::store_misaligned_exits},
                      RedirectCase{"LoadAccess", c::kCauseLoadAccess, &hyp::VcpuStats::load_access_exits},
                      RedirectCase{"StoreAccess", c::kCauseStoreAccess, &hyp::VcpuStats::store_access_exits}),
    [](const ::testing::TestParamInfo<RedirectCase>& i) { return std::string(i.param.name); });

// ------------------------------------------------------------- seed patch

TEST(HypSeedPatch, OffInstructionAccessFaultStopsTheVmWithReport) {
  HypBench& b = guest_bench();
  b.vm->mutable_config().redirect_inst_access_fault = false;  // KVM before 51c58956732b
  Hart& h = b.hart(0);
  b.enter_exit(0, c::kCauseFetchAccess, 0x20000000, 0x20000000, true, 0x11, 0x22);
  b.scheduler->handle_exit(h, false);
  expect_stopped(b, "unsupported exit");
  for (const char* field : {"SEPC", "SSTATUS", "HSTATUS", "SCAUSE", "STVAL", "HTVAL", "HTINST"})
    EXPECT_NE(b.stop_reason.find(field), std::string::npos) << field << " missing in\n" << b.stop_reason;
  EXPECT_NE(b.stop_reason.find("SEPC    0x20000000"), std::string::npos) << b.stop_reason;
  EXPECT_NE(b.stop_reason.find("SCAUSE  0x1\n"), std::string::npos) << b.stop_reason;
  EXPECT_NE(b.stop_reason.find("HTVAL   0x11"), std::string::npos) << b.stop_reason;
  EXPECT_NE(b.stop_reason.find("HTINST  0x22"), std::string::npos) << b.stop_reason;
  EXPECT_EQ(b.vm->stop_info().exit_code, 3);
  EXPECT_EQ(h.csr.vscause, 0u);  // nothing went to the guest
  EXPECT_EQ(b.vcpu(0).stats().redirected_traps, 0u);
  EXPECT_EQ(b.vcpu(0).stats().inst_access_exits, 0u);
}

TEST(HypSeedPatch, OnInstructionAccessFaultIsRedirected) {
  HypBench& b = guest_bench();
  ASSERT_TRUE(b.vm->config().redirect_inst_access_fault);  // the default
  Hart& h = b.hart(0);
  b.enter_exit(0, c::kCauseFetchAccess, 0x20000000, 0x20000000);
  b.scheduler->handle_exit(h, false);
  expect_redirected(b, c::kCauseFetchAccess, 0x20000000, 0x20000000);
  EXPECT_EQ(b.vcpu(0).stats().inst_access_exits, 1u);
}

// The guest jumps to a guest-physical address with nothing behind it: the
// fetch guest-page fault maps a host hole, the refetch raises an instruction
// access fault, which the seed patch redirects to the guest.
TEST(HypSeedPatch, FetchFromHoleRedirectedEndToEnd) {
  HypBench& b = stopped_guest_bench();
  Hart& h = b.hart(0);
  const uint32_t j = enc::j_self();
  ASSERT_TRUE(b.vm->write_guest_physical(kVstvec, &j, 4));  // the G-stage maps it on first fetch
  ASSERT_EQ(b.vcpu(0).start(kNoDevice, 0), hyp::kSbiSuccess);
  ASSERT_EQ(&b.vcpu(0).hart(), &h);
  b.run_harts(sc_core::sc_time(20, sc_core::SC_US));
  EXPECT_EQ(b.stop_code, -1) << b.stop_reason;
  EXPECT_EQ(h.csr.vscause, c::kCauseFetchAccess);
  EXPECT_EQ(h.csr.vsepc, kNoDevice);
  EXPECT_EQ(h.csr.vstval, kNoDevice);
  EXPECT_TRUE(h.virt);
  EXPECT_EQ(h.priv, kPrivS);
  EXPECT_EQ(h.pc, kVstvec);
  const hyp::VcpuStats& s = b.vcpu(0).stats();
  EXPECT_EQ(s.inst_access_exits, 1u);
  EXPECT_EQ(s.redirected_traps, 1u);
  EXPECT_EQ(s.gstage_map_faults, 2u);  // the hole, then the vstvec page
}

TEST(HypSeedPatch, FetchFromHoleStopsTheVmWithoutThePatchEndToEnd) {
  HypBench& b = stopped_guest_bench();
  b.vm->mutable_config().redirect_inst_access_fault = false;
  ASSERT_EQ(b.vcpu(0).start(kNoDevice, 0), hyp::kSbiSuccess);
  ASSERT_EQ(&b.vcpu(0).hart(), &b.hart(0));
  b.run_harts(sc_core::sc_time(20, sc_core::SC_US));
  expect_stopped(b, "unsupported exit");
  EXPECT_NE(b.stop_reason.find("SCAUSE  0x1\n"), std::string::npos) << b.stop_reason;
  EXPECT_NE(b.stop_reason.find("SEPC    0x20000000"), std::string::npos) << b.stop_reason;
  EXPECT_EQ(b.vcpu(0).stats().gstage_map_faults, 1u);
  EXPECT_EQ(b.vcpu(0).stats().redirected_traps, 0u);
}

// ----------------------------------------------------- virtual instructions

TEST(HypVirtualInsn, WfiAdvancesPcAndSleeps) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  HartTestAccess::clear_wfi_pending(h);
  h.csr.hvip = c::kMipVSSIP;  // pending but not enabled: still sleeps
  h.csr.mie = 0;
  b.enter_exit(0, c::kCauseVirtualInsn, kWfi, kPc);
  b.scheduler->handle_exit(h, false);
  expect_in_vs_at(h, kPc + 4);
  EXPECT_EQ(h.csr.sepc, kPc + 4);
  EXPECT_TRUE(HartTestAccess::wfi_pending(h));
  EXPECT_EQ(b.vcpu(0).stats().wfi_exit_stat, 1u);
  EXPECT_EQ(b.vcpu(0).stats().virtual_insn_exits, 1u);
  EXPECT_EQ(b.vcpu(0).stats().redirected_traps, 0u);
}

TEST(HypVirtualInsn, WfiWithPendingEnabledVsInterruptDoesNotSleep) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  HartTestAccess::clear_wfi_pending(h);
  h.csr.hvip = c::kMipVSSIP;
  h.csr.mie = c::kMipVSSIP;  // hie.VSSIE
  b.enter_exit(0, c::kCauseVirtualInsn, kWfi, kPc);
  b.scheduler->handle_exit(h, false);
  expect_in_vs_at(h, kPc + 4);
  EXPECT_FALSE(HartTestAccess::wfi_pending(h));
  EXPECT_EQ(b.vcpu(0).stats().wfi_exit_stat, 1u);
}

TEST(HypVirtualInsn, ZeroStvalFetchesTheInstructionWithHlvx) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  put_guest32(b, kPc, kWfi);
  HartTestAccess::clear_wfi_pending(h);
  b.enter_exit(0, c::kCauseVirtualInsn, 0, kPc);
  b.scheduler->handle_exit(h, false);
  expect_in_vs_at(h, kPc + 4);
  EXPECT_EQ(b.vcpu(0).stats().wfi_exit_stat, 1u);
  EXPECT_TRUE(HartTestAccess::wfi_pending(h));
  EXPECT_EQ(b.vcpu(0).stats().cost_cycles.at("insn_fetch"), costs().insn_fetch);
}

TEST(HypVirtualInsn, ZeroStvalFetchedCsrReadOfHpmcounter) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  put_guest32(b, kPc, enc::csrr(a2, c::kHpmcounter3 + 2));  // hpmcounter5
  h.x[a2] = 0x1234;
  b.enter_exit(0, c::kCauseVirtualInsn, 0, kPc);
  b.scheduler->handle_exit(h, false);
  EXPECT_EQ(h.x[a2], 0u);
  expect_in_vs_at(h, kPc + 4);
  EXPECT_EQ(b.vcpu(0).stats().csr_exit_kernel, 1u);
}

TEST(HypVirtualInsn, HpmcounterReadsZero) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  h.x[a0] = 0x5555;
  b.enter_exit(0, c::kCauseVirtualInsn, enc::csrr(a0, c::kHpmcounter3), kPc);
  b.scheduler->handle_exit(h, false);
  EXPECT_EQ(h.x[a0], 0u);
  expect_in_vs_at(h, kPc + 4);
  EXPECT_EQ(h.csr.vscause, 0u);
  EXPECT_EQ(b.vcpu(0).stats().csr_exit_kernel, 1u);
  EXPECT_EQ(b.vcpu(0).stats().csr_exit_user, 0u);
  EXPECT_EQ(b.vcpu(0).stats().redirected_traps, 0u);
  EXPECT_EQ(b.vcpu(0).stats().virtual_insn_exits, 1u);
}

TEST(HypVirtualInsn, Hpmcounter31ReadIntoX0IsDropped) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  b.enter_exit(0, c::kCauseVirtualInsn, enc::csrr(zero, c::kHpmcounter31), kPc);
  b.scheduler->handle_exit(h, false);
  EXPECT_EQ(b.vcpu(0).reg(0), 0u);
  expect_in_vs_at(h, kPc + 4);
}

TEST(HypVirtualInsn, SeedIsIllegalInTheGuest) {
  for (uint32_t insn : {enc::csrr(a0, kCsrSeed), enc::csrrw(a0, kCsrSeed, zero)}) {
    HypBench& b = guest_bench();
    Hart& h = b.hart(0);
    h.x[a0] = 0x77;
    b.enter_exit(0, c::kCauseVirtualInsn, insn, kPc);
    b.scheduler->handle_exit(h, false);
    expect_redirected(b, c::kCauseIllegalInsn, insn);
    EXPECT_EQ(h.x[a0], 0x77u);
    EXPECT_EQ(b.vcpu(0).stats().redirected_traps, 1u);
    EXPECT_EQ(b.vcpu(0).stats().csr_exit_kernel, 0u);
  }
}

TEST(HypVirtualInsn, WritingAnHpmcounterIsIllegal) {
  for (uint32_t insn : {enc::csrw(c::kHpmcounter3, a0), enc::csrrsi(a0, c::kHpmcounter3, 1),
                        enc::csrrs(a0, c::kHpmcounter3 + 1, a1)}) {
    HypBench& b = guest_bench();
    Hart& h = b.hart(0);
    h.x[a0] = 0x99;
    h.x[a1] = 1;
    b.enter_exit(0, c::kCauseVirtualInsn, insn, kPc);
    b.scheduler->handle_exit(h, false);
    expect_redirected(b, c::kCauseIllegalInsn, insn);
    EXPECT_EQ(h.x[a0], 0x99u);
  }
}

TEST(HypVirtualInsn, UnrelatedInstructionIsIllegalInTheGuest) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  const uint32_t sfence = enc::sfence_vma(0, 0);
  b.enter_exit(0, c::kCauseVirtualInsn, sfence, kPc);
  b.scheduler->handle_exit(h, false);
  expect_redirected(b, c::kCauseIllegalInsn, sfence);
  EXPECT_EQ(b.vcpu(0).stats().virtual_insn_exits, 1u);
  EXPECT_EQ(b.vcpu(0).stats().wfi_exit_stat, 0u);
}

// ------------------------------------------------------- guest-page faults

// Reads the G-stage (Sv39x4) leaf for `gpa` from host RAM: returns the PTE
// and its level (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB), or 0 if unmapped.
uint64_t gstage_leaf(HypBench& b, uint64_t gpa, unsigned& level) {
  uint64_t table = b.vm->gstage_root();
  for (int l = 2; l >= 0; --l) {
    const uint64_t index = (gpa >> (12 + 9 * l)) & (l == 2 ? 0x7ff : 0x1ff);
    uint64_t pte;
    std::memcpy(&pte, b.ram.host_pointer(table + index * 8 - kHostRamBase), 8);
    if (!(pte & 1)) return 0;
    if (pte & 0xe) {
      level = static_cast<unsigned>(l);
      return pte;
    }
    table = ((pte >> 10) & ((1ull << 44) - 1)) << 12;
  }
  return 0;
}

TEST(HypGuestPageFault, LoadFaultOnGuestRamMapsThePageAndReexecutes) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  const uint64_t gpa = 0x80200123;
  unsigned level = 9;
  ASSERT_EQ(gstage_leaf(b, gpa, level), 0u);
  // The hart's own walk faults before the exit...
  try {
    (void)h.hyp_load<uint8_t>(gpa, false);
    FAIL() << "expected a load guest-page fault";
  } catch (const Trap& t) {
    EXPECT_EQ(t.cause, c::kCauseLoadGuestPageFault);
    EXPECT_EQ(t.tval2, gpa >> 2);
  }
  h.x[a0] = 0x4242;
  enter_gpf(b, c::kCauseLoadGuestPageFault, gpa, kHtinstLbA0);
  b.scheduler->handle_exit(h, false);
  expect_in_vs_at(h, kPc);  // re-execute the load
  EXPECT_EQ(h.csr.sepc, kPc);
  EXPECT_EQ(h.x[a0], 0x4242u);  // not emulated
  EXPECT_EQ(b.vcpu(0).stats().gstage_map_faults, 1u);
  EXPECT_EQ(b.vcpu(0).stats().mmio_exit_user + b.vcpu(0).stats().mmio_exit_kernel, 0u);
  EXPECT_EQ(b.vcpu(0).stats().cost_cycles.at("gstage_map"), costs().gstage_map);

  // The G-stage now has a valid RWXU leaf (a 2 MiB block) in host RAM,
  // pointing at the host memory behind guest RAM.
  const uint64_t pte = gstage_leaf(b, gpa, level);
  ASSERT_NE(pte, 0u);
  EXPECT_EQ(level, 1u);
  EXPECT_EQ(pte & 0xff, 0xdfu);  // V R W X U A D
  const uint64_t magic = 0x0123456789abcdefull;
  ASSERT_TRUE(b.vm->write_guest_physical(gpa & ~7ull, &magic, 8));
  const uint64_t hpa = ((pte >> 10) << 12) + (gpa & ((2ull << 20) - 1) & ~7ull);
  uint64_t seen;
  std::memcpy(&seen, b.ram.host_pointer(hpa - kHostRamBase), 8);
  EXPECT_EQ(seen, magic);
  // ... and no longer does.
  h.set_mode(kPrivS, false);
  h.csr.hstatus |= c::kHstatusSPVP;
  EXPECT_EQ(h.hyp_load<uint64_t>(gpa & ~7ull, false), magic);
}

TEST(HypGuestPageFault, StoreAndFetchFaultsOnGuestRamMapToo) {
  for (uint64_t cause : {c::kCauseStoreGuestPageFault, c::kCauseFetchGuestPageFault}) {
    HypBench& b = guest_bench();
    Hart& h = b.hart(0);
    const uint64_t gpa = 0x80e00ffc;
    enter_gpf(b, cause, gpa, 0, gpa);
    b.scheduler->handle_exit(h, false);
    expect_in_vs_at(h, gpa);
    unsigned level = 9;
    EXPECT_NE(gstage_leaf(b, gpa, level), 0u) << cause;
    EXPECT_EQ(b.vcpu(0).stats().gstage_map_faults, 1u);
  }
}

TEST(HypGuestPageFault, FetchFaultOnNonRamMapsAHostHole) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  enter_gpf(b, c::kCauseFetchGuestPageFault, kNoDevice + 0x40, 0, kNoDevice + 0x40);
  b.scheduler->handle_exit(h, false);
  expect_in_vs_at(h, kNoDevice + 0x40);  // refetch
  EXPECT_EQ(b.vcpu(0).stats().gstage_map_faults, 1u);
  // One execute-only leaf for the whole GiB around it, which has no guest RAM.
  unsigned level = 9;
  const uint64_t pte = gstage_leaf(b, kNoDevice, level);
  ASSERT_NE(pte, 0u);
  EXPECT_EQ(level, 2u);
  EXPECT_EQ(pte & 0xff, 0x59u);  // V X U A
  EXPECT_EQ(gstage_leaf(b, 0x3ffff000, level), pte);
  // An execute access now passes the G-stage and faults on the bus (an
  // access fault); a load or store is still a guest-page fault (MMIO).
  h.set_mode(kPrivS, false);
  h.csr.hstatus |= c::kHstatusSPVP;
  try {
    (void)h.hyp_load<uint16_t>(kNoDevice + 0x40, true);  // HLVX: needs execute permission
    FAIL() << "expected an access fault";
  } catch (const Trap& t) {
    EXPECT_EQ(t.cause, c::kCauseLoadAccess);
  }
  for (uint64_t gpa : {kNoDevice + 0x40, kUartScr}) {
    try {
      (void)h.hyp_load<uint8_t>(gpa, false);
      FAIL() << "expected a load guest-page fault at 0x" << std::hex << gpa;
    } catch (const Trap& t) {
      EXPECT_EQ(t.cause, c::kCauseLoadGuestPageFault);
    }
  }
}

// Next to guest RAM the hole leaf is a 2 MiB block in RAM's own table.
TEST(HypGuestPageFault, FetchFaultNextToGuestRamMapsA2MiBHole) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  const uint64_t gpa = kGuestRamBase + kGuestRamSize + 0x1234;
  enter_gpf(b, c::kCauseFetchGuestPageFault, gpa & ~3ull, 0, gpa & ~3ull);
  b.scheduler->handle_exit(h, false);
  unsigned level = 9;
  const uint64_t pte = gstage_leaf(b, gpa, level);
  EXPECT_EQ(level, 1u);
  EXPECT_EQ(pte & 0xff, 0x59u);
  EXPECT_EQ(gstage_leaf(b, kGuestRamBase + kGuestRamSize - 8, level), 0u);  // RAM: not mapped yet
  EXPECT_EQ(b.stop_code, -1) << b.stop_reason;
}

// A hostile guest fetching from ever new addresses: one leaf per block with
// no RAM serves them all, so the page-table pool (4 MiB, ~1000 tables) is
// not used up and the VM keeps running.
TEST(HypGuestPageFault, ThousandsOfHoleFetchesShareLeaves) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  for (uint64_t i = 0; i < 2000; ++i) {
    const uint64_t gpa = 0x100000000ull + i * 0x200040;
    enter_gpf(b, c::kCauseFetchGuestPageFault, gpa, 0, gpa);
    b.scheduler->handle_exit(h, false);
    ASSERT_EQ(b.stop_code, -1) << "fetch " << i << ": " << b.stop_reason;
  }
  unsigned level = 9;
  EXPECT_EQ(gstage_leaf(b, 0x100000000ull, level) & 0xff, 0x59u);
  EXPECT_EQ(level, 2u);
}

// Sv39x4 translates GPAs below 2^41. The hart faults beyond; no memory can
// be there (KVM allows no memory slot beyond the G-stage), so a fetch stops
// the VM as KVM's -EOPNOTSUPP does, and nothing is mapped: the walk must not
// alias the GPA onto guest RAM's slot and write a PTE into guest RAM.
TEST(HypGuestPageFault, FetchBeyondTheGstageStopsTheVmAndWritesNothing) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  b.vm->map_gpa(kGuestRamBase);  // a 2 MiB leaf for the first block of guest RAM
  std::vector<uint8_t> pattern(4096), after(4096);
  for (size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<uint8_t>(i * 7 + 1);
  ASSERT_TRUE(b.vm->write_guest_physical(kGuestRamBase, pattern.data(), pattern.size()));
  const uint64_t beyond = (1ull << 41) + kGuestRamBase + 0x5000;  // aliases onto guest RAM's slot
  enter_gpf(b, c::kCauseFetchGuestPageFault, beyond, 0, beyond);
  b.scheduler->handle_exit(h, false);
  expect_stopped(b, "instruction fetch from guest-physical 0x20080005000, beyond the G-stage");
  EXPECT_NE(b.stop_reason.find("SCAUSE  0x14\n"), std::string::npos) << b.stop_reason;
  EXPECT_NE(b.stop_reason.find("SEPC    0x20080005000\n"), std::string::npos) << b.stop_reason;
  ASSERT_TRUE(b.vm->read_guest_physical(kGuestRamBase, after.data(), after.size()));
  EXPECT_EQ(after, pattern);
  EXPECT_EQ(b.vcpu(0).stats().gstage_map_faults, 0u);
}

TEST(HypGuestPageFault, LoadBeyondTheGstageIsMmioWithNoDevice) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  b.vm->map_gpa(kGuestRamBase);
  const uint64_t zero_page[512] = {};
  ASSERT_TRUE(b.vm->write_guest_physical(kGuestRamBase, zero_page, sizeof zero_page));
  h.x[a0] = 0x1234;
  enter_gpf(b, c::kCauseLoadGuestPageFault, (1ull << 41) + kGuestRamBase + 0x5000, kHtinstLwA0);
  b.scheduler->handle_exit(h, false);
  EXPECT_EQ(h.x[a0], 0u);
  expect_in_vs_at(h, kPc + 4);
  EXPECT_EQ(b.vcpu(0).stats().unmapped_mmio, 1u);
  uint64_t page[512];
  ASSERT_TRUE(b.vm->read_guest_physical(kGuestRamBase, page, sizeof page));
  EXPECT_EQ(std::memcmp(page, zero_page, sizeof page), 0);
}

// A G-stage walk never goes through a leaf: it would take the memory the
// leaf maps for a page table and write a PTE into it. Here a 1 GiB leaf
// (over guest RAM's first block) sits where the walk for guest RAM needs a
// table: the fault stops the VM and nothing is written.
TEST(HypGuestPageFault, WalkMeetingALeafStopsTheVmAndWritesNothing) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  b.vm->map_gpa(kGuestRamBase);
  unsigned level = 9;
  const uint64_t block = gstage_leaf(b, kGuestRamBase, level);
  ASSERT_EQ(level, 1u);
  const uint64_t root_slot = b.vm->gstage_root() + 8 * (kGuestRamBase >> 30);
  std::memcpy(b.ram.host_pointer(root_slot - kHostRamBase), &block, 8);  // now a 1 GiB leaf
  std::vector<uint8_t> pattern(4096, 0xa5), after(4096);
  ASSERT_TRUE(b.vm->write_guest_physical(kGuestRamBase, pattern.data(), pattern.size()));
  enter_gpf(b, c::kCauseLoadGuestPageFault, kGuestRamBase + (2ull << 20), kHtinstLwA0);
  b.scheduler->handle_exit(h, false);
  expect_stopped(b, "G-stage walk met a mapping of another size");
  ASSERT_TRUE(b.vm->read_guest_physical(kGuestRamBase, after.data(), after.size()));
  EXPECT_EQ(after, pattern);
  EXPECT_EQ(hyp::describe(b.vm->map_gpa(kGuestRamBase + (2ull << 20))),
            std::string("G-stage walk met a mapping of another size (nothing written)"));
  EXPECT_EQ(b.vm->map_hole(1ull << 41), hyp::GstageMap::kBeyondReach);
}

// prefault is applied at VM creation; the bench's VM has it off, so this
// test builds a second, one-vCPU VM with prefault on its own hart (and its
// own scheduler) in the upper part of host RAM. SystemC allows that only before the first
// sc_start() of the process (under ctest every test has its own process).
struct PrefaultBench {
  sc_core::sc_signal<bool> lines[4];
  std::unique_ptr<Hart> hart;
  std::unique_ptr<hyp::Scheduler> scheduler;
  std::unique_ptr<hyp::Vm> vm;
  explicit PrefaultBench(HypBench& b) {
    HartConfig hc;
    hc.hart_id = 2;
    hart = std::make_unique<Hart>("pf_hart", hc);
    hart->bus.bind(b.bus.targ_socket);
    hart->irq_msip.bind(lines[0]);
    hart->irq_mtip.bind(lines[1]);
    hart->irq_meip.bind(lines[2]);
    hart->irq_seip.bind(lines[3]);
    hyp::VmConfig cfg = HypBench::default_config();
    cfg.num_vcpus = 1;
    cfg.prefault = true;
    cfg.vmid = 2;
    hyp::HostWindow w;
    w.hpa_base = kHostRamBase + (24ull << 20);
    w.size = 40ull << 20;
    w.host = b.ram.host_pointer(24ull << 20);
    scheduler = std::make_unique<hyp::Scheduler>("pf_scheduler", std::vector<Hart*>{hart.get()}, cfg.costs);
    vm = std::make_unique<hyp::Vm>("pf_vm", cfg, w, *scheduler);
  }
};

TEST(HypGuestPageFault, PrefaultMapsAllGuestRamAtCreation) {
  static PrefaultBench* pf = nullptr;
  if (!pf) {
    if (sc_core::sc_start_of_simulation_invoked())
      GTEST_SKIP() << "needs a process where SystemC has not started (ctest runs it alone)";
    pf = new PrefaultBench(hyp_bench());
  }
  fresh_hyp_bench();
  Hart& h = *pf->hart;
  // The vCPU on the hart brings the VM's hgatp; HLV from HS as in an exit.
  if (!pf->vm->vcpu(0).loaded()) {
    ASSERT_EQ(pf->vm->vcpu(0).start(kGuestRamBase, 0), hyp::kSbiSuccess);
  }
  ASSERT_EQ(&pf->vm->vcpu(0).hart(), &h);
  h.set_mode(kPrivS, false);
  h.csr.hstatus |= c::kHstatusSPVP;
  h.csr.vsatp = 0;
  h.flush_tlb();
  for (uint64_t off = 0; off < kGuestRamSize; off += 1ull << 20) {
    const uint64_t gpa = kGuestRamBase + off + 0x808;
    const uint64_t v = 0xfeed0000ull + off;
    ASSERT_TRUE(pf->vm->write_guest_physical(gpa, &v, 8));
    try {
      EXPECT_EQ(h.hyp_load<uint64_t>(gpa, false), v) << std::hex << gpa;
    } catch (const Trap& t) {
      ADD_FAILURE() << "guest RAM 0x" << std::hex << gpa << " not prefaulted: cause " << std::dec << t.cause;
    }
  }
  // Beyond guest RAM there is nothing.
  EXPECT_THROW((void)h.hyp_load<uint64_t>(kGuestRamBase + kGuestRamSize, false), Trap);
  EXPECT_EQ(pf->vm->vcpu(0).stats().gstage_map_faults, 0u);
}

TEST(HypMmio, StoreToUartScratchFromTransformedHtinst) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  dev_write(b, kUartScr, 0, 1);
  h.x[a1] = 0x1a5;  // sb stores the low byte
  enter_gpf(b, c::kCauseStoreGuestPageFault, kUartScr, kHtinstSbA1);
  b.scheduler->handle_exit(h, false);
  EXPECT_EQ(dev_read(b, kUartScr, 1), 0xa5u);
  expect_in_vs_at(h, kPc + 4);
  EXPECT_EQ(h.csr.sepc, kPc + 4);
  EXPECT_EQ(b.vcpu(0).stats().mmio_exit_user, 1u);
  EXPECT_EQ(b.vcpu(0).stats().mmio_exit_kernel, 0u);
  EXPECT_EQ(b.vcpu(0).stats().gstage_map_faults, 0u);
  EXPECT_EQ(b.vcpu(0).stats().cost_cycles.at("mmio_user"), costs().mmio_user);
  unsigned level = 9;
  EXPECT_EQ(gstage_leaf(b, kUartScr, level), 0u);  // MMIO is never mapped
}

TEST(HypMmio, LbSignExtendsAndLbuZeroExtends) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  dev_write(b, kUartScr, 0x80, 1);
  enter_gpf(b, c::kCauseLoadGuestPageFault, kUartScr, kHtinstLbA0);
  b.scheduler->handle_exit(h, false);
  EXPECT_EQ(h.x[a0], 0xffffffffffffff80ull);
  expect_in_vs_at(h, kPc + 4);

  enter_gpf(b, c::kCauseLoadGuestPageFault, kUartScr, kHtinstLbuA0, kPc + 4);
  b.scheduler->handle_exit(h, false);
  EXPECT_EQ(h.x[a0], 0x80u);
  expect_in_vs_at(h, kPc + 8);
  EXPECT_EQ(b.vcpu(0).stats().mmio_exit_user, 2u);
}

TEST(HypMmio, CompressedTransformedHtinstAdvancesByTwo) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  h.x[a1] = 5;
  enter_gpf(b, c::kCauseStoreGuestPageFault, kPlicPrio10, kHtinstCSwA1);
  b.scheduler->handle_exit(h, false);
  EXPECT_EQ(dev_read(b, kPlicPrio10, 4), 5u);
  expect_in_vs_at(h, kPc + 2);
  EXPECT_EQ(b.vcpu(0).stats().mmio_exit_kernel, 1u);

  h.x[a0] = 0xdead;
  enter_gpf(b, c::kCauseLoadGuestPageFault, kPlicPrio10, kHtinstCLwA0, kPc + 2);
  b.scheduler->handle_exit(h, false);
  EXPECT_EQ(h.x[a0], 5u);
  expect_in_vs_at(h, kPc + 4);
  EXPECT_EQ(b.vcpu(0).stats().mmio_exit_kernel, 2u);
  EXPECT_EQ(b.vcpu(0).stats().mmio_exit_user, 0u);
  EXPECT_EQ(b.vcpu(0).stats().cost_cycles.at("mmio_kernel"), 2 * costs().mmio_kernel);
}

TEST(HypMmio, ZeroHtinstFetchesTheLoadWithHlvx) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  put_guest32(b, kPc, enc::lw(a0, a1, 0));
  dev_write(b, kPlicPrio10, 3, 4);
  h.x[a0] = 0xdead;
  h.x[a1] = kPlicPrio10;
  enter_gpf(b, c::kCauseLoadGuestPageFault, kPlicPrio10, 0);
  b.scheduler->handle_exit(h, false);
  EXPECT_EQ(h.x[a0], 3u);
  expect_in_vs_at(h, kPc + 4);
  EXPECT_EQ(b.vcpu(0).stats().mmio_exit_kernel, 1u);
  EXPECT_EQ(b.vcpu(0).stats().cost_cycles.at("insn_fetch"), costs().insn_fetch);
}

TEST(HypMmio, ZeroHtinstFetchesACompressedLoad) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  put_guest16(b, kPc, 0x4188);  // c.lw a0, 0(a1)
  dev_write(b, kPlicPrio10, 6, 4);
  h.x[a1] = kPlicPrio10;
  enter_gpf(b, c::kCauseLoadGuestPageFault, kPlicPrio10, 0);
  b.scheduler->handle_exit(h, false);
  EXPECT_EQ(h.x[a0], 6u);
  expect_in_vs_at(h, kPc + 2);
}

TEST(HypMmio, NoDeviceReadsZeroAndIgnoresWrites) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  h.x[a0] = 0x1234;
  enter_gpf(b, c::kCauseLoadGuestPageFault, kNoDevice, kHtinstLwA0);
  b.scheduler->handle_exit(h, false);
  EXPECT_EQ(h.x[a0], 0u);
  expect_in_vs_at(h, kPc + 4);
  EXPECT_EQ(b.vcpu(0).stats().unmapped_mmio, 1u);

  h.x[a1] = 0xff;
  enter_gpf(b, c::kCauseStoreGuestPageFault, kNoDevice + 8, kHtinstSbA1, kPc + 4);
  b.scheduler->handle_exit(h, false);
  expect_in_vs_at(h, kPc + 8);
  EXPECT_EQ(b.vcpu(0).stats().unmapped_mmio, 2u);
  EXPECT_EQ(b.stop_code, -1) << b.stop_reason;
  EXPECT_FALSE(h.halted());
}

// A guest cannot flood stderr: the first Vm::kUnmappedReports addresses
// with no device are named once each, then one line says the rest are not;
// every access is counted (unmapped_mmio, unmapped_mmio_unreported).
TEST(HypMmio, NoDeviceReportsAreLimited) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  testing::internal::CaptureStderr();
  constexpr unsigned kAddresses = 200;
  static uint64_t base = 0x30000000;  // addresses no earlier run of this test used
  base += 0x10000;
  for (unsigned i = 0; i < kAddresses; ++i) {
    enter_gpf(b, c::kCauseLoadGuestPageFault, base + 8 * i, kHtinstLwA0);
    b.scheduler->handle_exit(h, false);
  }
  enter_gpf(b, c::kCauseLoadGuestPageFault, base, kHtinstLwA0);  // the first address again
  b.scheduler->handle_exit(h, false);
  const std::string err = testing::internal::GetCapturedStderr();
  size_t named = 0;
  for (size_t at = err.find("no device there"); at != std::string::npos; at = err.find("no device there", at + 1))
    ++named;
  // Other tests of this process may have named addresses already.
  EXPECT_LE(named, hyp::Vm::kUnmappedReports);
  EXPECT_LE(err.size(), 200 * hyp::Vm::kUnmappedReports) << err;
  // Unreported: every access to an address not named (the first one again
  // too, when the limit was reached before it).
  const uint64_t unreported = kAddresses - named + (named == 0 ? 1 : 0);
  const hyp::VcpuStats& s = b.vcpu(0).stats();
  EXPECT_EQ(s.unmapped_mmio, kAddresses + 1);
  EXPECT_EQ(s.unmapped_mmio_unreported, unreported);
  const nlohmann::json j = b.vm->stats_json();
  EXPECT_EQ(j["vm"]["unmapped_mmio_unreported"].get<uint64_t>(), unreported);
  EXPECT_EQ(j["vcpus"][0]["unmapped_mmio_unreported"].get<uint64_t>(), unreported);
  std::ostringstream printed;
  b.vm->print_stats(printed);
  EXPECT_NE(printed.str().find("  unmapped_mmio_unreported  " + std::to_string(unreported) + "\n"),
            std::string::npos)
      << printed.str();
  EXPECT_EQ(b.stop_code, -1) << b.stop_reason;
}

TEST(HypMmio, StrictMmioStopsTheVmOnNoDevice) {
  HypBench& b = guest_bench();
  b.vm->mutable_config().strict_mmio = true;
  Hart& h = b.hart(0);
  h.x[a0] = 0x1234;
  enter_gpf(b, c::kCauseLoadGuestPageFault, kNoDevice, kHtinstLwA0);
  b.scheduler->handle_exit(h, false);
  expect_stopped(b, "strict MMIO");
  EXPECT_EQ(h.x[a0], 0x1234u);
  EXPECT_EQ(h.csr.sepc, kPc);
}

TEST(HypMmio, AmoOnMmioStopsTheVm) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  enter_gpf(b, c::kCauseStoreGuestPageFault, kPlicPrio10, enc::amoadd_w(a0, a1, 0));
  b.scheduler->handle_exit(h, false);
  expect_stopped(b, "AMO on MMIO");
  EXPECT_NE(b.stop_reason.find("cannot be emulated"), std::string::npos) << b.stop_reason;
  EXPECT_EQ(b.vcpu(0).stats().mmio_exit_kernel, 0u);
}

TEST(HypMmio, MisalignedMmioStopsTheVm) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  enter_gpf(b, c::kCauseLoadGuestPageFault, kPlicPrio10 + 2, kHtinstLwA0);
  b.scheduler->handle_exit(h, false);
  expect_stopped(b, "misaligned MMIO");
}

TEST(HypMmio, PseudoinstructionHtinstOnNonRamStopsTheVm) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  // An implicit VS-stage page-table read (htinst 0x3000: a 64-bit PTE load)
  // from a guest-physical address with no RAM: nothing to emulate.
  enter_gpf(b, c::kCauseLoadGuestPageFault, kNoDevice + 0x18, 0x3000);
  b.scheduler->handle_exit(h, false);
  expect_stopped(b, "pseudoinstruction");
  EXPECT_EQ(b.vcpu(0).stats().unmapped_mmio, 0u);
}

TEST(HypMmio, LoadInstructionOnStoreFaultStopsTheVm) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  enter_gpf(b, c::kCauseStoreGuestPageFault, kUartScr, kHtinstLbA0);
  b.scheduler->handle_exit(h, false);
  expect_stopped(b, "does not match");
}

// ------------------------------------------------------------------- ECALL

TEST(HypEcall, BaseGetSpecVersion) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  h.x[a7] = 0x10;  // BASE
  h.x[a6] = 0;     // get_spec_version
  h.x[a0] = 0x55;
  h.x[a1] = 0x66;
  b.enter_exit(0, c::kCauseEcallVS, 0, kPc);
  b.scheduler->handle_exit(h, false);
  EXPECT_EQ(h.x[a0], 0u);
  EXPECT_EQ(h.x[a1], 0x2000000u);  // SBI 2.0 (hyp/sbi_base.cpp)
  expect_in_vs_at(h, kPc + 4);
  EXPECT_EQ(b.vcpu(0).stats().ecall_exit_stat, 1u);
  EXPECT_EQ(b.vcpu(0).stats().sbi_calls.at("base.get_spec_version"), 1u);
  EXPECT_EQ(b.vcpu(0).stats().cost_cycles.at("sbi"), costs().sbi_call);
}

TEST(HypEcall, BaseGetImplIdIsKvm) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  h.x[a7] = 0x10;
  h.x[a6] = 1;
  b.enter_exit(0, c::kCauseEcallVS, 0, kPc);
  b.scheduler->handle_exit(h, false);
  EXPECT_EQ(h.x[a0], 0u);
  EXPECT_EQ(h.x[a1], 3u);
  expect_in_vs_at(h, kPc + 4);
}

TEST(HypEcall, UnknownExtensionIsNotSupportedAndTheVmRuns) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  h.x[a7] = 0x12345678;
  h.x[a6] = 3;
  h.x[a0] = 1;
  b.enter_exit(0, c::kCauseEcallVS, 0, kPc);
  b.scheduler->handle_exit(h, false);
  EXPECT_EQ(static_cast<int64_t>(h.x[a0]), -2);  // SBI_ERR_NOT_SUPPORTED
  EXPECT_EQ(h.x[a1], 0u);
  expect_in_vs_at(h, kPc + 4);
  EXPECT_EQ(b.vcpu(0).stats().ecall_exit_stat, 1u);
  EXPECT_EQ(b.vcpu(0).stats().sbi_calls.at("unknown"), 1u);
  EXPECT_EQ(b.vcpu(0).stats().redirected_traps, 0u);
  EXPECT_FALSE(h.halted());
}

TEST(HypEcall, UnknownBaseFunctionIsNotSupported) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  h.x[a7] = 0x10;
  h.x[a6] = 99;
  b.enter_exit(0, c::kCauseEcallVS, 0, kPc);
  b.scheduler->handle_exit(h, false);
  EXPECT_EQ(static_cast<int64_t>(h.x[a0]), -2);
  expect_in_vs_at(h, kPc + 4);
}

// --------------------------------------------------------- exits that stop

TEST(HypStop, BreakpointNotDelegatedStopsTheVm) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  b.enter_exit(0, c::kCauseBreakpoint, kPc, kPc);
  b.scheduler->handle_exit(h, false);
  expect_stopped(b, "breakpoint");
  EXPECT_NE(b.stop_reason.find("SCAUSE  0x3\n"), std::string::npos) << b.stop_reason;
  EXPECT_EQ(h.csr.vscause, 0u);
}

TEST(HypStop, UnknownCauseStopsTheVmWithTheCsrReport) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  b.enter_exit(0, 24, 0xabcd, kPc, true, 0x1111, 0x2222);
  const uint64_t sstatus = h.csr.mstatus, hstatus = h.csr.hstatus;
  b.scheduler->handle_exit(h, false);
  expect_stopped(b, "unsupported exit");
  auto hex = [](uint64_t v) {
    char s[32];
    std::snprintf(s, sizeof s, "0x%llx", static_cast<unsigned long long>(v));
    return std::string(s);
  };
  const std::string expect_lines[] = {
      "vcpu0: unsupported exit\n",
      "  SEPC    " + hex(kPc) + "\n",
      "  SSTATUS " + hex(sstatus) + "\n",
      "  HSTATUS " + hex(hstatus) + "\n",
      "  SCAUSE  0x18\n",
      "  STVAL   0xabcd\n",
      "  HTVAL   0x1111\n",
      "  HTINST  0x2222",
  };
  for (const std::string& line : expect_lines)
    EXPECT_NE(b.stop_reason.find(line), std::string::npos) << "missing '" << line << "' in\n" << b.stop_reason;
  EXPECT_EQ(b.vcpu(0).stats().exits, 1u);
}

TEST(HypStop, VcpuOneStopsTheWholeVm) {
  HypBench& b = fresh_hyp_bench();
  b.load(1);
  Hart& h1 = b.hart(1);
  b.enter_exit(1, 24, 0, kPc);
  b.scheduler->handle_exit(h1, false);
  EXPECT_EQ(b.stop_code, 3);
  EXPECT_NE(b.stop_reason.find("vcpu1: "), std::string::npos) << b.stop_reason;
  EXPECT_TRUE(b.hart(0).halted());
  EXPECT_TRUE(b.hart(1).halted());
}

// -------------------------------------------------------------------- costs

TEST(HypCosts, RedirectChargesWorldSwitchPlusRedirect) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  const uint64_t before = h.cycles;
  b.enter_exit(0, c::kCauseIllegalInsn, 0, kPc);
  b.scheduler->handle_exit(h, false);
  EXPECT_EQ(h.cycles - before, ws() + costs().redirect);
  const auto& cc = b.vcpu(0).stats().cost_cycles;
  EXPECT_EQ(cc.at("world_switch"), ws());
  EXPECT_EQ(cc.at("redirect"), costs().redirect);
  EXPECT_EQ(cc.size(), 2u);
  EXPECT_EQ(b.vcpu(0).stats().hyp_cycles, ws() + costs().redirect);
  // world_switch: fixed + 62 GPRs + 24 CSRs with the default model.
  EXPECT_EQ(ws(), 60u + 62u * 1u + 24u * 4u);
}

TEST(HypCosts, CsrEmulationAndAccumulation) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  const uint64_t before = h.cycles;
  for (unsigned k = 0; k < 3; ++k) {
    b.enter_exit(0, c::kCauseVirtualInsn, enc::csrr(a0, c::kHpmcounter3), kPc + 4 * k);
    b.scheduler->handle_exit(h, false);
  }
  EXPECT_EQ(h.cycles - before, 3 * (ws() + costs().csr_emulation));
  EXPECT_EQ(b.vcpu(0).stats().cost_cycles.at("world_switch"), 3 * ws());
  EXPECT_EQ(b.vcpu(0).stats().cost_cycles.at("csr_emulation"), 3 * costs().csr_emulation);
  EXPECT_EQ(b.vcpu(0).stats().exits, 3u);
}

TEST(HypCosts, RunTimeCostChangeTakesEffect) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  b.vm->mutable_config().costs.redirect = 1234;
  b.vm->mutable_config().costs.switch_fixed = 0;
  const uint64_t before = h.cycles;
  b.enter_exit(0, c::kCauseLoadAccess, 0, kPc);
  b.scheduler->handle_exit(h, false);
  EXPECT_EQ(h.cycles - before, 62u + 96u + 1234u);
}

TEST(HypCosts, HostInterruptExitResumesTheGuest) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  const uint64_t before = h.cycles;
  b.enter_exit(0, (1ull << 63) | 5, 0, kPc);
  b.scheduler->handle_exit(h, true);
  expect_in_vs_at(h, kPc);
  EXPECT_EQ(h.cycles - before, ws() + costs().host_interrupt);
  EXPECT_EQ(b.vcpu(0).stats().host_interrupt_exits, 1u);
  EXPECT_EQ(b.vcpu(0).stats().cost_cycles.at("host_interrupt"), costs().host_interrupt);
  EXPECT_EQ(b.stop_code, -1);
}

TEST(HypCosts, MmioChargesDeviceLatencyOnTop) {
  HypBench& b = guest_bench();
  Hart& h = b.hart(0);
  // The device's TLM delay, converted to hart cycles, comes on top.
  uint8_t d[1] = {};
  sc_core::sc_time t = sc_core::SC_ZERO_TIME;
  bool kernel = false;
  b.vm->mmio_access(kUartScr, d, 1, false, t, kernel);
  const uint64_t latency = static_cast<uint64_t>(t.to_seconds() * static_cast<double>(h.config().clock_hz));
  const uint64_t before = h.cycles;
  enter_gpf(b, c::kCauseLoadGuestPageFault, kUartScr, kHtinstLbuA0);
  b.scheduler->handle_exit(h, false);
  EXPECT_EQ(h.cycles - before, ws() + costs().mmio_user + latency);
  EXPECT_EQ(b.vcpu(0).stats().hyp_cycles, ws() + costs().mmio_user);
}

}  // namespace
}  // namespace rvh::test
