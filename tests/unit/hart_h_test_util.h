// hart_h_test_util.h -- helpers for the hypervisor (H) extension unit tests
// (hart_h_csr_test, hart_h_trap_test, hart_h_mmu_test), on top of the hart
// bench of hart_test_util.h. Include in exactly one translation unit per
// test executable.
//
// - enc:: HLV/HLVX/HSV/HFENCE encodings (H spec, "Hypervisor Instructions":
//         opcode SYSTEM, funct3 = 4 for the loads/stores, 0 for the fences).
// - hfresh(): bench reset plus the H state of a real reset (mideleg bits
//         2/6/10 read as one) and a VS trap vector (kVStrap, 64 x `j .`).
// - run_mode(): runs a program in U/S/M with V = 0 or 1.
// - GStage: G-stage (Sv39x4/Sv48x4) tables with a 16 KiB-aligned root.
// - VsTables: VS-stage Sv39 tables whose pages live at guest-physical
//         addresses the G-stage maps to host RAM (or leaves unmapped).
#ifndef RVH_TESTS_UNIT_HART_H_TEST_UTIL_H
#define RVH_TESTS_UNIT_HART_H_TEST_UTIL_H

#include "tests/unit/hart_test_util.h"

namespace rvh::test {

namespace enc {
// HLV.B/BU/H/HU/W/WU/D and HLVX.HU/WU: funct7, rs2 selects the variant.
constexpr uint32_t hlv_b(uint32_t rd, uint32_t rs1) { return r(0x73, rd, 4, rs1, 0, 0x30); }
constexpr uint32_t hlv_bu(uint32_t rd, uint32_t rs1) { return r(0x73, rd, 4, rs1, 1, 0x30); }
constexpr uint32_t hlv_h(uint32_t rd, uint32_t rs1) { return r(0x73, rd, 4, rs1, 0, 0x32); }
constexpr uint32_t hlv_hu(uint32_t rd, uint32_t rs1) { return r(0x73, rd, 4, rs1, 1, 0x32); }
constexpr uint32_t hlvx_hu(uint32_t rd, uint32_t rs1) { return r(0x73, rd, 4, rs1, 3, 0x32); }
constexpr uint32_t hlv_w(uint32_t rd, uint32_t rs1) { return r(0x73, rd, 4, rs1, 0, 0x34); }
constexpr uint32_t hlv_wu(uint32_t rd, uint32_t rs1) { return r(0x73, rd, 4, rs1, 1, 0x34); }
constexpr uint32_t hlvx_wu(uint32_t rd, uint32_t rs1) { return r(0x73, rd, 4, rs1, 3, 0x34); }
constexpr uint32_t hlv_d(uint32_t rd, uint32_t rs1) { return r(0x73, rd, 4, rs1, 0, 0x36); }
constexpr uint32_t hsv_b(uint32_t rs2, uint32_t rs1) { return r(0x73, 0, 4, rs1, rs2, 0x31); }
constexpr uint32_t hsv_h(uint32_t rs2, uint32_t rs1) { return r(0x73, 0, 4, rs1, rs2, 0x33); }
constexpr uint32_t hsv_w(uint32_t rs2, uint32_t rs1) { return r(0x73, 0, 4, rs1, rs2, 0x35); }
constexpr uint32_t hsv_d(uint32_t rs2, uint32_t rs1) { return r(0x73, 0, 4, rs1, rs2, 0x37); }
constexpr uint32_t hfence_vvma(uint32_t rs1, uint32_t rs2) { return r(0x73, 0, 0, rs1, rs2, 0x11); }
constexpr uint32_t hfence_gvma(uint32_t rs1, uint32_t rs2) { return r(0x73, 0, 0, rs1, rs2, 0x31); }
// fadd.d rd, rs1, rs2 (rm = RNE)
constexpr uint32_t fadd_d(uint32_t rd, uint32_t rs1, uint32_t rs2) { return r(0x53, rd, 0, rs1, rs2, 0x01); }
constexpr uint32_t sub(uint32_t rd, uint32_t rs1, uint32_t rs2) { return r(0x33, rd, 0, rs1, rs2, 0x20); }
}  // namespace enc

constexpr uint64_t kVStrap = kRamBase + 0x1c00;  // vstvec: 64 x `j .`

inline HartBench& hfresh() {
  HartBench& b = bench();
  b.reset();
  // The hart's constructor (a real reset) starts with the read-only-one VS
  // bits of mideleg; CsrFile{} in the bench's reset does not.
  b.hart.csr.mideleg = csr::kVsInterrupts;
  for (unsigned k = 0; k < 64; ++k) b.w32(kVStrap + 4 * k, enc::j_self());
  b.hart.csr.vstvec = kVStrap;
  return b;
}

// Loads `p` and runs it in (priv, virt), PMP allowing everything.
inline bool run_mode(HartBench& b, const Prog& p, Priv priv, bool virt) {
  p.load(b);
  b.pmp_allow_all();
  b.hart.set_mode(priv, virt);
  return b.run();
}

inline uint64_t mstatus_mpp(const HartBench& b) {
  return (b.hart.csr.mstatus & csr::kMstatusMPP) >> csr::kMstatusMppShift;
}
inline bool has(uint64_t v, uint64_t mask) { return (v & mask) == mask; }

// An exception from V=1 taken into M-mode (direct mtvec).
inline void expect_mtrap_from_v(HartBench& b, uint64_t cause, uint64_t epc, uint64_t tval, Priv from) {
  expect_mtrap(b, cause, epc, tval);
  EXPECT_FALSE(b.hart.virt);
  EXPECT_TRUE(has(b.hart.csr.mstatus, csr::kMstatusMPV)) << "mstatus.MPV";
  EXPECT_EQ(mstatus_mpp(b), static_cast<uint64_t>(from));
}
// An exception taken into HS-mode (V=0, direct stvec).
inline void expect_hstrap(HartBench& b, uint64_t cause, uint64_t epc, uint64_t tval) {
  expect_strap(b, cause, epc, tval);
  EXPECT_FALSE(b.hart.virt);
}
// A trap taken into VS-mode (V=1, direct vstvec).
inline void expect_vstrap(HartBench& b, uint64_t cause, uint64_t epc, uint64_t tval) {
  EXPECT_EQ(b.hart.priv, kPrivS);
  EXPECT_TRUE(b.hart.virt);
  EXPECT_EQ(b.hart.csr.vscause, cause);
  EXPECT_EQ(b.hart.csr.vsepc, epc);
  EXPECT_EQ(b.hart.csr.vstval, tval);
  EXPECT_EQ(b.hart.pc, kVStrap);
}

// ---- page tables ----
constexpr uint64_t PV = 1, PR = 2, PW = 4, PX = 8, PU = 16, PA = 64, PD = 128;
constexpr uint64_t kGpt = kPt + 0x40000;  // G-stage tables (root 16 KiB aligned)
constexpr uint64_t kVpt = kPt + 0x80000;  // host pages holding VS-stage tables

inline uint64_t pte_of(uint64_t pa, uint64_t flags) { return ((pa >> 12) << 10) | flags; }
inline uint64_t pte_pa(uint64_t pte) { return ((pte >> 10) & ((1ull << 44) - 1)) << 12; }

// G-stage tables in host RAM. mode 8 = Sv39x4, 9 = Sv48x4.
struct GStage {
  HartBench& b;
  uint64_t mode;
  int levels;
  uint64_t root = kGpt;
  uint64_t next = kGpt + 0x4000;

  GStage(HartBench& bb, uint64_t m = csr::kHgatpModeSv39x4)
      : b(bb), mode(m), levels(m == csr::kHgatpModeSv39x4 ? 3 : 4) {}
  uint64_t alloc() {
    const uint64_t a = next;
    next += 0x1000;
    return a;
  }
  // Host address of the G-stage PTE for `gpa` at `level`, creating pointers.
  uint64_t pte_addr(uint64_t gpa, int level) {
    uint64_t table = root;
    for (int l = levels - 1; l >= level; --l) {
      const uint64_t bits = l == levels - 1 ? 11 : 9;
      const uint64_t a = table + ((gpa >> (12 + 9 * l)) & ((1ull << bits) - 1)) * 8;
      if (l == level) return a;
      uint64_t pte = b.r64(a);
      if (!(pte & PV)) {
        pte = pte_of(alloc(), PV);
        b.w64(a, pte);
      }
      table = pte_pa(pte);
    }
    return 0;
  }
  uint64_t map(uint64_t gpa, uint64_t hpa, uint64_t flags, int level = 0) {
    const uint64_t a = pte_addr(gpa, level);
    b.w64(a, pte_of(hpa, flags));
    return a;
  }
  // GPA = HPA for the 1 GiB around the bench's RAM (code, vectors, tables).
  void map_ram_identity() { map(kRamBase, kRamBase, PV | PR | PW | PX | PU | PA | PD, 2); }
  uint64_t hgatp(uint64_t vmid = 0) const {
    return (mode << 60) | (vmid << csr::kHgatpVmidShift) | (root >> 12);
  }
  void enable() { b.hart.csr_write(csr::kHgatp, hgatp(), 0); }
};

// VS-stage Sv39 tables. Every table page gets a guest-physical address in
// kGuestTables (GPA) backed by host page kVpt + same offset, mapped by the
// G-stage unless the test says otherwise. The code gigapage (VA = GPA
// 0x80000000) is mapped by a VS-stage leaf in the root.
constexpr uint64_t kGuestTables = 0x140000000ull;  // GPA of VS-stage table pages
struct VsTables {
  HartBench& b;
  GStage& g;
  uint64_t next_gpa = kGuestTables;
  uint64_t table_gflags = PV | PR | PW | PU | PA | PD;  // G-stage flags of table pages
  uint64_t root_gpa;  // after table_gflags: alloc() uses it

  VsTables(HartBench& bb, GStage& gg) : b(bb), g(gg), root_gpa(alloc()) {}
  static uint64_t host_of(uint64_t table_gpa) { return kVpt + (table_gpa - kGuestTables); }
  uint64_t alloc() {
    const uint64_t gpa = next_gpa;
    next_gpa += 0x1000;
    g.map(gpa, host_of(gpa), table_gflags);
    return gpa;
  }
  // GPA of the VS-stage PTE for `va` at `level`, creating pointers.
  uint64_t pte_gpa(uint64_t va, int level) {
    uint64_t table = root_gpa;
    for (int l = 2; l > level; --l) {
      const uint64_t a = table + ((va >> (12 + 9 * l)) & 0x1ff) * 8;
      uint64_t pte = b.r64(host_of(a));
      if (!(pte & PV)) {
        pte = pte_of(alloc(), PV);
        b.w64(host_of(a), pte);
      }
      table = pte_pa(pte);
    }
    return table + ((va >> (12 + 9 * level)) & 0x1ff) * 8;
  }
  // Maps va -> gpa; returns the GPA of the leaf PTE.
  uint64_t map(uint64_t va, uint64_t gpa, uint64_t flags, int level = 0) {
    const uint64_t a = pte_gpa(va, level);
    b.w64(host_of(a), pte_of(gpa, flags));
    return a;
  }
  uint64_t read_pte(uint64_t pte_gpa_addr) { return b.r64(host_of(pte_gpa_addr)); }
  void map_code(uint64_t extra = 0) { map(kRamBase, kRamBase, PV | PR | PW | PX | PA | PD | extra, 2); }
  uint64_t vsatp() const { return (csr::kSatpModeSv39 << 60) | (root_gpa >> 12); }
  void enable() { b.hart.csr_write(csr::kVsatp, vsatp(), 0); }
};

}  // namespace rvh::test

#endif  // RVH_TESTS_UNIT_HART_H_TEST_UTIL_H
