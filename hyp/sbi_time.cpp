// hyp/sbi_time.cpp: the SBI Timer extension (EID "TIME", ext-time.adoc).
// set_timer(stime_value) programs the vCPU's next timer event at an
// absolute guest time and clears a pending VSTIP (Vcpu::set_timer), like
// kvm_riscv_vcpu_timer_next_event. Always SBI_SUCCESS.
#include <cstdint>
#include <memory>

#include "hyp/sbi.h"
#include "hyp/vcpu.h"

namespace rvh::hyp {
namespace {

constexpr uint64_t kSetTimer = 0;

class SbiTime : public SbiExtension {
 public:
  const char* name() const override { return "time"; }
  bool serves(uint64_t eid) const override { return eid == kSbiExtTime; }

  SbiResult call(Vcpu& vcpu, const SbiCall& call) override {
    SbiResult r;
    if (call.fid != kSetTimer) {
      r.error = kSbiErrNotSupported;
      return r;
    }
    vcpu.set_timer(call.args[0]);  // RV64: the whole 64-bit value is in a0
    return r;
  }

  std::string function_name(uint64_t eid, uint64_t fid) const override {
    return fid == kSetTimer ? "set_timer" : SbiExtension::function_name(eid, fid);
  }
};

}  // namespace

std::unique_ptr<SbiExtension> make_sbi_time() { return std::make_unique<SbiTime>(); }

}  // namespace rvh::hyp
