// Unit tests for two-stage address translation with the hypervisor (H)
// extension (cpu/mmu.cpp guest_stage/page_walk/translate, cpu/insn_hyp.cpp,
// cpu/trap.cpp transformed_instruction): G-stage Sv39x4/Sv48x4 with a
// 16 KiB root, guest-page faults (20/21/23) with stval/htval/mtval2/GVA,
// G-stage A/D, VS-stage Sv39 on top (implicit accesses and their
// pseudoinstructions 0x3000/0x3020), vsstatus.SUM/MXR vs mstatus.MXR,
// htinst transformed instructions, HLV/HLVX/HSV from HS/M, MPRV with MPV,
// and HFENCE.GVMA.
//
// Spec references: priv hypervisor.adoc "Two-Stage Address Translation"
// (Guest Physical Address Translation, Guest-Page Faults, Memory-Management
// Fences), "Hypervisor Trap Value Register (htval)", "Hypervisor Trap
// Instruction Register (htinst)", "Transformed Instruction or
// Pseudoinstruction for mtinst or htinst", "Hypervisor Virtual-Machine
// Load and Store Instructions", "Virtual Supervisor Status Register".
#include "tests/unit/hart_h_test_util.h"

namespace rvh::test {
namespace {
using namespace enc;
using namespace csr;

constexpr uint64_t kGpaData = 0x100000000ull;  // a guest-physical data page (not RAM)
constexpr uint64_t kVaData = 0x40203000ull;     // a VS-stage virtual data page
constexpr uint64_t kDataFlagsG = PV | PR | PW | PU;  // G-stage: A/D left to the hardware

// G-stage with RAM identity-mapped and hgatp enabled.
GStage gstage(HartBench& b, uint64_t mode = kHgatpModeSv39x4) {
  GStage g(b, mode);
  g.map_ram_identity();
  g.enable();
  return g;
}

// Transformed instruction of a basic load/store: immediate and rs1 cleared.
constexpr uint32_t tinst_ld(uint32_t rd) { return 0x00003003 | rd << 7; }
constexpr uint32_t tinst_sd(uint32_t rs2) { return 0x00003023 | rs2 << 20; }

// ---------------------------------------------------------------- G-stage only (vsatp Bare)

void gpa_translates(uint64_t mode) {
  HartBench& b = hfresh();
  GStage g = gstage(b, mode);
  const uint64_t gpte = g.map(kGpaData, kData, kDataFlagsG);
  b.w64(kData, 0x1122334455667788ull);
  b.hart.x[a1] = kGpaData;
  b.hart.x[a2] = 0xcafe;
  Prog p;
  p << ld(a0, a1, 0) << ld(a3, a1, 0);  // the second from the TLB
  p << sd(a2, a1, 8);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0x1122334455667788ull);
  EXPECT_EQ(b.hart.x[a3], 0x1122334455667788ull);
  EXPECT_EQ(b.r64(kData + 8), 0xcafeu);
  EXPECT_EQ(b.r64(gpte), pte_of(kData, kDataFlagsG | PA | PD));  // A and D set by hardware
}

TEST(HartHMmu, Sv39x4TranslatesGpaWithBareVsatp) { gpa_translates(kHgatpModeSv39x4); }
TEST(HartHMmu, Sv48x4TranslatesGpaWithBareVsatp) { gpa_translates(kHgatpModeSv48x4); }

TEST(HartHMmu, GStageLoadSetsOnlyAccessed) {
  HartBench& b = hfresh();
  GStage g = gstage(b);
  const uint64_t gpte = g.map(kGpaData, kData, kDataFlagsG);
  b.hart.x[a1] = kGpaData;
  Prog p;
  p << ld(a0, a1, 0);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivU, true));  // VU: G-stage checks are U-mode checks anyway
  expect_done(b, end);
  EXPECT_EQ(b.r64(gpte), pte_of(kData, kDataFlagsG | PA));
}

TEST(HartHMmu, Sv39x4RootIndexHas11Bits) {
  HartBench& b = hfresh();
  GStage g = gstage(b);
  const uint64_t gpa = (1ull << 40) | 0x5000;  // root index 1024: needs the 16 KiB root
  g.map(gpa, kData, kDataFlagsG | PA);
  b.w64(kData + 0x10, 0xabcdef);
  b.hart.x[a1] = gpa + 0x10;
  Prog p;
  p << ld(a0, a1, 0);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0xabcdefu);
  EXPECT_EQ(g.pte_addr(gpa, 2), kGpt + 1024 * 8);  // in the second 8 KiB of the root
}

TEST(HartHMmu, HgatpRootPpnLowBitsIgnored) {
  HartBench& b = hfresh();
  GStage g = gstage(b);
  g.map(kGpaData, kData, kDataFlagsG | PA);
  b.hart.csr_write(kHgatp, g.hgatp() | 3, 0);  // PPN[1:0] read as zero
  EXPECT_EQ(b.hart.csr_read(kHgatp, 0, false), g.hgatp());
  b.w64(kData, 0x42);
  b.hart.x[a1] = kGpaData;
  Prog p;
  p << ld(a0, a1, 0);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0x42u);
}

TEST(HartHMmu, GpaBeyond41BitsIsGuestPageFaultSv39x4) {
  HartBench& b = hfresh();
  gstage(b);
  const uint64_t gpa = 1ull << 41;
  b.hart.x[a1] = gpa;
  Prog p;
  const uint32_t insn = ld(a0, a1, 0);
  p << insn;
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_mtrap_from_v(b, kCauseLoadGuestPageFault, kCode, gpa, kPrivS);
  EXPECT_EQ(b.hart.csr.mtval2, gpa >> 2);
  EXPECT_TRUE(has(b.hart.csr.mstatus, kMstatusGVA));
}

TEST(HartHMmu, GpaBeyond50BitsIsGuestPageFaultSv48x4) {
  HartBench& b = hfresh();
  gstage(b, kHgatpModeSv48x4);
  const uint64_t gpa = 1ull << 50;
  b.hart.x[a1] = gpa;
  Prog p;
  p << sd(a2, a1, 0);
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_mtrap_from_v(b, kCauseStoreGuestPageFault, kCode, gpa, kPrivS);
  EXPECT_EQ(b.hart.csr.mtval2, gpa >> 2);
}

TEST(HartHMmu, LoadGuestPageFaultIntoHs) {
  HartBench& b = hfresh();
  gstage(b);
  b.hart.csr.medeleg = 1u << kCauseLoadGuestPageFault;
  b.hart.x[a1] = kGpaData - 8;  // unmapped in the G-stage
  Prog p;
  p << nop() << ld(a0, a1, 8);
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_hstrap(b, kCauseLoadGuestPageFault, kCode + 4, kGpaData);
  EXPECT_EQ(b.hart.csr.htval, kGpaData >> 2);
  EXPECT_TRUE(has(b.hart.csr.hstatus, kHstatusGVA | kHstatusSPV | kHstatusSPVP));
  EXPECT_EQ(b.hart.csr.htinst, tinst_ld(a0));  // ld a0, 8(a1) -> 0x00003503
  EXPECT_EQ(b.hart.csr.htinst, 0x00003503u);
}

TEST(HartHMmu, StoreGuestPageFaultIntoM) {
  HartBench& b = hfresh();
  gstage(b);
  b.hart.x[a1] = kGpaData + 0x100 - 16;
  Prog p;
  p << sd(a2, a1, 16);
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivU, true));
  expect_mtrap_from_v(b, kCauseStoreGuestPageFault, kCode, kGpaData + 0x100, kPrivU);
  EXPECT_EQ(b.hart.csr.mtval2, (kGpaData + 0x100) >> 2);
  EXPECT_TRUE(has(b.hart.csr.mstatus, kMstatusGVA));
  EXPECT_EQ(b.hart.csr.mtinst, tinst_sd(a2));  // rs2, funct3, opcode kept
  EXPECT_EQ(b.hart.csr.mtinst, 0x00c03023u);
}

TEST(HartHMmu, FetchGuestPageFault) {
  HartBench& b = hfresh();
  gstage(b);
  b.hart.csr.medeleg = 1u << kCauseFetchGuestPageFault;
  b.hart.x[a1] = kGpaData;
  Prog p;
  p << jalr(0, a1, 0x10);
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_hstrap(b, kCauseFetchGuestPageFault, kGpaData + 0x10, kGpaData + 0x10);
  EXPECT_EQ(b.hart.csr.htval, (kGpaData + 0x10) >> 2);
  EXPECT_EQ(b.hart.csr.htinst, 0u);  // no transformed instruction for fetches
  EXPECT_TRUE(has(b.hart.csr.hstatus, kHstatusGVA | kHstatusSPV));
}

TEST(HartHMmu, GStageLeafWithoutUIsGuestPageFault) {
  HartBench& b = hfresh();
  GStage g = gstage(b);
  g.map(kGpaData, kData, PV | PR | PW | PA | PD);  // no U
  b.hart.x[a1] = kGpaData + 0x20;
  Prog p;
  p << ld(a0, a1, 0);
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_mtrap_from_v(b, kCauseLoadGuestPageFault, kCode, kGpaData + 0x20, kPrivS);
  EXPECT_EQ(b.hart.csr.mtval2, (kGpaData + 0x20) >> 2);
}

TEST(HartHMmu, GStageReadOnlyPageStoreFaults) {
  HartBench& b = hfresh();
  GStage g = gstage(b);
  g.map(kGpaData, kData, PV | PR | PU | PA);
  b.hart.x[a1] = kGpaData;
  Prog p;
  p << ld(a0, a1, 0) << sw(a2, a1, 4);
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_mtrap_from_v(b, kCauseStoreGuestPageFault, kCode + 4, kGpaData + 4, kPrivS);
  EXPECT_EQ(b.hart.csr.mtval2, (kGpaData + 4) >> 2);
  EXPECT_EQ(b.hart.csr.mtinst, 0x00c02023u);  // sw a2, 0(x0)
}

TEST(HartHMmu, AmoGuestPageFaultTransformedInstruction) {
  HartBench& b = hfresh();
  GStage g = gstage(b);
  g.map(kGpaData, kData, PV | PR | PU | PA);  // read-only: the AMO faults as a store
  b.hart.csr.medeleg = 1u << kCauseStoreGuestPageFault;
  b.hart.x[a1] = kGpaData + 8;
  const uint32_t insn = amoadd_d(a0, a2, a1);
  Prog p;
  p << insn;
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_hstrap(b, kCauseStoreGuestPageFault, kCode, kGpaData + 8);
  EXPECT_EQ(b.hart.csr.htval, (kGpaData + 8) >> 2);
  EXPECT_EQ(b.hart.csr.htinst, amoadd_d(a0, a2, 0));  // everything but rs1
}

TEST(HartHMmu, CompressedLoadGuestPageFaultClearsBit1) {
  HartBench& b = hfresh();
  gstage(b);
  b.hart.csr.medeleg = 1u << kCauseLoadGuestPageFault;
  b.hart.x[a1] = kGpaData;
  Prog p;
  p << (0x0001u << 16 | 0x6588u);  // c.ld a0, 8(a1) ; c.nop
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_hstrap(b, kCauseLoadGuestPageFault, kCode, kGpaData + 8);
  EXPECT_EQ(b.hart.csr.htinst, 0x00003501u);  // ld a0, 0(x0) with bit 1 cleared
}

TEST(HartHMmu, FpLoadGuestPageFaultTransformedInstruction) {
  HartBench& b = hfresh();
  gstage(b);
  b.hart.csr.mstatus |= kMstatusFs;
  b.hart.csr.vsstatus |= kMstatusFs;
  b.hart.x[a1] = kGpaData - 0x40;
  Prog p;
  p << i(0x07, 5, 3, a1, 0x48);  // fld f5, 0x48(a1)
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_mtrap_from_v(b, kCauseLoadGuestPageFault, kCode, kGpaData + 8, kPrivS);
  EXPECT_EQ(b.hart.csr.mtinst, 0x00003287u);  // fld f5, 0(x0)
}

// ---------------------------------------------------------------- VS-stage Sv39 on top

struct TwoStage {
  GStage g;
  VsTables vs;
  TwoStage(HartBench& b, uint64_t gmode = kHgatpModeSv39x4) : g(gstage(b, gmode)), vs(b, g) {
    vs.map_code();
    vs.enable();
  }
};

TEST(HartHMmu, VsStageOnTopOfGStage) {
  HartBench& b = hfresh();
  TwoStage t(b);
  const uint64_t vpte = t.vs.map(kVaData, kGpaData, PV | PR | PW);  // A/D by hardware
  const uint64_t gpte = t.g.map(kGpaData, kData, kDataFlagsG);
  b.w64(kData + 0x18, 0x8877665544332211ull);
  b.hart.x[a1] = kVaData + 0x18;
  b.hart.x[a2] = 0x5a5a;
  Prog p;
  p << ld(a0, a1, 0) << sd(a2, a1, 8);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0x8877665544332211ull);
  EXPECT_EQ(b.r64(kData + 0x20), 0x5a5au);
  EXPECT_EQ(t.vs.read_pte(vpte), pte_of(kGpaData, PV | PR | PW | PA | PD));
  EXPECT_EQ(b.r64(gpte), pte_of(kData, kDataFlagsG | PA | PD));
}

TEST(HartHMmu, VsStageOnTopOfSv48x4) {
  HartBench& b = hfresh();
  TwoStage t(b, kHgatpModeSv48x4);
  t.vs.map(kVaData, kGpaData, PV | PR | PA);
  t.g.map(kGpaData, kData, kDataFlagsG | PA);
  b.w64(kData, 0x99);
  b.hart.x[a1] = kVaData;
  Prog p;
  p << ld(a0, a1, 0);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0x99u);
}

// The VS-stage table holding the leaf for kVaData is at a GPA the G-stage
// does not map: a guest-page fault of the implicit access, with the cause
// of the original access, htval = the PTE's GPA >> 2 and htinst = 0x3000.
struct UnmappedTable {
  uint64_t leaf_table_gpa;
  uint64_t pte_gpa;
};
UnmappedTable unmap_leaf_table(HartBench& b, TwoStage& t) {
  const uint64_t pte_gpa = t.vs.map(kVaData, kGpaData, PV | PR | PW | PX | PA | PD);
  t.g.map(kGpaData, kData, kDataFlagsG | PA | PD);
  const uint64_t table = pte_gpa & ~0xfffull;
  b.w64(t.g.pte_addr(table, 0), 0);  // the G-stage no longer maps the leaf table
  return {table, pte_gpa};
}

TEST(HartHMmu, VsPteNotMappedInGStageLoad) {
  HartBench& b = hfresh();
  TwoStage t(b);
  const UnmappedTable u = unmap_leaf_table(b, t);
  ASSERT_EQ(u.pte_gpa & 0xfff, 3u * 8);  // L0 index of kVaData
  b.hart.csr.medeleg = 1u << kCauseLoadGuestPageFault;
  b.hart.x[a1] = kVaData + 0x10;
  Prog p;
  p << ld(a0, a1, 0);
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_hstrap(b, kCauseLoadGuestPageFault, kCode, kVaData + 0x10);
  EXPECT_EQ(b.hart.csr.htval, u.pte_gpa >> 2);
  EXPECT_EQ(b.hart.csr.htinst, 0x00003000u);
  EXPECT_TRUE(has(b.hart.csr.hstatus, kHstatusGVA | kHstatusSPV));
}

TEST(HartHMmu, VsPteNotMappedInGStageStoreIsStoreFault) {
  HartBench& b = hfresh();
  TwoStage t(b);
  const UnmappedTable u = unmap_leaf_table(b, t);
  b.hart.x[a1] = kVaData;
  Prog p;
  p << sd(a2, a1, 0);
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_mtrap_from_v(b, kCauseStoreGuestPageFault, kCode, kVaData, kPrivS);
  EXPECT_EQ(b.hart.csr.mtval2, u.pte_gpa >> 2);
  EXPECT_EQ(b.hart.csr.mtinst, 0x00003000u);  // the implicit access is a read
  EXPECT_TRUE(has(b.hart.csr.mstatus, kMstatusGVA));
}

TEST(HartHMmu, VsPteNotMappedInGStageFetchIsFetchFault) {
  HartBench& b = hfresh();
  TwoStage t(b);
  const UnmappedTable u = unmap_leaf_table(b, t);
  b.hart.x[a1] = kVaData;
  Prog p;
  p << jalr(0, a1, 4);
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_mtrap_from_v(b, kCauseFetchGuestPageFault, kVaData + 4, kVaData + 4, kPrivS);
  EXPECT_EQ(b.hart.csr.mtval2, u.pte_gpa >> 2);
  EXPECT_EQ(b.hart.csr.mtinst, 0x00003000u);
}

TEST(HartHMmu, VsRootNotMappedInGStage) {
  HartBench& b = hfresh();
  TwoStage t(b);
  b.w64(t.g.pte_addr(t.vs.root_gpa, 0), 0);
  b.hart.csr.medeleg = 1u << kCauseFetchGuestPageFault;
  // The first fetch walks the root: VA kCode, root index 2. (No settling
  // run on kPark, whose fetch would fault first.)
  Prog p;
  p << nop();
  p.halt();
  p.load(b);
  b.pmp_allow_all();
  b.hart.set_mode(kPrivS, true);
  ASSERT_TRUE(b.run(100, /*settle=*/false));
  expect_hstrap(b, kCauseFetchGuestPageFault, kCode, kCode);
  EXPECT_EQ(b.hart.csr.htval, (t.vs.root_gpa + 2 * 8) >> 2);
  EXPECT_EQ(b.hart.csr.htinst, 0x00003000u);
}

TEST(HartHMmu, VsAdUpdateInReadOnlyGStagePageIsWritePseudoinstruction) {
  HartBench& b = hfresh();
  TwoStage t(b);
  const uint64_t pte_gpa = t.vs.map(kVaData, kGpaData, PV | PR | PW);  // A = 0: must be set
  t.g.map(kGpaData, kData, kDataFlagsG | PA | PD);
  const uint64_t table = pte_gpa & ~0xfffull;
  t.g.map(table, VsTables::host_of(table), PV | PR | PU | PA);  // read-only in the G-stage
  b.hart.csr.medeleg = 1u << kCauseLoadGuestPageFault;
  b.hart.x[a1] = kVaData + 8;
  Prog p;
  p << ld(a0, a1, 0);
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_hstrap(b, kCauseLoadGuestPageFault, kCode, kVaData + 8);  // the original access: a load
  EXPECT_EQ(b.hart.csr.htval, pte_gpa >> 2);
  EXPECT_EQ(b.hart.csr.htinst, 0x00003020u);
  EXPECT_EQ(t.vs.read_pte(pte_gpa) & PA, 0u);
}

TEST(HartHMmu, VsStagePageFaultIntoHs) {
  HartBench& b = hfresh();
  TwoStage t(b);
  t.vs.map(kVaData, kGpaData, PR | PW | PA | PD);  // V = 0
  b.hart.csr.medeleg = 1u << kCauseLoadPageFault;
  b.hart.csr.htval = 0x1234;
  b.hart.x[a1] = kVaData + 0x30;
  Prog p;
  p << ld(a0, a1, 0);
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_hstrap(b, kCauseLoadPageFault, kCode, kVaData + 0x30);
  EXPECT_EQ(b.hart.csr.htval, 0u);
  EXPECT_TRUE(has(b.hart.csr.hstatus, kHstatusGVA | kHstatusSPV | kHstatusSPVP));
  // htinst: zero or the transformed load.
  EXPECT_TRUE(b.hart.csr.htinst == 0 || b.hart.csr.htinst == tinst_ld(a0)) << b.hart.csr.htinst;
}

TEST(HartHMmu, VsStagePageFaultDelegatedToVs) {
  HartBench& b = hfresh();
  TwoStage t(b);
  b.hart.csr.medeleg = 1u << kCauseStorePageFault;
  b.hart.csr_write(kHedeleg, 1u << kCauseStorePageFault, 0);
  t.vs.map(kVaData, kGpaData, PV | PR | PA);  // not writable
  t.g.map(kGpaData, kData, kDataFlagsG | PA | PD);
  b.hart.x[a1] = kVaData;
  Prog p;
  p << sd(a2, a1, 0x10);
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_vstrap(b, kCauseStorePageFault, kCode, kVaData + 0x10);
  EXPECT_EQ(b.hart.csr.scause, 0u);
  EXPECT_EQ(b.hart.csr.hstatus & kHstatusGVA, 0u);
}

TEST(HartHMmu, VsStageFetchPageFault) {
  HartBench& b = hfresh();
  TwoStage t(b);
  t.vs.map(kVaData, kGpaData, PV | PR | PA);  // not executable
  t.g.map(kGpaData, kData, kDataFlagsG | PX | PA);
  b.hart.x[a1] = kVaData;
  Prog p;
  p << jalr(0, a1, 0);
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_mtrap_from_v(b, kCauseFetchPageFault, kVaData, kVaData, kPrivS);
  EXPECT_TRUE(has(b.hart.csr.mstatus, kMstatusGVA));
  EXPECT_EQ(b.hart.csr.mtval2, 0u);
}

// Loads kVaData + 8 in VS; returns whether it faulted (cause in *cause).
bool vs_load_faults(HartBench& b, uint64_t* cause) {
  b.w64(kData + 8, 0x77);
  b.hart.x[a1] = kVaData + 8;
  Prog p;
  p << ld(a0, a1, 0);
  const uint64_t end = p.halt();
  EXPECT_TRUE(run_mode(b, p, kPrivS, true));
  *cause = b.hart.csr.mcause;
  if (b.hart.pc == end) {
    EXPECT_EQ(b.hart.x[a0], 0x77u);
    return false;
  }
  EXPECT_EQ(b.hart.csr.mtval, kVaData + 8);
  return true;
}

TEST(HartHMmu, VsUserPageNeedsVsstatusSum) {
  HartBench& b = hfresh();
  TwoStage t(b);
  t.vs.map(kVaData, kGpaData, PV | PR | PU | PA);
  t.g.map(kGpaData, kData, kDataFlagsG | PA);
  b.hart.csr.mstatus |= kMstatusSUM;  // the HS-level SUM does not apply to VS
  uint64_t cause = 0;
  EXPECT_TRUE(vs_load_faults(b, &cause));
  EXPECT_EQ(cause, kCauseLoadPageFault);
}

TEST(HartHMmu, VsUserPageWithVsstatusSum) {
  HartBench& b = hfresh();
  TwoStage t(b);
  t.vs.map(kVaData, kGpaData, PV | PR | PU | PA);
  t.g.map(kGpaData, kData, kDataFlagsG | PA);
  b.hart.csr.vsstatus |= kMstatusSUM;
  uint64_t cause = 0;
  EXPECT_FALSE(vs_load_faults(b, &cause));
}

TEST(HartHMmu, VsstatusMxrMakesVsStageExecuteOnlyReadable) {
  HartBench& b = hfresh();
  TwoStage t(b);
  t.vs.map(kVaData, kGpaData, PV | PX | PA);
  t.g.map(kGpaData, kData, kDataFlagsG | PA);
  uint64_t cause = 0;
  EXPECT_TRUE(vs_load_faults(b, &cause));
  EXPECT_EQ(cause, kCauseLoadPageFault);
}

TEST(HartHMmu, VsstatusMxrOverridesVsStage) {
  HartBench& b = hfresh();
  TwoStage t(b);
  t.vs.map(kVaData, kGpaData, PV | PX | PA);
  t.g.map(kGpaData, kData, kDataFlagsG | PA);
  b.hart.csr.vsstatus |= kMstatusMXR;
  uint64_t cause = 0;
  EXPECT_FALSE(vs_load_faults(b, &cause));
}

TEST(HartHMmu, VsstatusMxrDoesNotOverrideGStage) {
  HartBench& b = hfresh();
  TwoStage t(b);
  t.vs.map(kVaData, kGpaData, PV | PR | PA);
  t.g.map(kGpaData, kData, PV | PX | PU | PA);  // execute-only in the G-stage
  b.hart.csr.vsstatus |= kMstatusMXR;
  uint64_t cause = 0;
  EXPECT_TRUE(vs_load_faults(b, &cause));
  EXPECT_EQ(cause, kCauseLoadGuestPageFault);
  EXPECT_EQ(b.hart.csr.mtval2, (kGpaData + 8) >> 2);
}

TEST(HartHMmu, MstatusMxrOverridesBothStages) {
  HartBench& b = hfresh();
  TwoStage t(b);
  t.vs.map(kVaData, kGpaData, PV | PX | PA);
  t.g.map(kGpaData, kData, PV | PX | PU | PA);
  b.hart.csr.mstatus |= kMstatusMXR;
  uint64_t cause = 0;
  EXPECT_FALSE(vs_load_faults(b, &cause));
}

// ---------------------------------------------------------------- HLV / HLVX / HSV

// HS-mode (V=0, satp Bare) with two-stage guest tables for kVaData.
TEST(HartHMmu, HlvFromHsWithSpvpSetAccessesSupervisorPage) {
  HartBench& b = hfresh();
  TwoStage t(b);
  t.vs.map(kVaData, kGpaData, PV | PR | PW | PA | PD);
  t.g.map(kGpaData, kData, kDataFlagsG | PA | PD);
  b.hart.csr.hstatus |= kHstatusSPVP;
  b.w64(kData + 0x40, 0x0123456789abcdefull);
  b.hart.x[a1] = kVaData + 0x40;
  b.hart.x[a2] = 0x4444;
  Prog p;
  p << hlv_d(a0, a1) << hlv_w(a3, a1) << hlv_hu(a4, a1) << addi(a5, a1, 8) << hsv_w(a2, a5);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, false));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0x0123456789abcdefull);
  EXPECT_EQ(b.hart.x[a3], 0xffffffff89abcdefull);  // sign-extended
  EXPECT_EQ(b.hart.x[a4], 0xcdefu);
  EXPECT_EQ(b.r32(kData + 0x48), 0x4444u);
  EXPECT_FALSE(b.hart.virt);
}

TEST(HartHMmu, HlvWithSpvpClearIsVuAccess) {
  HartBench& b = hfresh();
  TwoStage t(b);
  t.vs.map(kVaData, kGpaData, PV | PR | PW | PA | PD);  // no U: VU may not access it
  t.g.map(kGpaData, kData, kDataFlagsG | PA | PD);
  b.hart.csr.hstatus &= ~kHstatusSPVP;
  b.hart.csr.hstatus |= kHstatusSPV;  // SPV does not matter and is left alone
  b.hart.csr.medeleg = 1u << kCauseLoadPageFault;
  b.hart.x[a1] = kVaData;
  Prog p;
  p << hlv_d(a0, a1);
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, false));
  expect_hstrap(b, kCauseLoadPageFault, kCode, kVaData);
  EXPECT_TRUE(has(b.hart.csr.hstatus, kHstatusGVA));
  EXPECT_FALSE(has(b.hart.csr.hstatus, kHstatusSPV));  // V was 0 at the trap
  EXPECT_FALSE(has(b.hart.csr.hstatus, kHstatusSPVP));
  EXPECT_EQ(b.hart.csr.htval, 0u);
}

TEST(HartHMmu, HlvWithSpvpClearReadsUserPage) {
  HartBench& b = hfresh();
  TwoStage t(b);
  t.vs.map(kVaData, kGpaData, PV | PR | PU | PA);
  t.g.map(kGpaData, kData, kDataFlagsG | PA);
  b.w64(kData, 0x31);
  b.hart.x[a1] = kVaData;
  Prog p;
  p << hlv_b(a0, a1);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, false));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0x31u);
}

TEST(HartHMmu, HlvWithSpvpSetOnUserPageNeedsVsstatusSum) {
  HartBench& b = hfresh();
  TwoStage t(b);
  t.vs.map(kVaData, kGpaData, PV | PR | PU | PA);
  t.g.map(kGpaData, kData, kDataFlagsG | PA);
  b.hart.csr.hstatus |= kHstatusSPVP;
  b.hart.csr.mstatus |= kMstatusSUM;  // HS-level SUM: irrelevant for HLV
  b.hart.x[a1] = kVaData;
  Prog p;
  p << hlv_d(a0, a1);
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, false));
  expect_mtrap(b, kCauseLoadPageFault, kCode, kVaData);
  EXPECT_TRUE(has(b.hart.csr.mstatus, kMstatusGVA));
  EXPECT_FALSE(has(b.hart.csr.mstatus, kMstatusMPV));
}

TEST(HartHMmu, HlvxOnExecuteOnlyPageWorksHlvFaults) {
  HartBench& b = hfresh();
  TwoStage t(b);
  t.vs.map(kVaData, kGpaData, PV | PX | PA);
  t.g.map(kGpaData, kData, PV | PX | PU | PA);
  b.hart.csr.hstatus |= kHstatusSPVP;
  b.hart.csr.medeleg = 1u << kCauseLoadPageFault;
  b.w32(kData + 4, 0x89abcdef);
  b.hart.x[a1] = kVaData + 4;
  Prog p;
  p << hlvx_wu(a0, a1) << hlvx_hu(a3, a1) << hlv_w(a4, a1);
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, false));
  EXPECT_EQ(b.hart.x[a0], 0x89abcdefu);  // zero-extended
  EXPECT_EQ(b.hart.x[a3], 0xcdefu);
  expect_hstrap(b, kCauseLoadPageFault, kCode + 8, kVaData + 4);
  EXPECT_TRUE(has(b.hart.csr.hstatus, kHstatusGVA));
}

TEST(HartHMmu, HlvOnExecuteOnlyPageWithVsstatusMxr) {
  HartBench& b = hfresh();
  TwoStage t(b);
  t.vs.map(kVaData, kGpaData, PV | PX | PA);
  t.g.map(kGpaData, kData, PV | PR | PX | PU | PA);
  b.hart.csr.hstatus |= kHstatusSPVP;
  b.hart.csr.vsstatus |= kMstatusMXR;
  b.w32(kData, 0x1234);
  b.hart.x[a1] = kVaData;
  Prog p;
  p << hlv_wu(a0, a1);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, false));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0x1234u);
}

TEST(HartHMmu, HlvxNeedsExecuteInGStage) {
  HartBench& b = hfresh();
  TwoStage t(b);
  t.vs.map(kVaData, kGpaData, PV | PR | PX | PA);
  t.g.map(kGpaData, kData, PV | PR | PU | PA);  // readable, not executable
  b.hart.csr.hstatus |= kHstatusSPVP;
  b.hart.x[a1] = kVaData;
  Prog p;
  p << hlvx_wu(a0, a1);
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, false));
  expect_mtrap(b, kCauseLoadGuestPageFault, kCode, kVaData);
  EXPECT_EQ(b.hart.csr.mtval2, kGpaData >> 2);
  EXPECT_TRUE(has(b.hart.csr.mstatus, kMstatusGVA));
}

TEST(HartHMmu, HlvGuestPageFaultFromHs) {
  HartBench& b = hfresh();
  TwoStage t(b);
  t.vs.map(kVaData, kGpaData, PV | PR | PW | PA | PD);  // G-stage leaves kGpaData unmapped
  b.hart.csr.hstatus |= kHstatusSPVP;
  b.hart.csr.medeleg = 1u << kCauseStoreGuestPageFault;
  b.hart.x[a1] = kVaData + 0x80;
  const uint32_t insn = hsv_d(a2, a1);
  Prog p;
  p << insn;
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, false));
  expect_hstrap(b, kCauseStoreGuestPageFault, kCode, kVaData + 0x80);
  EXPECT_EQ(b.hart.csr.htval, (kGpaData + 0x80) >> 2);
  EXPECT_TRUE(has(b.hart.csr.hstatus, kHstatusGVA));
  EXPECT_FALSE(has(b.hart.csr.hstatus, kHstatusSPV));
  EXPECT_EQ(b.hart.csr.htinst, hsv_d(a2, 0));  // everything but rs1
}

TEST(HartHMmu, HlvIgnoresMprv) {
  HartBench& b = hfresh();
  TwoStage t(b);
  t.vs.map(kVaData, kGpaData, PV | PR | PA);
  t.g.map(kGpaData, kData, kDataFlagsG | PA);
  b.hart.csr.hstatus |= kHstatusSPVP;
  // MPRV with MPP = U, MPV = 0 would make a plain load a U-mode access with
  // satp Bare; HLV still uses VS (SPVP) and two stages.
  b.hart.csr.mstatus = (b.hart.csr.mstatus & ~kMstatusMPP) | kMstatusMPRV;
  b.w64(kData, 0x600d);
  b.hart.x[a1] = kVaData;
  Prog p;
  p << hlv_d(a0, a1);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivM, false));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0x600du);
}

TEST(HartHMmu, MprvWithMpvUsesTwoStageTranslation) {
  HartBench& b = hfresh();
  TwoStage t(b);
  t.vs.map(kVaData, kGpaData, PV | PR | PW | PA | PD);
  t.g.map(kGpaData, kData, kDataFlagsG | PA | PD);
  b.hart.csr.mstatus = (b.hart.csr.mstatus & ~kMstatusMPP) | (1ull << kMstatusMppShift) | kMstatusMPV;
  b.w64(kData + 8, 0xfeedface);
  b.hart.x[a1] = kMstatusMPRV;
  b.hart.x[a2] = kVaData;
  b.hart.x[a3] = 0xbeef;
  Prog p;
  p << csrs(kMstatus, a1) << ld(a0, a2, 8) << sd(a3, a2, 16) << csrc(kMstatus, a1);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivM, false));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0xfeedfaceu);
  EXPECT_EQ(b.r64(kData + 16), 0xbeefu);
}

TEST(HartHMmu, MprvWithMpvGuestPageFaultIntoM) {
  HartBench& b = hfresh();
  TwoStage t(b);
  t.vs.map(kVaData, kGpaData, PV | PR | PW | PA | PD);  // kGpaData unmapped in the G-stage
  b.hart.csr.mstatus = (b.hart.csr.mstatus & ~kMstatusMPP) | (1ull << kMstatusMppShift) | kMstatusMPV;
  b.hart.x[a1] = kMstatusMPRV;
  b.hart.x[a2] = kVaData;
  Prog p;
  p << csrs(kMstatus, a1) << ld(a0, a2, 8);
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivM, false));
  expect_mtrap(b, kCauseLoadGuestPageFault, kCode + 4, kVaData + 8);
  EXPECT_EQ(b.hart.csr.mtval2, (kGpaData + 8) >> 2);
  EXPECT_TRUE(has(b.hart.csr.mstatus, kMstatusGVA));
  EXPECT_FALSE(has(b.hart.csr.mstatus, kMstatusMPV));  // the trap came from M (V=0)
  EXPECT_EQ(mstatus_mpp(b), static_cast<uint64_t>(kPrivM));
  EXPECT_EQ(b.hart.csr.mtinst, tinst_ld(a0));
}

// ---------------------------------------------------------------- more G-stage / VS-stage faults

TEST(HartHMmu, GStageNonLeafWithUIsGuestPageFault) {
  HartBench& b = hfresh();
  GStage g = gstage(b);
  g.map(kGpaData, kData, kDataFlagsG | PA);
  const uint64_t root_pte = g.pte_addr(kGpaData, 2);
  b.w64(root_pte, b.r64(root_pte) | PU);  // U is reserved in non-leaf PTEs
  b.hart.x[a1] = kGpaData;
  Prog p;
  p << ld(a0, a1, 0);
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_mtrap_from_v(b, kCauseLoadGuestPageFault, kCode, kGpaData, kPrivS);
  EXPECT_EQ(b.hart.csr.mtval2, kGpaData >> 2);
}

TEST(HartHMmu, GStageMisalignedSuperpageIsGuestPageFault) {
  HartBench& b = hfresh();
  GStage g = gstage(b);
  g.map(kGpaData, kData + 0x1000, kDataFlagsG | PA, 1);  // 2 MiB leaf, PPN[0] != 0
  b.hart.x[a1] = kGpaData + 0x40;
  Prog p;
  p << ld(a0, a1, 0);
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_mtrap_from_v(b, kCauseLoadGuestPageFault, kCode, kGpaData + 0x40, kPrivS);
  EXPECT_EQ(b.hart.csr.mtval2, (kGpaData + 0x40) >> 2);
}

TEST(HartHMmu, GStageMegapageTranslation) {
  HartBench& b = hfresh();
  GStage g = gstage(b);
  g.map(kGpaData, kRamBase + 0x200000, kDataFlagsG | PA, 1);
  b.w64(kRamBase + 0x212340, 0x2468);
  b.hart.x[a1] = kGpaData + 0x12340;
  Prog p;
  p << ld(a0, a1, 0);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0x2468u);
}

TEST(HartHMmu, GStageMapsToNoDeviceIsAccessFaultWithGva) {
  HartBench& b = hfresh();
  GStage g = gstage(b);
  g.map(kGpaData, 0x20000000, kDataFlagsG | PA);  // nothing on the bus there
  b.hart.x[a1] = kGpaData + 8;
  Prog p;
  p << ld(a0, a1, 0);
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_mtrap_from_v(b, kCauseLoadAccess, kCode, kGpaData + 8, kPrivS);
  EXPECT_TRUE(has(b.hart.csr.mstatus, kMstatusGVA));
  EXPECT_EQ(b.hart.csr.mtval2, 0u);
}

TEST(HartHMmu, VsStageNonCanonicalVaIsPageFault) {
  HartBench& b = hfresh();
  TwoStage t(b);
  b.hart.csr.medeleg = 1u << kCauseLoadPageFault;
  const uint64_t va = 1ull << 40;  // bits 63:39 not all equal to bit 38
  b.hart.x[a1] = va;
  Prog p;
  p << ld(a0, a1, 0);
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_hstrap(b, kCauseLoadPageFault, kCode, va);
  EXPECT_TRUE(has(b.hart.csr.hstatus, kHstatusGVA));
  EXPECT_EQ(b.hart.csr.htval, 0u);
}

TEST(HartHMmu, VuFetchOfNonUserVsPageFaults) {
  HartBench& b = hfresh();
  TwoStage t(b);  // code gigapage without U
  b.hart.csr.medeleg = 1u << kCauseFetchPageFault;
  Prog p;
  p << nop();
  p.halt();
  p.load(b);
  b.pmp_allow_all();
  b.hart.set_mode(kPrivU, true);
  ASSERT_TRUE(b.run(100, /*settle=*/false));
  expect_hstrap(b, kCauseFetchPageFault, kCode, kCode);
  EXPECT_TRUE(has(b.hart.csr.hstatus, kHstatusGVA | kHstatusSPV));
  EXPECT_FALSE(has(b.hart.csr.hstatus, kHstatusSPVP));
}

TEST(HartHMmu, HsvSetsVsStageDirtyThroughGStage) {
  HartBench& b = hfresh();
  TwoStage t(b);
  const uint64_t vpte = t.vs.map(kVaData, kGpaData, PV | PR | PW | PU);
  const uint64_t gpte = t.g.map(kGpaData, kData, kDataFlagsG);
  b.hart.x[a1] = kVaData;
  b.hart.x[a2] = 0xab;
  Prog p;
  p << hsv_b(a2, a1);  // SPVP = 0: VU access to a U page
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, false));
  expect_done(b, end);
  EXPECT_EQ(b.r8(kData), 0xabu);
  EXPECT_EQ(t.vs.read_pte(vpte), pte_of(kGpaData, PV | PR | PW | PU | PA | PD));
  EXPECT_EQ(b.r64(gpte), pte_of(kData, kDataFlagsG | PA | PD));
}

TEST(HartHMmu, PageCrossingLoadGuestPageFaultOffsetInHtinst) {
  HartBench& b = hfresh();
  GStage g = gstage(b);
  g.map(kGpaData, kData, kDataFlagsG | PA);  // the next guest page is unmapped
  b.hart.csr.medeleg = 1u << kCauseLoadGuestPageFault;
  const uint64_t original = kGpaData + 0xffc;
  b.hart.x[a1] = original - 0x10;
  Prog p;
  p << ld(a0, a1, 0x10);
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  ASSERT_EQ(b.hart.csr.scause, kCauseLoadGuestPageFault);
  const uint64_t tval = b.hart.csr.stval;  // the original address or the faulting portion
  EXPECT_TRUE(tval == original || tval == kGpaData + 0x1000) << std::hex << tval;
  EXPECT_EQ(b.hart.csr.htval, (kGpaData + 0x1000) >> 2);  // the guest-physical address that faulted
  // Addr. Offset (bits 19:15) = faulting address - original address.
  EXPECT_EQ(b.hart.csr.htinst, 0x00003503u | static_cast<uint32_t>((tval - original) << 15));
}

// ---------------------------------------------------------------- HFENCE.GVMA

// VS loads kGpaData (filling the TLB), ecalls into HS, whose handler points
// the G-stage PTE at another host page and executes HFENCE.GVMA, then SRETs;
// VS loads again and must see the new page.
TEST(HartHMmu, HfenceGvmaMakesChangedGStagePteVisible) {
  HartBench& b = hfresh();
  GStage g = gstage(b);
  const uint64_t gpte = g.map(kGpaData, kData, kDataFlagsG | PA | PD);
  b.w64(kData, 0x1111);
  b.w64(kData + 0x1000, 0x2222);
  b.hart.csr.medeleg = 1u << kCauseEcallVS;
  const uint64_t handler = kCode + 0x400;
  b.hart.csr.stvec = handler;
  b.hart.x[a1] = kGpaData;
  b.hart.x[t0] = pte_of(kData + 0x1000, kDataFlagsG | PA | PD);
  b.hart.x[t1] = gpte;
  Prog p;
  p << ld(a0, a1, 0) << ld(a0, a1, 0) << ecall() << ld(a3, a1, 0);
  const uint64_t end = p.halt();
  Prog h(handler);
  h << sd(t0, t1, 0) << hfence_gvma(0, 0) << csrr(t2, kSepc) << addi(t2, t2, 4) << csrw(kSepc, t2) << sret();
  h.load(b);
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  EXPECT_EQ(b.hart.pc, end);
  EXPECT_TRUE(b.hart.virt);
  EXPECT_EQ(b.hart.x[a0], 0x1111u);
  EXPECT_EQ(b.hart.x[a3], 0x2222u);
}

}  // namespace
}  // namespace rvh::test
