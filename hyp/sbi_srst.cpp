// hyp/sbi_srst.cpp: the SBI System Reset extension (EID "SRST",
// ext-sys-reset.adoc).
//
// system_reset(reset_type, reset_reason), both 32 bits (upper bits of a0/a1
// ignored):
//  - shutdown (0): Vm::stop(0, "shutdown...") and action kStopVm.
//  - cold reboot (1), warm reboot (2): Vm::stop(0, "reboot...") and kStopVm.
//  - reason "system failure" (1): exit status 1 instead of 0.
//    The VP does not reboot the guest: a reboot ends the run like a
//    shutdown (KVM also only reports KVM_SYSTEM_EVENT_RESET to the VMM).
//  - reason 0 (no reason) or 1 (system failure), carried into the reason
//    string: "shutdown", "shutdown: system failure", "reboot: cold",
//    "reboot: warm, system failure", ...
//  - any other type or reason is reserved, or SBI-implementation/platform
//    specific and not implemented here: SBI_ERR_INVALID_PARAM (the VM goes on).
#include <cstdint>
#include <memory>
#include <string>

#include "hyp/sbi.h"
#include "hyp/vcpu.h"
#include "hyp/vm.h"

namespace rvh::hyp {
namespace {

constexpr uint64_t kSystemReset = 0;
enum : uint32_t { kTypeShutdown = 0, kTypeColdReboot = 1, kTypeWarmReboot = 2 };
enum : uint32_t { kReasonNone = 0, kReasonSystemFailure = 1 };

class SbiSrst : public SbiExtension {
 public:
  const char* name() const override { return "srst"; }
  bool serves(uint64_t eid) const override { return eid == kSbiExtSrst; }

  SbiResult call(Vcpu& vcpu, const SbiCall& call) override {
    SbiResult r;
    if (call.fid != kSystemReset) {
      r.error = kSbiErrNotSupported;
      return r;
    }
    const uint32_t type = static_cast<uint32_t>(call.args[0]);
    const uint32_t reason = static_cast<uint32_t>(call.args[1]);
    if (type > kTypeWarmReboot || reason > kReasonSystemFailure) {
      r.error = kSbiErrInvalidParam;
      return r;
    }
    std::string text = type == kTypeShutdown ? "shutdown" : "reboot";
    std::string detail = type == kTypeColdReboot ? "cold" : type == kTypeWarmReboot ? "warm" : "";
    if (reason == kReasonSystemFailure) detail += std::string(detail.empty() ? "" : ", ") + "system failure";
    if (!detail.empty()) text += ": " + detail;
    // A guest that reports a system failure ends the run with status 1, so
    // scripts and tests see it; shutdown and reboot end it with 0.
    vcpu.vm().stop(reason == kReasonSystemFailure ? 1 : 0, text);
    r.action = SbiAction::kStopVm;
    return r;
  }

  std::string function_name(uint64_t eid, uint64_t fid) const override {
    return fid == kSystemReset ? "system_reset" : SbiExtension::function_name(eid, fid);
  }
};

}  // namespace

std::unique_ptr<SbiExtension> make_sbi_srst() { return std::make_unique<SbiSrst>(); }

}  // namespace rvh::hyp
