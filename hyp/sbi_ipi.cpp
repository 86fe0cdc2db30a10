// hyp/sbi_ipi.cpp: the SBI IPI extension (EID "sPI", ext-ipi.adoc).
// send_ipi(hart_mask, hart_mask_base) sets VSSIP (hvip) on every vCPU the
// hart list names (hart_mask_base = -1: all vCPUs), waking it if it sleeps.
// Like KVM (kvm_sbi_ext_ipi_handler, arch/riscv/kvm/vcpu_sbi_replace.c), the
// existing harts named get the IPI and a mask naming any hart that does not
// exist returns SBI_ERR_INVALID_PARAM (the spec's hart-mask error).
#include <cstdint>
#include <memory>
#include <vector>

#include "hyp/sbi.h"
#include "hyp/vcpu.h"
#include "hyp/vm.h"

namespace rvh::hyp {
namespace {

constexpr uint64_t kSendIpi = 0;

class SbiIpi : public SbiExtension {
 public:
  const char* name() const override { return "ipi"; }
  bool serves(uint64_t eid) const override { return eid == kSbiExtIpi; }

  SbiResult call(Vcpu& vcpu, const SbiCall& call) override {
    SbiResult r;
    if (call.fid != kSendIpi) {
      r.error = kSbiErrNotSupported;
      return r;
    }
    Vm& vm = vcpu.vm();
    std::vector<unsigned> targets;
    r.error = sbi_hart_mask_targets(call.args[0], call.args[1], vm.num_vcpus(), targets);
    for (unsigned id : targets) {
      if (id == vcpu.id())
        vcpu.set_software_interrupt(true);  // a self-IPI needs no kick: seen at re-entry
      else
        vm.vcpu(id).receive_ipi();
    }
    return r;
  }

  std::string function_name(uint64_t eid, uint64_t fid) const override {
    return fid == kSendIpi ? "send_ipi" : SbiExtension::function_name(eid, fid);
  }
};

}  // namespace

std::unique_ptr<SbiExtension> make_sbi_ipi() { return std::make_unique<SbiIpi>(); }

}  // namespace rvh::hyp
