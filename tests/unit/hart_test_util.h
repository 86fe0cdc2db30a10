// hart_test_util.h -- test bench and helpers for the hart unit tests
// (hart_csr_test, hart_trap_test, hart_mmu_test). Include in exactly one
// translation unit per test executable (it pulls in periph_test_util.h,
// which defines sc_main).
//
// - enc::  a tiny RV64 encoder for the instructions the tests need
//          (cross-checked against riscv64-unknown-elf-as in decode_test.cpp).
// - Prog:  builds a program at an address and copies it into RAM.
// - HartBench: a Hart on a Bus with 16 MiB of RAM at 0x80000000 and four
//          driven interrupt lines; built once per process (SystemC allows
//          one elaboration), reset by every test (reset()).
// - HartTestAccess: the hart's test friend (declared in cpu/hart.h), used to
//          reset private state between tests in the same process.
//
// Conventions: code at kCode; the M trap vector (kMtrap) and the S trap
// vector (kStrap) are filled with `j .`, 64 slots each, so a vectored
// interrupt parks on base + 4*cause too. run() advances SystemC time until
// the hart spins on a `j .` (the program's own end or a trap vector).
#ifndef RVH_TESTS_UNIT_HART_TEST_UTIL_H
#define RVH_TESTS_UNIT_HART_TEST_UTIL_H

#include "tests/unit/periph_test_util.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <vector>

#include "cpu/block_jit.h"
#include "cpu/hart.h"
#include "cpu/jit_worker.h"
#include "platform/bus.h"
#include "platform/memory.h"

namespace rvh {
// Friend of Hart (cpu/hart.h): resets state that has no public setter.
struct HartTestAccess {
  static void reset(Hart& h, uint64_t pc) {
    std::fill(std::begin(h.x), std::end(h.x), 0);
    std::fill(std::begin(h.f), std::end(h.f), 0);
    h.csr = CsrFile{};
    h.csr.mstatus = (2ull << 32) | (2ull << 34);
    h.csr.mideleg = csr::kVsInterrupts;  // read-only one with H, as after reset
    h.csr.mhartid = h.cfg_.hart_id;
    h.counter_adjust_[0] = h.counter_adjust_[1] = 0;
    h.counter_frozen_[0] = h.counter_frozen_[1] = 0;
    h.stimecmp_stip_ = 0;
    h.run_stop_.wfi_pending = false;
    h.reservation = ~0ull;
    h.pc = h.npc = pc;
    h.flush_tlb();
    h.set_mode(kPrivM, false);  // V = 0 too: M with V = 1 does not exist (mode index 7)
  }
  // Undoes halt() (a stopped VM) and any pending sleep or park, so that a
  // bench shared by the tests of one process can run the hart again. A
  // running hart thread waiting for good in run_thread() is woken.
  static void unhalt(Hart& h) {
    const bool was_halted = h.halted_;
    h.halted_ = false;
    h.insn_limit_ = h.cfg_.max_insns ? h.cfg_.max_insns : ~0ull;
    h.run_stop_.wfi_pending = false;
    h.parked_ = false;
    h.wake_requested_ = false;
    if (was_halted && sc_core::sc_start_of_simulation_invoked()) h.park_event_.notify(sc_core::SC_ZERO_TIME);
  }
  // Blocks are translated after `n` runs (0: never); every block and
  // translation made so far is dropped, so the next run starts afresh.
  static void set_jit_threshold(Hart& h, unsigned n) {
    h.cfg_.jit_threshold = n;
    h.restart_block_cache();
  }
  // The block cache the hart uses (shared with other harts or not).
  static const void* block_cache(const Hart& h) { return h.block_cache_.get(); }
  // Whether the block cache has a block starting at `host`, and whether
  // that block is translated.
  static bool block_at(const Hart& h, const uint8_t* host) {
    const auto at = reinterpret_cast<uintptr_t>(host);
    return h.block_cache_->table[Hart::block_slot(at)].host == at;
  }
  static bool translated_block_at(const Hart& h, const uint8_t* host) {
    const auto at = reinterpret_cast<uintptr_t>(host);
    return block_at(h, host) && h.block_cache_->table[Hart::block_slot(at)].block->host_code != nullptr;
  }
  // How many times the block cache has started over.
  static uint64_t block_cache_epoch(const Hart& h) { return h.block_cache_->epoch; }
  // Each quantum ends after at most `n` instructions (0: no limit).
  static void set_quantum_insns(Hart& h, uint64_t n) { h.cfg_.quantum_insns = n; }
  static uint64_t quantum_insns(const Hart& h) { return h.cfg_.quantum_insns; }
  // Bytes of host code the translator has made since it last started over.
  static size_t jit_code_bytes(const Hart& h) {
    const Hart::BlockCache& c = *h.block_cache_;
    return c.worker ? c.worker->bytes_used() : c.jit ? c.jit->bytes_used() : 0;
  }
  // Translating on a helper thread (HartConfig::jit_async) or not. Every
  // block and translation so far is dropped, as by set_jit_threshold.
  static void set_jit_async(Hart& h, bool on) {
    h.cfg_.jit_async = on;
    h.restart_block_cache();
    if (!on) h.block_cache_->worker.reset();
  }
  // Waits for the helper thread's translations and puts them in their
  // blocks, as the run loop does at the next block it interprets.
  static void finish_translations(Hart& h) {
    if (!h.block_cache_->worker) return;
    h.block_cache_->worker->wait_idle();
    h.install_translations();
  }
  // After the current exit the hart sleeps (WFI) or parks.
  static bool wfi_pending(const Hart& h) { return h.run_stop_.wfi_pending; }
  static bool parked(const Hart& h) { return h.parked_; }
  static void clear_wfi_pending(Hart& h) { h.run_stop_.wfi_pending = false; }
};
}  // namespace rvh

namespace rvh::test {

// ---- registers ----
enum Reg : uint32_t {
  zero = 0, ra = 1, sp = 2, gp = 3, tp = 4, t0 = 5, t1 = 6, t2 = 7, s0 = 8, s1 = 9,
  a0 = 10, a1 = 11, a2 = 12, a3 = 13, a4 = 14, a5 = 15, a6 = 16, a7 = 17,
};

// ---- encoder ----
namespace enc {
constexpr uint32_t r(uint32_t op, uint32_t rd, uint32_t f3, uint32_t rs1, uint32_t rs2, uint32_t f7) {
  return op | rd << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | f7 << 25;
}
constexpr uint32_t i(uint32_t op, uint32_t rd, uint32_t f3, uint32_t rs1, int32_t imm) {
  return op | rd << 7 | f3 << 12 | rs1 << 15 | (static_cast<uint32_t>(imm) & 0xfff) << 20;
}
constexpr uint32_t s(uint32_t op, uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm) {
  const uint32_t u = static_cast<uint32_t>(imm);
  return op | (u & 0x1f) << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | ((u >> 5) & 0x7f) << 25;
}
constexpr uint32_t b(uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm) {
  const uint32_t u = static_cast<uint32_t>(imm);
  return 0x63 | ((u >> 11) & 1) << 7 | ((u >> 1) & 0xf) << 8 | f3 << 12 | rs1 << 15 | rs2 << 20 |
         ((u >> 5) & 0x3f) << 25 | ((u >> 12) & 1) << 31;
}
constexpr uint32_t u(uint32_t op, uint32_t rd, uint32_t imm20) { return op | rd << 7 | (imm20 & 0xfffff) << 12; }
constexpr uint32_t j(uint32_t rd, int32_t imm) {
  const uint32_t v = static_cast<uint32_t>(imm);
  return 0x6f | rd << 7 | ((v >> 12) & 0xff) << 12 | ((v >> 11) & 1) << 20 | ((v >> 1) & 0x3ff) << 21 |
         ((v >> 20) & 1) << 31;
}

// Immediates of the named helpers below must fit (a silently truncated
// offset would make a test check the wrong address).
inline int32_t simm12(int32_t v) {
  if (v < -2048 || v > 2047) {
    std::fprintf(stderr, "hart_test_util: immediate %d does not fit in 12 bits\n", v);
    std::abort();
  }
  return v;
}

constexpr uint32_t lui(uint32_t rd, uint32_t imm20) { return u(0x37, rd, imm20); }
constexpr uint32_t auipc(uint32_t rd, uint32_t imm20) { return u(0x17, rd, imm20); }
constexpr uint32_t jal(uint32_t rd, int32_t off) { return j(rd, off); }
inline uint32_t jalr(uint32_t rd, uint32_t rs1, int32_t off) { return i(0x67, rd, 0, rs1, simm12(off)); }
constexpr uint32_t beq(uint32_t a, uint32_t bb, int32_t off) { return b(0, a, bb, off); }
constexpr uint32_t bne(uint32_t a, uint32_t bb, int32_t off) { return b(1, a, bb, off); }
inline uint32_t addi(uint32_t rd, uint32_t rs1, int32_t imm) { return i(0x13, rd, 0, rs1, simm12(imm)); }
inline uint32_t ori(uint32_t rd, uint32_t rs1, int32_t imm) { return i(0x13, rd, 6, rs1, simm12(imm)); }
constexpr uint32_t slli(uint32_t rd, uint32_t rs1, uint32_t sh) { return i(0x13, rd, 1, rs1, static_cast<int32_t>(sh)); }
constexpr uint32_t add(uint32_t rd, uint32_t rs1, uint32_t rs2) { return r(0x33, rd, 0, rs1, rs2, 0); }
inline uint32_t nop() { return addi(0, 0, 0); }
inline uint32_t lb(uint32_t rd, uint32_t rs1, int32_t off) { return i(0x03, rd, 0, rs1, simm12(off)); }
inline uint32_t lh(uint32_t rd, uint32_t rs1, int32_t off) { return i(0x03, rd, 1, rs1, simm12(off)); }
inline uint32_t lw(uint32_t rd, uint32_t rs1, int32_t off) { return i(0x03, rd, 2, rs1, simm12(off)); }
inline uint32_t ld(uint32_t rd, uint32_t rs1, int32_t off) { return i(0x03, rd, 3, rs1, simm12(off)); }
inline uint32_t lbu(uint32_t rd, uint32_t rs1, int32_t off) { return i(0x03, rd, 4, rs1, simm12(off)); }
inline uint32_t sb(uint32_t rs2, uint32_t rs1, int32_t off) { return s(0x23, 0, rs1, rs2, simm12(off)); }
inline uint32_t sw(uint32_t rs2, uint32_t rs1, int32_t off) { return s(0x23, 2, rs1, rs2, simm12(off)); }
inline uint32_t sd(uint32_t rs2, uint32_t rs1, int32_t off) { return s(0x23, 3, rs1, rs2, simm12(off)); }
constexpr uint32_t csrrw(uint32_t rd, uint32_t csr, uint32_t rs1) { return i(0x73, rd, 1, rs1, static_cast<int32_t>(csr)); }
constexpr uint32_t csrrs(uint32_t rd, uint32_t csr, uint32_t rs1) { return i(0x73, rd, 2, rs1, static_cast<int32_t>(csr)); }
constexpr uint32_t csrrc(uint32_t rd, uint32_t csr, uint32_t rs1) { return i(0x73, rd, 3, rs1, static_cast<int32_t>(csr)); }
constexpr uint32_t csrrwi(uint32_t rd, uint32_t csr, uint32_t uimm) { return i(0x73, rd, 5, uimm, static_cast<int32_t>(csr)); }
constexpr uint32_t csrrsi(uint32_t rd, uint32_t csr, uint32_t uimm) { return i(0x73, rd, 6, uimm, static_cast<int32_t>(csr)); }
constexpr uint32_t csrrci(uint32_t rd, uint32_t csr, uint32_t uimm) { return i(0x73, rd, 7, uimm, static_cast<int32_t>(csr)); }
constexpr uint32_t csrr(uint32_t rd, uint32_t csr) { return csrrs(rd, csr, 0); }
constexpr uint32_t csrw(uint32_t csr, uint32_t rs1) { return csrrw(0, csr, rs1); }
constexpr uint32_t csrwi(uint32_t csr, uint32_t uimm) { return csrrwi(0, csr, uimm); }
constexpr uint32_t csrs(uint32_t csr, uint32_t rs1) { return csrrs(0, csr, rs1); }
constexpr uint32_t csrc(uint32_t csr, uint32_t rs1) { return csrrc(0, csr, rs1); }
constexpr uint32_t ecall() { return 0x00000073; }
constexpr uint32_t ebreak() { return 0x00100073; }
constexpr uint32_t mret() { return 0x30200073; }
constexpr uint32_t sret() { return 0x10200073; }
constexpr uint32_t wfi() { return 0x10500073; }
constexpr uint32_t sfence_vma(uint32_t rs1, uint32_t rs2) { return r(0x73, 0, 0, rs1, rs2, 0x09); }
constexpr uint32_t fence_i() { return 0x0000100f; }
constexpr uint32_t amo(uint32_t f5, uint32_t f3, uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return r(0x2f, rd, f3, rs1, rs2, f5 << 2);
}
constexpr uint32_t lr_w(uint32_t rd, uint32_t rs1) { return amo(0x02, 2, rd, rs1, 0); }
constexpr uint32_t lr_d(uint32_t rd, uint32_t rs1) { return amo(0x02, 3, rd, rs1, 0); }
constexpr uint32_t sc_w(uint32_t rd, uint32_t rs2, uint32_t rs1) { return amo(0x03, 2, rd, rs1, rs2); }
constexpr uint32_t sc_d(uint32_t rd, uint32_t rs2, uint32_t rs1) { return amo(0x03, 3, rd, rs1, rs2); }
constexpr uint32_t amoadd_w(uint32_t rd, uint32_t rs2, uint32_t rs1) { return amo(0x00, 2, rd, rs1, rs2); }
constexpr uint32_t amoadd_d(uint32_t rd, uint32_t rs2, uint32_t rs1) { return amo(0x00, 3, rd, rs1, rs2); }
constexpr uint32_t amoswap_d(uint32_t rd, uint32_t rs2, uint32_t rs1) { return amo(0x01, 3, rd, rs1, rs2); }
constexpr uint32_t j_self() { return 0x0000006f; }  // j .
// li for a value that fits in 32 bits (signed): lui+addi, or addi alone.
inline void li(std::vector<uint32_t>& p, uint32_t rd, int64_t v) {
  const int32_t lo = static_cast<int32_t>(static_cast<uint32_t>(v) << 20) >> 20;
  const uint32_t hi = static_cast<uint32_t>((v - lo) >> 12) & 0xfffff;
  if (hi) {
    p.push_back(lui(rd, hi));
    p.push_back(addi(rd, rd, lo));
  } else {
    p.push_back(addi(rd, 0, lo));
  }
}
}  // namespace enc

// ---- memory map of the bench ----
constexpr uint64_t kRamBase = 0x80000000ull;
constexpr uint64_t kRamSize = 16ull << 20;
constexpr uint64_t kCode = kRamBase;            // programs
constexpr uint64_t kMtrap = kRamBase + 0x1000;  // mtvec: 64 x `j .`
constexpr uint64_t kStrap = kRamBase + 0x1800;  // stvec: 64 x `j .`
constexpr uint64_t kPark = kRamBase + 0x1f00;   // `j .` used by run() while lines settle
constexpr uint64_t kData = kRamBase + 0x20000;  // scratch data
constexpr uint64_t kPt = kRamBase + 0x100000;   // page tables

inline uint64_t g_mtime = 0;  // the bench's mtime (Hart::read_mtime)

struct HartBench {
  sc_core::sc_signal<bool> msip{"msip"}, mtip{"mtip"}, meip{"meip"}, seip{"seip"};
  Bus bus{"bus", sc_core::SC_ZERO_TIME};
  Memory ram{"ram", kRamSize};
  Hart hart;

  static HartConfig config() {
    HartConfig c;
    c.reset_pc = kCode;
    return c;
  }
  HartBench() : hart("hart", config()) {
    bus.map("ram", kRamBase, kRamSize);
    bus.init_socket.bind(ram.socket);
    hart.bus.bind(bus.targ_socket);
    hart.irq_msip.bind(msip);
    hart.irq_mtip.bind(mtip);
    hart.irq_meip.bind(meip);
    hart.irq_seip.bind(seip);
    hart.read_mtime = [](const sc_core::sc_time&) { return g_mtime; };
  }

  uint8_t* host(uint64_t pa) { return ram.host_pointer(pa - kRamBase); }
  void w32(uint64_t pa, uint32_t v) { std::memcpy(host(pa), &v, 4); }
  void w64(uint64_t pa, uint64_t v) { std::memcpy(host(pa), &v, 8); }
  void w8(uint64_t pa, uint8_t v) { *host(pa) = v; }
  uint32_t r32(uint64_t pa) { uint32_t v; std::memcpy(&v, host(pa), 4); return v; }
  uint64_t r64(uint64_t pa) { uint64_t v; std::memcpy(&v, host(pa), 8); return v; }
  uint8_t r8(uint64_t pa) { return *host(pa); }

  // Fresh state for one test: RAM cleared, trap vectors parked, hart reset
  // to M-mode at kCode with mtvec/stvec pointing at the parking vectors,
  // interrupt lines low, mtime 0.
  void reset() {
    std::memset(host(kRamBase), 0, kRamSize);
    for (unsigned k = 0; k < 64; ++k) {
      w32(kMtrap + 4 * k, enc::j_self());
      w32(kStrap + 4 * k, enc::j_self());
    }
    w32(kPark, enc::j_self());
    msip.write(false);
    mtip.write(false);
    meip.write(false);
    seip.write(false);
    g_mtime = 0;
    HartTestAccess::reset(hart, kCode);
    hart.csr.mtvec = kMtrap;
    hart.csr.stvec = kStrap;
  }

  // The hart spins on a `j .` (identity-mapped code only).
  bool parked() {
    const uint64_t pc = hart.pc;
    return pc >= kRamBase && pc + 4 <= kRamBase + kRamSize && r32(pc) == enc::j_self();
  }
  // Runs until the hart parks (true) or max_us of simulated time pass.
  //
  // settle: interrupt-line writes made by the test since the last sc_start
  // only reach the signals in the next update phase, and the hart may be
  // resumed (and sample its lines) in the evaluation phase before it. So
  // first spin the hart on kPark with mie = 0 for one quantum, then restore
  // pc/mie: the hart samples the settled lines when it next resumes, before
  // executing the program. Use settle=false when the hart sleeps in WFI
  // (it wakes on the line's value-changed event instead).
  bool run(unsigned max_us = 100, bool settle = true) {
    if (settle) {
      const uint64_t pc = hart.pc, mie = hart.csr.mie;
      hart.pc = kPark;
      hart.csr.mie = 0;
      hart.update_irq();
      sc_core::sc_start(1, sc_core::SC_US);
      hart.pc = pc;
      hart.csr.mie = mie;
      hart.update_irq();
    }
    for (unsigned k = 0; k < max_us; ++k) {
      sc_core::sc_start(1, sc_core::SC_US);
      if (parked()) return true;
    }
    return false;
  }

  // A PMP entry that lets S/U access everything (lowest priority entry 15).
  void pmp_allow_all() {
    hart.csr_write(csr::kPmpaddr0 + 15, (1ull << 54) - 1, 0);
    set_pmpcfg(15, csr::kPmpR | csr::kPmpW | csr::kPmpX | (csr::kPmpNapot << csr::kPmpAShift));
  }
  void set_pmpcfg(unsigned entry, uint8_t cfg) {
    const unsigned reg = csr::kPmpcfg0 + (entry / 8) * 2;
    uint64_t v = hart.csr_read(reg, 0, false);
    v &= ~(0xffull << (8 * (entry % 8)));
    v |= static_cast<uint64_t>(cfg) << (8 * (entry % 8));
    hart.csr_write(reg, v, 0);
  }
};

inline HartBench& bench() {
  static HartBench* b = new HartBench();  // never destroyed: SystemC owns the modules
  return *b;
}

// Builds a program at `base`; load() copies it into RAM.
struct Prog {
  uint64_t base;
  std::vector<uint32_t> words;
  explicit Prog(uint64_t b = kCode) : base(b) {}
  Prog& operator<<(uint32_t w) { words.push_back(w); return *this; }
  Prog& add(std::initializer_list<uint32_t> ws) { words.insert(words.end(), ws); return *this; }
  uint64_t here() const { return base + 4 * words.size(); }
  uint64_t addr(size_t index) const { return base + 4 * index; }
  // `j .`; returns its address.
  uint64_t halt() { const uint64_t a = here(); words.push_back(enc::j_self()); return a; }
  void load(HartBench& b) const {
    for (size_t k = 0; k < words.size(); ++k) b.w32(base + 4 * k, words[k]);
  }
};

constexpr uint64_t kIntr = csr::kInterruptBit;

// Loads `p`, enters `priv` (S/U get a PMP entry allowing everything unless
// allow_all is false) and runs until the hart parks. Returns false on timeout.
inline bool run_prog(HartBench& b, const Prog& p, Priv priv = kPrivM, bool allow_all = true) {
  p.load(b);
  if (priv != kPrivM && allow_all) b.pmp_allow_all();
  b.hart.set_priv(priv);
  return b.run();
}

// The hart took an exception into M-mode (direct mtvec at kMtrap).
inline void expect_mtrap(HartBench& b, uint64_t cause, uint64_t epc, uint64_t tval) {
  EXPECT_EQ(b.hart.priv, kPrivM);
  EXPECT_EQ(b.hart.csr.mcause, cause);
  EXPECT_EQ(b.hart.csr.mepc, epc);
  EXPECT_EQ(b.hart.csr.mtval, tval);
  EXPECT_EQ(b.hart.pc, kMtrap);
}
// The hart took an exception into S-mode (direct stvec at kStrap).
inline void expect_strap(HartBench& b, uint64_t cause, uint64_t epc, uint64_t tval) {
  EXPECT_EQ(b.hart.priv, kPrivS);
  EXPECT_EQ(b.hart.csr.scause, cause);
  EXPECT_EQ(b.hart.csr.sepc, epc);
  EXPECT_EQ(b.hart.csr.stval, tval);
  EXPECT_EQ(b.hart.pc, kStrap);
}
// The program ran to its final `j .` at `end` without trapping.
inline void expect_done(HartBench& b, uint64_t end) {
  EXPECT_EQ(b.hart.pc, end);
  EXPECT_EQ(b.hart.csr.mcause, 0u) << "unexpected trap, mepc=" << std::hex << b.hart.csr.mepc
                                   << " mtval=" << b.hart.csr.mtval;
  EXPECT_EQ(b.hart.csr.scause, 0u) << "unexpected S trap, sepc=" << std::hex << b.hart.csr.sepc;
}

}  // namespace rvh::test

#endif  // RVH_TESTS_UNIT_HART_TEST_UTIL_H
