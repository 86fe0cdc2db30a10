// platform/commit_log_format.h: one line of Spike's commit log
// (spike --log-commits; riscv-isa-sim riscv/execute.cc), built from what
// an instruction did, and Spike's exception lines (spike -l):
//
//   core   0: 3 0x0000000080000000 (0x00000297) x5  0x0000000080000000
//   core   1: 1 0x0000000080000104 (0x4505) x10 0x0000000000000001
//   core   0: 3 0x0000000080000010 (0x30529073) c773_mtvec 0x0000000080000040
//   core   0: 3 0x0000000080000020 (0x0005b503) x10 0x0000000000001234 mem 0x0000000080001000
//   core   0: 3 0x0000000080000024 (0x00b50023) mem 0x0000000080001008 0x34
//
// "core" and the hart number right-aligned in 4 columns; the privilege
// level the instruction ran in (0 U, 1 S, 3 M: Spike prints the level
// only, so VS shows as 1 and VU as 0); the pc; the instruction bits, 4 hex
// digits for a compressed one; then every register written ("x5  ", "f10 "
// - the number left-aligned in 2 columns - or "c<number>_<name>" for a
// CSR; values 64 bits wide) in Spike's order (its commit log keeps them in
// a std::map keyed by number << 4 | kind: x before f before CSR of the same
// number, CSRs by number among the registers), x0 left out; the address of
// every load; the address and the value of every store, as wide as the
// store.
//
// May include: the C++ standard library and cpu/csr_names.h only.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rvh {

struct CommitRecord {
  // Spike's register kinds (the low 4 bits of its log key).
  enum class RegKind : uint8_t { kX = 0, kF = 1, kCsr = 4 };
  struct RegWrite {
    RegKind kind;
    unsigned num;
    uint64_t value;
  };
  struct MemAccess {
    uint64_t addr;
    uint64_t value;  // stores only
    unsigned size;   // bytes: 1, 2, 4, 8
  };

  unsigned hart = 0;
  unsigned priv = 3;  // 0 U, 1 S, 3 M
  uint64_t pc = 0;
  uint32_t bits = 0;
  unsigned length = 4;  // bytes: 2 or 4
  std::vector<RegWrite> writes;
  std::vector<MemAccess> loads, stores;

  // Records a register write; a second write of the same register keeps
  // the last value, as Spike's map does.
  void write(RegKind kind, unsigned num, uint64_t value);
  void clear();
};

// The line, without a newline.
std::string format_commit_line(const CommitRecord& r);

// Spike's lines for a trap taken (spike -l):
//   core   0: exception trap_user_ecall, epc 0x0000000080000040
//   core   0:           tval 0x0000000000000000
// The tval line only for the causes whose trap carries a value (address
// faults, misaligned accesses, breakpoint, illegal and virtual
// instruction); interrupts are "interrupt #7". Each line ends in '\n'.
std::string format_trap_lines(unsigned hart, uint64_t cause, bool interrupt, uint64_t epc, uint64_t tval);

}  // namespace rvh
