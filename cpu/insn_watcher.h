// cpu/insn_watcher.h: what watches a hart instruction by instruction: the
// commit-log trace, the Sdtrig debug triggers (cpu/triggers.h) and the GDB
// stub. While at least one watcher is installed (Hart::add_watcher), the
// hart runs its checked loop (one instruction at a time, every hook below
// called) and sends every explicit load and store through the slow path;
// with none installed it pays nothing. The checked loop retires the same
// instructions at the same cycles as the block loop, so watching a run does
// not change its figures.
#pragma once
#include <cstdint>

namespace rvh {

class Hart;
struct DecodedInsn;
struct Trap;
enum class AccessType : uint8_t;
class InsnWatcher;

// Thrown by a watcher to stop the simulation before the instruction at
// hart.pc runs (a debugger's data watchpoint, found in the middle of the
// instruction): the instruction is abandoned with no effect and the run
// loop calls by->halt_here(hart, halt), then fetches at hart.pc again.
struct DebugHalt {
  InsnWatcher* by;
  uint64_t address;
  AccessType type;
  unsigned size;
};

class InsnWatcher {
 public:
  virtual ~InsnWatcher() = default;
  // Before the hart fetches the instruction at hart.pc (after any interrupt
  // was taken). May throw Trap (an execute trigger's breakpoint exception:
  // the instruction does not run) or block (a debugger stop), and may change
  // the hart's state: the hart then fetches at the (new) hart.pc.
  virtual void at_pc(Hart&) {}
  // The instruction is about to execute / has retired. after_insn is not
  // called for one that trapped (trap_taken is, before the trap).
  virtual void before_insn(Hart&, const DecodedInsn&) {}
  virtual void after_insn(Hart&, const DecodedInsn&) {}
  // An explicit load or store of `size` bytes at virtual address vaddr, as
  // the instruction computed it, before translation (an AMO: a kLoad then a
  // kStore call). May throw Trap (a data trigger) or DebugHalt.
  virtual void before_access(Hart&, uint64_t vaddr, unsigned size, AccessType) { (void)vaddr, (void)size; }
  // After a completed access: the value loaded or stored (zero-extended).
  virtual void after_access(Hart&, uint64_t vaddr, unsigned size, AccessType, uint64_t value) {
    (void)vaddr, (void)size, (void)value;
  }
  // A CSR instruction wrote CSR `num`, or an FP instruction raised
  // exception flags (num = fflags); value is the CSR as read back.
  virtual void csr_written(Hart&, unsigned num, uint64_t value) { (void)num, (void)value; }
  // A trap is about to be taken, before any CSR changes (interrupt: an
  // asynchronous one). With a hosted hypervisor installed, `to_hypervisor`
  // says the trap is a VM exit. May block (a debugger stop).
  virtual void trap_taken(Hart&, const Trap&, bool interrupt, bool to_hypervisor) {
    (void)interrupt, (void)to_hypervisor;
  }
  // For a DebugHalt this watcher threw: block until the debugger resumes.
  virtual void halt_here(Hart&, const DebugHalt&) {}
};

}  // namespace rvh
