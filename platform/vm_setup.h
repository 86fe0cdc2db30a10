// platform/vm_setup.h: the VMs of a --hyp run, from the command line: one
// per --vm, or the single-VM shorthand (--kernel, --append, --guest-memory,
// --smp vCPUs on as many harts). The options that are not per VM
// (--no-guest-sstc, --hyp-prefault, --strict-mmio, ...) apply to every VM.
#pragma once
#include <vector>

#include "platform/options.h"
#include "platform/soc.h"
#include "platform/timing_config.h"

namespace rvh {

// Throws ConfigError for a VM's config= file that cannot be used.
std::vector<Soc::VmBoot> plan_vms(const Options& opt, const TimingConfig& timing);

}  // namespace rvh
