// platform/calibrate_cmd.h: `rvh-vp calibrate` (issue 12, docs/kvm.md):
// boots the KVM host (Linux 6.1 with KVM, sw/linux/build.sh --kvm) on this
// platform, runs the benchmark guest (sw/guest/bench/gb_micro.c) under the
// real KVM through our VMM (sw/kvm), runs the same guest under the hosted
// hypervisor, and fits the hosted hypervisor's hyp.* costs until each
// operation costs what it cost under KVM (platform/calibration.h). Writes a
// configuration file that --config accepts, with the measurements and
// their provenance.
#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace rvh {

// args: [--output FILE] [--json FILE] [--config FILE] [--set KEY=VALUE]...
// [--kvm-kernel IMAGE] [--kvm-initrd FILE] [--bios FIRMWARE] [--sw-dir DIR]
// [--keep DIR]. Returns the process exit status.
int calibrate_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace rvh
