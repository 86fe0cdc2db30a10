// Unit tests for address translation (cpu/mmu.cpp), PMP (cpu/pmp.cpp) and
// the A extension's memory rules (cpu/insn_mem.cpp): Sv39/Sv48 walks with
// 4 KiB/2 MiB/1 GiB pages built by the test in RAM, hardware A/D updates,
// page faults and access faults with their tval, PMP matching, misaligned
// page-crossing accesses, LR/SC and misaligned AMOs.
//
// Spec references: priv supervisor.adoc "Virtual Address Translation
// Process", "Sv39", "Sv48", "Supervisor Status (sstatus)" (SUM/MXR);
// machine.adoc "Physical Memory Protection"; unpriv a-st-ext.adoc.
#include "tests/unit/hart_test_util.h"

namespace rvh::test {
namespace {
using namespace enc;
using namespace csr;

constexpr uint64_t V = 1, R = 2, W = 4, X = 8, U = 16, A = 64, D = 128;
constexpr uint64_t kSv39 = 8, kSv48 = 9;

HartBench& fresh() {
  HartBench& b = bench();
  b.reset();
  return b;
}

// Builds page tables in RAM at kPt (RAM is cleared by reset()).
struct PageTables {
  HartBench& b;
  int levels;
  uint64_t next = kPt;
  uint64_t root;

  PageTables(HartBench& bb, uint64_t mode) : b(bb), levels(mode == kSv39 ? 3 : 4), root(alloc()) {}
  uint64_t alloc() {
    const uint64_t a = next;
    next += 0x1000;
    return a;
  }
  // Address of the PTE for `va` at `level`, creating pointer PTEs above it.
  uint64_t pte_addr(uint64_t va, int level) {
    uint64_t table = root;
    for (int l = levels - 1; l > level; --l) {
      const uint64_t a = table + ((va >> (12 + 9 * l)) & 0x1ff) * 8;
      uint64_t pte = b.r64(a);
      if (!(pte & V)) {
        pte = ((alloc() >> 12) << 10) | V;
        b.w64(a, pte);
      }
      table = ((pte >> 10) & ((1ull << 44) - 1)) << 12;
    }
    return table + ((va >> (12 + 9 * level)) & 0x1ff) * 8;
  }
  // Maps va -> pa with a leaf at `level` (0: 4 KiB, 1: 2 MiB, 2: 1 GiB).
  uint64_t map(uint64_t va, uint64_t pa, uint64_t flags, int level = 0) {
    const uint64_t a = pte_addr(va, level);
    b.w64(a, ((pa >> 12) << 10) | flags);
    return a;
  }
  // Identity-maps the 1 GiB of RAM around kCode (code, trap vectors, page tables).
  void map_code(uint64_t extra_flags = 0) { map(kRamBase, kRamBase, V | R | W | X | A | D | extra_flags, 2); }
  uint64_t satp() const { return ((levels == 3 ? kSv39 : kSv48) << 60) | (root >> 12); }
  void enable() { b.hart.csr_write(kSatp, satp(), 0); }
};

// Common setup: Sv39 with the code identity-mapped, PMP allowing all.
PageTables sv39(HartBench& b, uint64_t code_flags = 0) {
  PageTables pt(b, kSv39);
  pt.map_code(code_flags);
  pt.enable();
  b.pmp_allow_all();
  return pt;
}

constexpr uint64_t kVa = 0x40000000;  // a data VA outside the code gigapage

// Loads `p`, runs it in `priv` (PMP already set up by the test).
bool go(HartBench& b, const Prog& p, Priv priv) { return run_prog(b, p, priv, /*allow_all=*/false); }

// ---------------------------------------------------------------- Sv39 / Sv48 walks

TEST(HartMmu, Sv39FourKPageLoadSetsAccessedStoreSetsDirty) {
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  const uint64_t pte = pt.map(kVa, kData, V | R | W);  // A = D = 0
  b.w64(kData, 0x1122334455667788ull);
  b.hart.x[a1] = kVa;
  b.hart.x[a2] = 0xcafef00dull;
  b.hart.x[a4] = pte;  // readable through the identity-mapped gigapage
  Prog p;
  p << ld(a0, a1, 0) << ld(a3, a4, 0) << sd(a2, a1, 8) << ld(a5, a4, 0);
  const uint64_t end = p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0x1122334455667788ull);
  EXPECT_EQ(b.hart.x[a3] & (A | D), A);      // after the load
  EXPECT_EQ(b.hart.x[a5] & (A | D), A | D);  // after the store
  EXPECT_EQ(b.r64(pte), ((kData >> 12) << 10) | V | R | W | A | D);
  EXPECT_EQ(b.r64(kData + 8), 0xcafef00dull);
}

// A fence that removes every HS-level entry moves a flush epoch instead of
// visiting the entries (cpu/tlb.cpp); the epoch is 20 bits. An entry filled
// before 2^20 such fences, and never touched since, must not match again
// when the epoch comes round: the TLB is really flushed before that.
TEST(HartMmu, TlbEntryStaysGoneWhenTheFlushEpochComesRound) {
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  const uint64_t pte = pt.map(kVa, kData, V | R | W | A | D);
  b.w64(kData, 1);
  b.w64(kData + 0x1000, 2);
  Prog p;
  p << ld(a0, a1, 0);
  const uint64_t end = p.halt();
  auto load_kva = [&]() {
    b.hart.pc = b.hart.npc = kCode;
    b.hart.x[a0] = 0;
    b.hart.x[a1] = kVa;
    EXPECT_TRUE(go(b, p, kPrivS));
    expect_done(b, end);
    return b.hart.x[a0];
  };
  EXPECT_EQ(load_kva(), 1u);
  // Remapped without a fence: the cached translation still answers.
  b.w64(pte, (((kData + 0x1000) >> 12) << 10) | V | R | W | A | D);
  EXPECT_EQ(load_kva(), 1u);
  for (uint32_t i = 0; i < (1u << 20); ++i) b.hart.sfence_vma(false, std::nullopt, std::nullopt);
  EXPECT_EQ(load_kva(), 2u);
}

TEST(HartMmu, Sv39MegapageTranslation) {
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  const uint64_t pte = pt.map(kVa + 0x200000, 0x80200000, V | R, 1);
  b.w64(0x80201238, 0xabcdef);
  b.hart.x[a1] = kVa + 0x201238;
  Prog p;
  p << ld(a0, a1, 0);
  const uint64_t end = p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0xabcdefu);
  EXPECT_EQ(b.r64(pte) & (A | D), A);
}

TEST(HartMmu, Sv39GigapageTranslation) {
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  pt.map(0xC0000000, 0x80000000, V | R | A, 2);
  b.w64(kData + 0x10, 0x5555);
  b.hart.x[a1] = 0xC0000000 + (kData - kRamBase) + 0x10;
  Prog p;
  p << ld(a0, a1, 0);
  const uint64_t end = p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0x5555u);
}

TEST(HartMmu, Sv48WalksWithFourKMegaAndGigapages) {
  HartBench& b = fresh();
  PageTables pt(b, kSv48);
  pt.map_code();
  const uint64_t va = 0x0000008000000000ull;  // VPN[3] = 1
  const uint64_t pte4k = pt.map(va, kData, V | R | W);
  pt.map(va + 0x200000, 0x80200000, V | R | A, 1);
  pt.map(va + 0x40000000, 0x80000000, V | R | A, 2);
  pt.enable();
  b.pmp_allow_all();
  b.w64(kData + 0x18, 0x4848);
  b.w64(0x80200020, 0x2020);
  b.w64(kData + 0x28, 0x1010);
  b.hart.x[a1] = va + 0x18;
  b.hart.x[a2] = va + 0x200020;
  b.hart.x[a3] = va + 0x40000000 + (kData - kRamBase) + 0x28;
  Prog p;
  p << ld(a4, a1, 0) << ld(a5, a2, 0) << ld(a6, a3, 0) << sd(a6, a1, 0x30);
  const uint64_t end = p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a4], 0x4848u);
  EXPECT_EQ(b.hart.x[a5], 0x2020u);
  EXPECT_EQ(b.hart.x[a6], 0x1010u);
  EXPECT_EQ(b.r64(kData + 0x48), 0x1010u);
  EXPECT_EQ(b.r64(pte4k) & (A | D), A | D);
}

TEST(HartMmu, Sv48NonCanonicalAddressPageFaults) {
  HartBench& b = fresh();
  PageTables pt(b, kSv48);
  pt.map_code();
  pt.enable();
  b.pmp_allow_all();
  b.hart.x[a1] = 0x0000800000000000ull;  // bit 47 set, bits 63:48 clear
  Prog p;
  p << ld(a0, a1, 0);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_mtrap(b, kCauseLoadPageFault, kCode, 0x0000800000000000ull);
}

TEST(HartMmu, MprvTranslatesMModeLoadsWithMpp) {
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  pt.map(kVa, kData, V | R | A);
  b.w64(kData, 0x77);
  b.hart.csr.mstatus |= kMstatusMPRV | (1ull << kMstatusMppShift);
  b.hart.x[a1] = kVa;
  Prog p;
  p << ld(a0, a1, 0);  // fetch stays untranslated M-mode; the load is an S access
  const uint64_t end = p.halt();
  ASSERT_TRUE(go(b, p, kPrivM));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0x77u);
}

TEST(HartMmu, SfenceVmaMakesNewPteVisible) {
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  const uint64_t pte = pt.map(kVa, kData, V | R | W | A | D);
  b.w64(kData, 1);
  b.w64(kData + 0x1000, 2);
  b.hart.x[a1] = kVa;
  b.hart.x[a2] = pte;
  b.hart.x[a3] = (((kData + 0x1000) >> 12) << 10) | V | R | W | A | D;
  Prog p;
  p << ld(a0, a1, 0) << sd(a3, a2, 0) << sfence_vma(zero, zero) << ld(a4, a1, 0);
  const uint64_t end = p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 1u);
  EXPECT_EQ(b.hart.x[a4], 2u);
}

// ---------------------------------------------------------------- page faults

TEST(HartMmu, InvalidPteLoadPageFault) {
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  pt.map(kVa, kData, R | W | A | D);  // V = 0
  b.hart.x[a1] = kVa;
  Prog p;
  p << nop() << ld(a0, a1, 0x18);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_mtrap(b, kCauseLoadPageFault, kCode + 4, kVa + 0x18);
  EXPECT_EQ((b.hart.csr.mstatus & kMstatusMPP) >> kMstatusMppShift, kPrivS);
}

TEST(HartMmu, WriteWithoutReadPteIsReservedAndFaults) {
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  pt.map(kVa, kData, V | W | A | D);
  b.hart.x[a1] = kVa;
  Prog p;
  p << sd(a0, a1, 0x20);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_mtrap(b, kCauseStorePageFault, kCode, kVa + 0x20);
}

TEST(HartMmu, Sv39NonCanonicalAddressPageFaults) {
  HartBench& b = fresh();
  sv39(b);
  const uint64_t va = 0x0000004000000000ull;  // bit 38 set but bits 63:39 clear
  b.hart.x[a1] = va;
  Prog p;
  p << sd(a0, a1, 0);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_mtrap(b, kCauseStorePageFault, kCode, va);
}

TEST(HartMmu, MisalignedSuperpagePageFaults) {
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  pt.map(kVa, 0x80201000, V | R | W | A | D, 1);  // 2 MiB leaf with PPN[0] != 0
  b.hart.x[a1] = kVa + 0x10;
  Prog p;
  p << ld(a0, a1, 0);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_mtrap(b, kCauseLoadPageFault, kCode, kVa + 0x10);
}

TEST(HartMmu, UserPageFromSupervisorNeedsSum) {
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  pt.map(kVa, kData, V | R | W | U | A | D);
  b.w64(kData, 99);
  b.hart.x[a1] = kVa;
  Prog p;
  p << ld(a0, a1, 0);
  const uint64_t end = p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_mtrap(b, kCauseLoadPageFault, kCode, kVa);

  b.reset();
  PageTables pt2 = sv39(b);
  pt2.map(kVa, kData, V | R | W | U | A | D);
  b.w64(kData, 99);
  b.hart.csr.mstatus |= kMstatusSUM;
  b.hart.x[a1] = kVa;
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 99u);
}

TEST(HartMmu, SupervisorFetchFromUserPageFaultsEvenWithSum) {
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  pt.map(kVa, kData, V | R | X | U | A | D);
  b.w32(kData, j_self());
  b.hart.csr.mstatus |= kMstatusSUM;
  b.hart.x[a1] = kVa;
  Prog p;
  p << jalr(zero, a1, 0);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_mtrap(b, kCauseFetchPageFault, kVa, kVa);
}

TEST(HartMmu, SupervisorPageFromUserFaults) {
  HartBench& b = fresh();
  PageTables pt = sv39(b, U);  // user code
  pt.map(kVa, kData, V | R | W | A | D);  // supervisor data
  b.hart.x[a1] = kVa;
  Prog p;
  p << ld(a0, a1, 8);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivU));
  expect_mtrap(b, kCauseLoadPageFault, kCode, kVa + 8);
  EXPECT_EQ((b.hart.csr.mstatus & kMstatusMPP) >> kMstatusMppShift, kPrivU);
}

TEST(HartMmu, UserAccessToUserPageWorks) {
  HartBench& b = fresh();
  PageTables pt = sv39(b, U);
  pt.map(kVa, kData, V | R | W | U);
  b.hart.x[a1] = kVa;
  b.hart.x[a2] = 0x1234;
  Prog p;
  p << sd(a2, a1, 0) << ld(a0, a1, 0);
  const uint64_t end = p.halt();
  ASSERT_TRUE(go(b, p, kPrivU));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0x1234u);
  EXPECT_EQ(b.r64(kData), 0x1234u);
}

TEST(HartMmu, MxrMakesExecuteOnlyPagesReadable) {
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  pt.map(kVa, kData, V | X | A);
  b.w64(kData, 0x3141);
  b.hart.x[a1] = kVa;
  Prog p;
  p << ld(a0, a1, 0);
  const uint64_t end = p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_mtrap(b, kCauseLoadPageFault, kCode, kVa);

  b.reset();
  PageTables pt2 = sv39(b);
  pt2.map(kVa, kData, V | X | A);
  b.w64(kData, 0x3141);
  b.hart.csr.mstatus |= kMstatusMXR;
  b.hart.x[a1] = kVa;
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0x3141u);
}

TEST(HartMmu, StoreToReadOnlyPageFaults) {
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  const uint64_t pte = pt.map(kVa, kData, V | R | A);
  b.hart.x[a1] = kVa;
  b.hart.x[a2] = 5;
  Prog p;
  p << ld(a0, a1, 0) << sw(a2, a1, 0x44);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_mtrap(b, kCauseStorePageFault, kCode + 4, kVa + 0x44);
  EXPECT_EQ(b.r32(kData + 0x44), 0u);
  EXPECT_EQ(b.r64(pte) & D, 0u);  // no D update for a faulting store
}

TEST(HartMmu, FetchFromNonExecutablePageFaults) {
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  pt.map(kVa, kData, V | R | W | A | D);
  b.w32(kData, j_self());
  b.hart.x[a1] = kVa + 0x40;
  b.w32(kData + 0x40, j_self());
  Prog p;
  p << jalr(ra, a1, 0);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_mtrap(b, kCauseFetchPageFault, kVa + 0x40, kVa + 0x40);
  EXPECT_EQ(b.hart.x[ra], kCode + 4);
}

TEST(HartMmu, PageFaultDelegatedToSupervisor) {
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  pt.map(kVa, kData, 0);
  b.hart.csr.medeleg = 1u << kCauseLoadPageFault;
  b.hart.x[a1] = kVa + 0x123;
  Prog p;
  p << nop() << lb(a0, a1, 0);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_strap(b, kCauseLoadPageFault, kCode + 4, kVa + 0x123);
  EXPECT_EQ(b.hart.csr.mcause, 0u);
}

TEST(HartMmu, Sv39CanonicalHighAddressTranslates) {
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  pt.map(0xffffffffc0000000ull, 0x80000000, V | R | A, 2);  // VPN[2] = 511
  b.w64(kData, 0xfeed);
  b.hart.x[a1] = 0xffffffffc0000000ull + (kData - kRamBase);
  Prog p;
  p << ld(a0, a1, 0);
  const uint64_t end = p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0xfeedu);
}

TEST(HartMmu, ReservedPteBitsPageFault) {
  // priv 4.3.2 step 3: reserved bits (and N/PBMT without Svnapot/Svpbmt) fault.
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  const uint64_t pte = pt.map(kVa, kData, V | R | W | A | D);
  b.w64(pte, b.r64(pte) | (1ull << 63));  // N
  b.hart.x[a1] = kVa;
  Prog p;
  p << ld(a0, a1, 0);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_mtrap(b, kCauseLoadPageFault, kCode, kVa);
}

TEST(HartMmu, NonLeafPteWithAccessedBitPageFaults) {
  // supervisor.adoc: for non-leaf PTEs the D, A and U bits are reserved.
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  pt.map(kVa, kData, V | R | W | A | D);
  const uint64_t l1 = pt.pte_addr(kVa, 1);  // pointer to the leaf table
  b.w64(l1, b.r64(l1) | A);
  b.hart.x[a1] = kVa;
  Prog p;
  p << ld(a0, a1, 0);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_mtrap(b, kCauseLoadPageFault, kCode, kVa);
}

TEST(HartMmu, InstructionFetchCrossingIntoUnmappedPage) {
  // machine.adoc norm:mtval_varlen_wr: mtval = address of the faulting
  // portion, mepc = start of the instruction.
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  pt.map(kVa, kData, V | R | X | A);  // kVa + 0x1000 stays unmapped
  b.w32(kData + 0xff8, 0x00010001);  // c.nop ; c.nop
  // c.nop at kVa + 0xffc, then addi a0,a0,1 (0x00150513) starting at
  // kVa + 0xffe: only its low half is on the mapped page.
  b.w32(kData + 0xffc, 0x05130001);
  b.hart.x[a1] = kVa + 0xff8;
  Prog p;
  p << jalr(zero, a1, 0);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_mtrap(b, kCauseFetchPageFault, kVa + 0xffe, kVa + 0x1000);
}

// ---------------------------------------------------------------- access faults during the walk

TEST(HartMmu, PteAddressFailingPmpIsAccessFault) {
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  const uint64_t pte = pt.map(kVa, kData, V | R | W | A | D);
  // Entry 0: no permissions on the 4 KiB leaf page table (entry 15 allows the rest).
  b.hart.csr_write(kPmpaddr0, ((pte & ~0xfffull) >> 2) | 0x1ff, 0);
  b.set_pmpcfg(0, kPmpNapot << kPmpAShift);
  b.hart.x[a1] = kVa + 8;
  Prog p;
  p << ld(a0, a1, 0);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_mtrap(b, kCauseLoadAccess, kCode, kVa + 8);  // cause of the original access type
}

TEST(HartMmu, AccessedBitUpdateFailingPmpIsAccessFault) {
  // priv 4.3.2 step 9: if a store to the PTE would violate PMP, raise an
  // access fault corresponding to the original access type.
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  const uint64_t pte = pt.map(kVa, kData, V | R | W);  // A = 0: needs an update
  b.hart.csr_write(kPmpaddr0, ((pte & ~0xfffull) >> 2) | 0x1ff, 0);
  b.set_pmpcfg(0, kPmpR | (kPmpNapot << kPmpAShift));  // table readable, not writable
  b.hart.x[a1] = kVa;
  Prog p;
  p << ld(a0, a1, 0);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_mtrap(b, kCauseLoadAccess, kCode, kVa);
  EXPECT_EQ(b.r64(pte) & A, 0u);
}

TEST(HartMmu, TranslatedAddressFailingPmpIsAccessFault) {
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  pt.map(kVa, kData, V | R | W | A | D);
  b.hart.csr_write(kPmpaddr0, (kData >> 2) | 0x1ff, 0);
  b.set_pmpcfg(0, kPmpR | (kPmpNapot << kPmpAShift));  // data page read-only by PMP
  b.hart.x[a1] = kVa + 0x10;
  Prog p;
  p << ld(a0, a1, 0) << sd(a0, a1, 0);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_mtrap(b, kCauseStoreAccess, kCode + 4, kVa + 0x10);
}

// ---------------------------------------------------------------- misaligned, page crossing

TEST(HartMmu, MisalignedLoadAcrossPageBoundaryBare) {
  HartBench& b = fresh();
  for (unsigned k = 0; k < 8; ++k) b.w8(kData + 0xffc + k, static_cast<uint8_t>(0x10 + k));
  b.hart.x[a1] = kData + 0xffc;
  Prog p;
  p << ld(a0, a1, 0) << lw(a2, a1, 2) << lh(a3, a1, 3);
  const uint64_t end = p.halt();
  ASSERT_TRUE(go(b, p, kPrivM));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0x1716151413121110ull);
  EXPECT_EQ(b.hart.x[a2], 0x15141312ull);
  EXPECT_EQ(b.hart.x[a3], 0x1413ull);
}

TEST(HartMmu, MisalignedLoadAcrossPageBoundaryTranslated) {
  // The two virtual pages map to physical pages that are not adjacent.
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  pt.map(kVa, 0x80030000, V | R | W | A | D);
  pt.map(kVa + 0x1000, 0x80050000, V | R | W | A | D);
  for (unsigned k = 0; k < 4; ++k) b.w8(0x80030ffc + k, static_cast<uint8_t>(0xa0 + k));
  for (unsigned k = 0; k < 4; ++k) b.w8(0x80050000 + k, static_cast<uint8_t>(0xb0 + k));
  b.w8(0x80031000, 0xee);  // physically adjacent byte: must not be read
  b.hart.x[a1] = kVa + 0xffc;
  b.hart.x[a2] = 0x0102030405060708ull;
  Prog p;
  p << ld(a0, a1, 0) << sd(a2, a1, 2);
  const uint64_t end = p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0xb3b2b1b0a3a2a1a0ull);
  EXPECT_EQ(b.r8(0x80030ffe), 0x08);
  EXPECT_EQ(b.r8(0x80030fff), 0x07);
  EXPECT_EQ(b.r8(0x80050000), 0x06);
  EXPECT_EQ(b.r8(0x80050005), 0x01);
  EXPECT_EQ(b.r8(0x80031000), 0xee);
}

TEST(HartMmu, MisalignedStoreFaultingOnSecondPageWritesNothing) {
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  pt.map(kVa, 0x80030000, V | R | W | A | D);
  pt.map(kVa + 0x1000, 0x80050000, V | R | A);  // read-only
  b.hart.x[a1] = kVa + 0xffc;
  b.hart.x[a2] = ~0ull;
  Prog p;
  p << sd(a2, a1, 0);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  EXPECT_EQ(b.hart.csr.mcause, kCauseStorePageFault);
  EXPECT_EQ(b.hart.csr.mepc, kCode);
  // tval: the original address or that of the faulting portion, i.e. the
  // first byte on the second page (priv machine.adoc, norm:mtval_vaddr_wr2:
  // "mtval will contain the virtual address of the portion of the access
  // that caused the fault").
  // KNOWN HART BUG (cpu/mmu.cpp store_slow): the page-crossing store checks
  // the second page with the address of the access's LAST byte, so mtval is
  // kVa + 0x1003 (the load path correctly reports kVa + 0x1000).
  EXPECT_TRUE(b.hart.csr.mtval == kVa + 0xffc || b.hart.csr.mtval == kVa + 0x1000) << std::hex << b.hart.csr.mtval;
  EXPECT_EQ(b.r32(0x80030ffc), 0u);
  EXPECT_EQ(b.r32(0x80050000), 0u);
}

TEST(HartMmu, MisalignedLoadFaultingOnSecondPage) {
  HartBench& b = fresh();
  PageTables pt = sv39(b);
  pt.map(kVa, 0x80030000, V | R | W | A | D);  // next page unmapped
  b.hart.x[a1] = kVa + 0xffe;
  Prog p;
  p << lw(a0, a1, 0);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  EXPECT_EQ(b.hart.csr.mcause, kCauseLoadPageFault);
  EXPECT_EQ(b.hart.csr.mepc, kCode);
  EXPECT_TRUE(b.hart.csr.mtval == kVa + 0xffe || b.hart.csr.mtval == kVa + 0x1000) << std::hex << b.hart.csr.mtval;
}

// ---------------------------------------------------------------- PMP

// S-mode code region: entry 14, NAPOT 64 KiB at kRamBase, RWX.
void pmp_code(HartBench& b) {
  b.hart.csr_write(kPmpaddr0 + 14, (kRamBase >> 2) | 0x1fff, 0);
  b.set_pmpcfg(14, kPmpR | kPmpW | kPmpX | (kPmpNapot << kPmpAShift));
}
void pmp_napot(HartBench& b, unsigned i, uint64_t base, uint64_t size, uint8_t perms) {
  b.hart.csr_write(kPmpaddr0 + i, (base >> 2) | ((size >> 3) - 1), 0);
  b.set_pmpcfg(i, perms | (kPmpNapot << kPmpAShift));
}

TEST(HartPmp, NapotRegionReadOnlyForSupervisor) {
  HartBench& b = fresh();
  pmp_code(b);
  pmp_napot(b, 0, kData, 0x1000, kPmpR);
  b.w64(kData + 8, 0x99);
  b.hart.x[a1] = kData;
  Prog p;
  p << ld(a0, a1, 8) << sd(a0, a1, 8);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_mtrap(b, kCauseStoreAccess, kCode + 4, kData + 8);
  EXPECT_EQ(b.hart.x[a0], 0x99u);
}

TEST(HartPmp, NoMatchingEntryFailsForSupervisorAndUser) {
  HartBench& b = fresh();
  pmp_code(b);
  b.hart.x[a1] = kData + 0x2000;
  Prog p;
  p << lw(a0, a1, 0);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivU));
  expect_mtrap(b, kCauseLoadAccess, kCode, kData + 0x2000);

  b.reset();
  pmp_code(b);
  b.hart.x[a1] = kData + 0x2000;
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_mtrap(b, kCauseLoadAccess, kCode, kData + 0x2000);
}

TEST(HartPmp, TorRangeAndPartialOverlap) {
  HartBench& b = fresh();
  pmp_code(b);
  b.hart.csr_write(kPmpaddr0, kData >> 2, 0);  // entry 0 OFF: bottom of the TOR range
  b.hart.csr_write(kPmpaddr0 + 1, (kData + 0x100) >> 2, 0);
  b.set_pmpcfg(1, kPmpR | kPmpW | (kPmpTor << kPmpAShift));
  b.hart.x[a1] = kData;
  Prog p;
  p << lw(a0, a1, 0xfc) << sw(a0, a1, 0x80) << ld(a2, a1, 0xfc);  // the ld straddles the top
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_mtrap(b, kCauseLoadAccess, kCode + 8, kData + 0xfc);

  b.reset();
  pmp_code(b);
  b.hart.csr_write(kPmpaddr0, kData >> 2, 0);
  b.hart.csr_write(kPmpaddr0 + 1, (kData + 0x100) >> 2, 0);
  b.set_pmpcfg(1, kPmpR | kPmpW | (kPmpTor << kPmpAShift));
  b.hart.x[a1] = kData;
  Prog q;
  q << lw(a0, a1, 0x100);  // just above the range
  q.halt();
  ASSERT_TRUE(go(b, q, kPrivS));
  expect_mtrap(b, kCauseLoadAccess, kCode, kData + 0x100);
}

TEST(HartPmp, Na4Region) {
  HartBench& b = fresh();
  pmp_code(b);
  b.hart.csr_write(kPmpaddr0 + 2, (kData + 0x200) >> 2, 0);
  b.set_pmpcfg(2, kPmpR | (kPmpNa4 << kPmpAShift));
  b.w32(kData + 0x200, 0x87654321);
  b.hart.x[a1] = kData + 0x200;
  Prog p;
  p << lw(a0, a1, 0) << lb(a2, a1, 3) << ld(a3, a1, 0);  // 8 bytes: only half match
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_mtrap(b, kCauseLoadAccess, kCode + 8, kData + 0x200);
  EXPECT_EQ(b.hart.x[a0], 0xffffffff87654321ull);
  EXPECT_EQ(b.hart.x[a2], 0xffffffffffffff87ull);

  b.reset();
  pmp_code(b);
  b.hart.csr_write(kPmpaddr0 + 2, (kData + 0x200) >> 2, 0);
  b.set_pmpcfg(2, kPmpR | (kPmpNa4 << kPmpAShift));
  b.hart.x[a1] = kData + 0x200;
  Prog q;
  q << lw(a0, a1, 4);
  q.halt();
  ASSERT_TRUE(go(b, q, kPrivS));
  expect_mtrap(b, kCauseLoadAccess, kCode, kData + 0x204);
}

TEST(HartPmp, LowestNumberedMatchingEntryWins) {
  HartBench& b = fresh();
  pmp_code(b);
  pmp_napot(b, 0, kData, 0x1000, kPmpR);                     // read-only page
  pmp_napot(b, 1, kData, 0x10000, kPmpR | kPmpW);            // read-write 64 KiB around it
  b.hart.x[a1] = kData;
  b.hart.x[a3] = kData + 0x1000;
  b.hart.x[a2] = 7;
  Prog p;
  p << sd(a2, a3, 0) << sd(a2, a1, 0);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_mtrap(b, kCauseStoreAccess, kCode + 4, kData);
  EXPECT_EQ(b.r64(kData + 0x1000), 7u);
}

TEST(HartPmp, SupervisorFetchNeedsExecutePermission) {
  HartBench& b = fresh();
  pmp_code(b);
  pmp_napot(b, 0, kData, 0x1000, kPmpR | kPmpW);
  b.w32(kData, j_self());
  b.hart.x[a1] = kData;
  Prog p;
  p << jalr(zero, a1, 0);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_mtrap(b, kCauseFetchAccess, kData, kData);
}

TEST(HartPmp, MachineModeIgnoresUnlockedEntries) {
  HartBench& b = fresh();
  pmp_napot(b, 0, kData, 0x1000, 0);  // no permissions, not locked
  b.hart.x[a1] = kData;
  b.hart.x[a2] = 0x66;
  Prog p;
  b.hart.x[a4] = kData + 0x2000;
  p << sd(a2, a1, 0) << ld(a0, a1, 0) << ld(a3, a4, 0);  // + an access matching no entry
  const uint64_t end = p.halt();
  ASSERT_TRUE(go(b, p, kPrivM));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0x66u);
  EXPECT_EQ(b.r64(kData), 0x66u);
}

TEST(HartPmp, LockedEntryAppliesToMachineMode) {
  HartBench& b = fresh();
  pmp_napot(b, 0, kData, 0x1000, kPmpR | kPmpL);
  b.w64(kData, 0x44);
  b.hart.x[a1] = kData;
  Prog p;
  p << ld(a0, a1, 0) << sd(a0, a1, 0x10);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivM));
  expect_mtrap(b, kCauseStoreAccess, kCode + 4, kData + 0x10);
  EXPECT_EQ(b.hart.x[a0], 0x44u);
  EXPECT_EQ(b.r64(kData + 0x10), 0u);
}

TEST(HartPmp, MachineAccessStraddlingALockedEntryFails) {
  HartBench& b = fresh();
  b.hart.csr_write(kPmpaddr0, (kData + 0x100) >> 2, 0);
  b.set_pmpcfg(0, kPmpR | kPmpW | kPmpL | (kPmpNa4 << kPmpAShift));
  b.hart.x[a1] = kData + 0xfc;
  Prog p;
  p << ld(a0, a1, 0);  // bytes 0xfc..0x103: partly inside the locked NA4 entry
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivM));
  expect_mtrap(b, kCauseLoadAccess, kCode, kData + 0xfc);
}

// ---------------------------------------------------------------- LR/SC, AMOs

TEST(HartAtomic, LrScSucceeds) {
  HartBench& b = fresh();
  b.w64(kData, 10);
  b.hart.x[a1] = kData;
  b.hart.x[a3] = 20;
  Prog p;
  p << lr_d(a0, a1) << sc_d(a2, a3, a1) << ld(a4, a1, 0) << sc_d(a5, a3, a1);
  const uint64_t end = p.halt();
  ASSERT_TRUE(go(b, p, kPrivM));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 10u);
  EXPECT_EQ(b.hart.x[a2], 0u);
  EXPECT_EQ(b.hart.x[a4], 20u);
  EXPECT_EQ(b.hart.x[a5], 1u);  // the reservation was consumed
}

TEST(HartAtomic, ScWithoutReservationFails) {
  HartBench& b = fresh();
  b.w64(kData, 10);
  b.hart.x[a1] = kData;
  b.hart.x[a3] = 20;
  b.hart.x[a2] = 77;
  Prog p;
  p << sc_d(a2, a3, a1);
  const uint64_t end = p.halt();
  ASSERT_TRUE(go(b, p, kPrivM));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a2], 1u);
  EXPECT_EQ(b.r64(kData), 10u);
}

TEST(HartAtomic, ScToOtherAddressFails) {
  HartBench& b = fresh();
  b.w64(kData, 10);
  b.hart.x[a1] = kData;
  b.hart.x[a5] = kData + 8;
  b.hart.x[a3] = 20;
  Prog p;
  p << lr_d(a0, a1) << sc_d(a2, a3, a5);
  const uint64_t end = p.halt();
  ASSERT_TRUE(go(b, p, kPrivM));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a2], 1u);
  EXPECT_EQ(b.r64(kData + 8), 0u);
}

TEST(HartAtomic, LrWSignExtendsAndScWStoresWord) {
  HartBench& b = fresh();
  b.w64(kData, 0xaaaaaaaa80000000ull);
  b.hart.x[a1] = kData;
  b.hart.x[a3] = 0x1122334455667788ull;
  Prog p;
  p << lr_w(a0, a1) << sc_w(a2, a3, a1);
  const uint64_t end = p.halt();
  ASSERT_TRUE(go(b, p, kPrivM));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0xffffffff80000000ull);
  EXPECT_EQ(b.hart.x[a2], 0u);
  EXPECT_EQ(b.r64(kData), 0xaaaaaaaa55667788ull);
}

TEST(HartAtomic, MisalignedAmoIsStoreAddressMisaligned) {
  HartBench& b = fresh();
  b.hart.x[a1] = kData + 2;
  Prog p;
  p << amoadd_w(a0, a2, a1);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivM));
  expect_mtrap(b, kCauseMisalignedStore, kCode, kData + 2);

  b.reset();
  b.hart.x[a1] = kData + 4;
  Prog q;
  q << amoswap_d(a0, a2, a1);
  q.halt();
  ASSERT_TRUE(go(b, q, kPrivM));
  expect_mtrap(b, kCauseMisalignedStore, kCode, kData + 4);
}

TEST(HartAtomic, MisalignedScIsStoreAddressMisaligned) {
  HartBench& b = fresh();
  b.hart.x[a1] = kData + 4;
  Prog p;
  p << sc_d(a0, a2, a1);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivM));
  expect_mtrap(b, kCauseMisalignedStore, kCode, kData + 4);
}

TEST(HartAtomic, MisalignedLrIsLoadAddressMisaligned) {
  HartBench& b = fresh();
  b.hart.x[a1] = kData + 1;
  Prog p;
  p << lr_w(a0, a1);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivM));
  expect_mtrap(b, kCauseMisalignedLoad, kCode, kData + 1);
}

TEST(HartAtomic, AmoNeedsWritePermission) {
  // AMOs are loads and stores: a read-only region gives a store access fault.
  HartBench& b = fresh();
  pmp_code(b);
  pmp_napot(b, 0, kData, 0x1000, kPmpR);
  b.w64(kData, 5);
  b.hart.x[a1] = kData;
  b.hart.x[a2] = 1;
  Prog p;
  p << amoadd_d(a0, a2, a1);
  p.halt();
  ASSERT_TRUE(go(b, p, kPrivS));
  expect_mtrap(b, kCauseStoreAccess, kCode, kData);
  EXPECT_EQ(b.r64(kData), 5u);
}

TEST(HartAtomic, AmoAddReturnsOldValue) {
  HartBench& b = fresh();
  b.w64(kData, 40);
  b.hart.x[a1] = kData;
  b.hart.x[a2] = 2;
  Prog p;
  p << amoadd_d(a0, a2, a1);
  const uint64_t end = p.halt();
  ASSERT_TRUE(go(b, p, kPrivM));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 40u);
  EXPECT_EQ(b.r64(kData), 42u);
}

}  // namespace
}  // namespace rvh::test
