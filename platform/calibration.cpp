// platform/calibration.cpp: see calibration.h.
#include "platform/calibration.h"

#include <algorithm>
#include <cmath>

namespace rvh {

const std::vector<CostRule>& cost_rules() {
  static const std::vector<CostRule> rules = {
      {"hyp.sbi_call", {"null_sbi"}, "null_sbi: an SBI call served in the kernel (sbi_get_spec_version)"},
      {"hyp.mmio_kernel",
       {"mmio_write_kernel"},
       "mmio_write_kernel: an MMIO write completed in the kernel (KVM_IOEVENTFD; 6.1 has no in-kernel "
       "device that answers reads)"},
      {"hyp.mmio_user",
       {"mmio_read_user", "mmio_write_user"},
       "mean of mmio_read_user and mmio_write_user: MMIO exits to the VMM (KVM_EXIT_MMIO)"},
      {"hyp.gstage_map", {"gstage_map"}, "gstage_map: first touch of a 2 MiB block of guest RAM"},
      {"hyp.sbi_console",
       {"console_putchar"},
       "console_putchar: one byte through the legacy SBI putchar, which KVM forwards to the VMM "
       "(KVM_EXIT_RISCV_SBI) and the VMM writes to the host's console"},
      {"hyp.ipi_delivery",
       {"ipi_round_trip"},
       "ipi_round_trip: two SBI IPIs between two running vCPUs, each delivered by a host IPI that kicks the "
       "target out of the guest"},
      {"hyp.host_interrupt",
       {"timer_sbi"},
       "timer_sbi: deadline to handler with the timer set through SBI (KVM programs vstimecmp when the host "
       "has Sstc)"},
      {"hyp.wfi_wakeup", {"wfi_wakeup"}, "wfi_wakeup: deadline to handler of a vCPU blocked in WFI"},
  };
  return rules;
}

const std::map<std::string, std::string>& uncalibrated_ops() {
  static const std::map<std::string, std::string> ops = {
      {"mmio_read_kernel", "Linux 6.1 KVM on RISC-V serves no MMIO read in the kernel (no in-kernel PLIC; "
                           "ioeventfd is write-only): the read exits to the VMM"},
      {"csr_emulation", "Linux 6.1 KVM emulates no CSR in the kernel, and with hcounteren = all ones the "
                        "guest reads hpmcounter3 without an exit"},
      {"timer_sstc", "no exit on either side: the guest's own vstimecmp"},
  };
  return ops;
}

bool mean_cycles(const OpMeasures& m, const std::vector<std::string>& ops, double& out) {
  if (ops.empty()) return false;
  double sum = 0;
  for (const std::string& op : ops) {
    auto it = m.find(op);
    if (it == m.end()) return false;
    sum += it->second.cycles;
  }
  out = sum / static_cast<double>(ops.size());
  return true;
}

uint64_t calibrated_value(const CostRule& rule, uint64_t current, double slope, const OpMeasures& kvm,
                          const OpMeasures& hosted, uint64_t max) {
  double want = 0, have = 0;
  if (!(slope > 0) || !mean_cycles(kvm, rule.ops, want) || !mean_cycles(hosted, rule.ops, have)) return current;
  const double next = std::round(static_cast<double>(current) + (want - have) / slope);
  if (next <= 0) return 0;
  return std::min<uint64_t>(static_cast<uint64_t>(next), max);
}

double relative_error(double kvm, double hosted) {
  if (kvm == 0) return hosted == 0 ? 0 : 1;
  return std::fabs(hosted - kvm) / std::fabs(kvm);
}

}  // namespace rvh
