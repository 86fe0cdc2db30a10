// cpu/block_jit.h: the block translator. A block of the block cache
// (cpu/hart.h) that has run often enough is translated to x86-64 host code
// that does what the block loop in Hart::run_insns does for it, instruction
// by instruction: the same results, the same cycles (CPI, memory latency,
// taken-branch penalty), the same stops (the quantum's cycle limit after any
// instruction; the run-stop flags after any that can set them), the same pc
// and instruction for a trap. Integer arithmetic, branches, jumps and the
// TLB-hit path of integer loads and stores are written out inline; every
// other instruction, and every access the TLB misses, calls the
// instruction's handler.
//
// Guest registers stay in the Hart (x[]): the code keeps only the cycle
// count in a host register across the block. The interpreter's block loop
// stays for everything not yet translated, for runs that stop inside a
// block on --max-insns or quantum_insns, and for the checked loop
// (watchers: debugger, commit log).
//
// With RVH_PERF_MAP=1 in the environment, each translation is listed in
// /tmp/perf-PID.map (Linux perf's map of JIT code), named by the hart and
// the pc it was translated at, so that `perf report` shows guest code.
//
// Other hosts than x86-64 have no translator: translate() returns null and
// every block runs in the interpreter.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>

#include "cpu/decoded_insn.h"

namespace rvh {

class Hart;

class BlockJit {
 public:
  // A translated block, run from its first instruction with pc = first_pc.
  // Returns null when it ran to its end or stopped between two
  // instructions (pc, npc, cycles and instret written back), or the
  // instruction that trapped (the Trap, or any other exception, stored in
  // the hart; pc at that instruction, which is not counted).
  // Instructions are run only while instret stays at most insn_stop: a
  // block is entered only if all of it fits (the loop checks the first).
  using Fn = const DecodedInsn* (*)(Hart* hart, uint64_t first_pc, uint64_t cycle_limit, uint64_t insn_stop);

  // For the harts that share `hart`'s block cache (the same layout, the
  // same table): the code it makes runs on any of them.
  explicit BlockJit(Hart& hart);
  ~BlockJit();
  BlockJit(const BlockJit&) = delete;
  BlockJit& operator=(const BlockJit&) = delete;

  // Whether this host has a translator.
  static bool available();
  // Host code for `block` (a Hart::Block, which must stay where it is
  // while the code is in use), or null when the
  // code buffer is full (or the assembler failed): reset() then drops
  // every translation. `pc` and `who` (the hart) name the code in the
  // perf map. The
  // constructor throws (std::bad_alloc) when no executable memory can be
  // had; the hart then interprets everything.
  Fn translate(const void* block, uint64_t pc, const char* who);
  void reset();
  size_t bytes_used() const;
  // Bytes from a translation's start to its chain entry, where another
  // translation jumps in (the same in every translation).
  size_t chain_offset() const;

 private:
  struct Generator;
  std::unique_ptr<Generator> gen_;
};

}  // namespace rvh
