// hyp/sbi_hsm.cpp: the SBI Hart State Management extension (EID "HSM",
// ext-hsm.adoc), on the vCPUs of the calling VM (hart id = vCPU id).
//
//  - hart_start(hartid, start_addr, opaque): SBI_ERR_INVALID_PARAM for a
//    hart that does not exist; SBI_ERR_ALREADY_AVAILABLE unless the target
//    is STOPPED (as KVM: kvm_sbi_hsm_vcpu_start); SBI_ERR_INVALID_ADDRESS if
//    start_addr is not in guest RAM (the only executable guest-physical
//    memory); else Vcpu::start (a0 = hartid, a1 = opaque, MMU off, SIE = 0).
//  - hart_stop(): stops the calling vCPU (action kStopVcpu; the vCPU parks
//    and does not write a0/a1); SBI_ERR_FAILED if it is not STARTED.
//  - hart_get_status(hartid): the HSM state id; SBI_ERR_INVALID_PARAM for a
//    hart that does not exist. SUSPENDED while the vCPU sleeps in
//    hart_suspend; STARTED while it waits in WFI, which is no HSM state (KVM
//    reads SUSPENDED for any blocked vCPU).
//  - hart_suspend(type, resume_addr, opaque): type is 32 bits (upper bits of
//    a0 ignored). Default retentive (0): action kSuspend: the vCPU is
//    SUSPENDED and sleeps until one of its VS interrupts enabled in vsie is
//    pending, then it is STARTED and the call returns SBI_SUCCESS (KVM:
//    kvm_riscv_vcpu_wfi). Default non-retentive (0x80000000): the same
//    sleep, then the vCPU resumes at resume_addr in VS-mode with a0 =
//    hartid, a1 = opaque, vsatp = 0 and vsstatus.SIE = 0, as OpenSBI does
//    (KVM answers SBI_ERR_NOT_SUPPORTED); SBI_ERR_INVALID_ADDRESS if
//    resume_addr is not guest RAM. Any other type is reserved or an
//    unimplemented platform-specific type: SBI_ERR_INVALID_PARAM.
#include <cstdint>
#include <memory>

#include "hyp/sbi.h"
#include "hyp/vcpu.h"
#include "hyp/vm.h"

namespace rvh::hyp {
namespace {

enum : uint64_t { kHartStart = 0, kHartStop = 1, kHartGetStatus = 2, kHartSuspend = 3 };
constexpr uint32_t kSuspendRetentiveDefault = 0x00000000;
constexpr uint32_t kSuspendNonRetentiveDefault = 0x80000000;

class SbiHsm : public SbiExtension {
 public:
  const char* name() const override { return "hsm"; }
  bool serves(uint64_t eid) const override { return eid == kSbiExtHsm; }

  SbiResult call(Vcpu& vcpu, const SbiCall& call) override {
    SbiResult r;
    Vm& vm = vcpu.vm();
    switch (call.fid) {
      case kHartStart: {
        const uint64_t hartid = call.args[0], start_addr = call.args[1], opaque = call.args[2];
        if (hartid >= vm.num_vcpus()) {
          r.error = kSbiErrInvalidParam;
          break;
        }
        Vcpu& target = vm.vcpu(static_cast<unsigned>(hartid));
        if (target.hsm_state() != HsmState::kStopped) {
          r.error = kSbiErrAlreadyAvailable;
          break;
        }
        if (!vm.is_guest_ram(start_addr, 2)) {  // room for at least a compressed instruction
          r.error = kSbiErrInvalidAddress;
          break;
        }
        r.error = target.start(start_addr, opaque);
        break;
      }
      case kHartStop:
        if (vcpu.hsm_state() != HsmState::kStarted) {
          r.error = kSbiErrFailed;
          break;
        }
        r.action = SbiAction::kStopVcpu;
        break;
      case kHartGetStatus: {
        const uint64_t hartid = call.args[0];
        if (hartid >= vm.num_vcpus()) {
          r.error = kSbiErrInvalidParam;
          break;
        }
        r.value = static_cast<uint64_t>(vm.vcpu(static_cast<unsigned>(hartid)).hsm_state());
        break;
      }
      case kHartSuspend:
        switch (static_cast<uint32_t>(call.args[0])) {
          case kSuspendRetentiveDefault:
            r.action = SbiAction::kSuspend;
            break;
          case kSuspendNonRetentiveDefault:
            if (!vm.is_guest_ram(call.args[1], 2)) {  // as hart_start's start_addr
              r.error = kSbiErrInvalidAddress;
              break;
            }
            r.action = SbiAction::kSuspendNonRetentive;
            r.resume_addr = call.args[1];
            r.resume_opaque = call.args[2];
            break;
          default:
            r.error = kSbiErrInvalidParam;
            break;
        }
        break;
      default:
        r.error = kSbiErrNotSupported;
        break;
    }
    return r;
  }

  std::string function_name(uint64_t eid, uint64_t fid) const override {
    static const char* const kNames[] = {"hart_start", "hart_stop", "hart_get_status", "hart_suspend"};
    if (fid < sizeof(kNames) / sizeof(kNames[0])) return kNames[fid];
    return SbiExtension::function_name(eid, fid);
  }
};

}  // namespace

std::unique_ptr<SbiExtension> make_sbi_hsm() { return std::make_unique<SbiHsm>(); }

}  // namespace rvh::hyp
