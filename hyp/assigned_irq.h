// hyp/assigned_irq.h: the host side of an assigned device's interrupt
// (docs/io.md "Device assignment"). The hypervisor owns the physical PLIC's
// S-mode context of hart 0 (context 1): it enables there the sources of the
// devices it assigned, and when that context's line rises it claims the
// source and injects it into the owning VM (Vm::inject_assigned_irq), as
// Linux's VFIO platform driver takes the interrupt and signals KVM's irqfd.
// The physical claim is completed when the guest completes the source at
// its virtual PLIC (Vm::complete_host_irq), so a line that is still high
// interrupts again. The harts' HS-level SEIE stays clear: this process, not
// a trap on the hart, stands for the host's interrupt handler; its cost is
// charged to the VM (hyp.assigned_irq plus a world switch).
#pragma once
#include <cstdint>
#include <functional>
#include <map>

#include <systemc>

namespace rvh::hyp {

class Vm;

class AssignedIrqForwarder : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(AssignedIrqForwarder);
  // 32-bit access to the physical PLIC's registers (offset from its base).
  using PlicAccess = std::function<uint32_t(uint64_t offset, uint32_t value, bool write)>;
  // `host_line`: the physical PLIC's context-1 output (hart 0's SEIP).
  AssignedIrqForwarder(sc_core::sc_module_name name, const sc_core::sc_signal<bool>& host_line, PlicAccess plic);

  // Routes `source` to `vm` (one VM per source) and sets the VM's completion hook.
  void route(unsigned source, Vm& vm);
  uint64_t forwarded() const { return forwarded_; }

 private:
  static constexpr unsigned kHostContext = 1;  // hart 0's S-mode context
  const sc_core::sc_signal<bool>& host_line_;
  PlicAccess plic_;
  std::map<unsigned, Vm*> routes_;
  uint64_t forwarded_ = 0;
  void run();
  void complete(unsigned source);
};

}  // namespace rvh::hyp
