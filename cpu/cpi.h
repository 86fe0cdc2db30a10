// cpu/cpi.h: cycles per instruction class, the core of the hart's timing
// model (docs/timing.md). Memory latency is added on top: DMI accesses add
// the latency the memory granted with its DMI pointer, other accesses the
// delay the bus and target annotate.
#pragma once
#include <array>
#include <cstdint>
#include <string>

#include "cpu/decoded_insn.h"

namespace rvh {

struct CpiTable {
  // Indexed by InsnClass. Defaults: a simple in-order core.
  std::array<uint16_t, static_cast<size_t>(InsnClass::kCount)> cycles{{
      1,   // kAlu
      3,   // kMul
      20,  // kDiv
      1,   // kLoad (plus memory latency)
      1,   // kStore (plus memory latency)
      1,   // kBranch (not taken; taken adds branch_taken_penalty)
      2,   // kJump
      4,   // kCsr
      4,   // kSystem (ecall, xret, fence.i, sfence)
      4,   // kAtomic (plus memory latency)
      4,   // kFpuAdd
      4,   // kFpuMul
      5,   // kFpuFma
      20,  // kFpuDiv
      25,  // kFpuSqrt
      2,   // kFpuMisc (moves, sign injection, compares, classify)
      1,   // kFence
  }};
  uint16_t branch_taken_penalty = 2;
  uint16_t trap_entry_cycles = 10;
  // Each page-table entry the walker reads (both stages), plus its memory
  // latency: what a TLB miss costs.
  uint16_t pte_read_cycles = 1;

  uint16_t of(InsnClass c) const { return cycles[static_cast<size_t>(c)]; }
  static const char* name(InsnClass c);
};

}  // namespace rvh
