// hyp/assigned_irq.cpp: see assigned_irq.h.
#include "hyp/assigned_irq.h"

#include "hyp/vm.h"

namespace rvh::hyp {
namespace {
// PLIC registers (peripherals/plic.h).
constexpr uint64_t kPriority = 0x0, kEnable = 0x2000, kEnableStride = 0x80;
constexpr uint64_t kThreshold = 0x200000, kClaim = 0x200004, kContextStride = 0x1000;
}  // namespace

AssignedIrqForwarder::AssignedIrqForwarder(sc_core::sc_module_name name, const sc_core::sc_signal<bool>& host_line,
                                           PlicAccess plic)
    : sc_core::sc_module(name), host_line_(host_line), plic_(std::move(plic)) {
  SC_THREAD(run);
}

void AssignedIrqForwarder::route(unsigned source, Vm& vm) {
  routes_[source] = &vm;
  vm.complete_host_irq = [this](unsigned s) { complete(s); };
}

void AssignedIrqForwarder::complete(unsigned source) {
  plic_(kClaim + kContextStride * kHostContext, source, true);
}

void AssignedIrqForwarder::run() {
  // What the host kernel does when the VFIO device is opened: the source
  // gets a priority and is enabled for the host's context, threshold 0.
  const uint64_t enable = kEnable + kEnableStride * kHostContext;
  for (const auto& [source, vm] : routes_) {
    if (plic_(kPriority + 4 * source, 0, false) == 0) plic_(kPriority + 4 * source, 1, true);
    const uint64_t word = enable + 4 * (source / 32);
    plic_(word, plic_(word, 0, false) | (1u << (source % 32)), true);
  }
  plic_(kThreshold + kContextStride * kHostContext, 0, true);
  for (;;) {
    if (!host_line_.read()) wait(host_line_.posedge_event());
    const uint32_t source = plic_(kClaim + kContextStride * kHostContext, 0, false);
    if (source == 0) {  // the line drops a delta cycle after the last claim
      wait(sc_core::SC_ZERO_TIME);
      continue;
    }
    ++forwarded_;
    auto it = routes_.find(source);
    if (it == routes_.end()) {
      complete(source);  // not ours: nothing to inject
      continue;
    }
    it->second->inject_assigned_irq(source);
  }
}

}  // namespace rvh::hyp
