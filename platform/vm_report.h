// platform/vm_report.h: the hosted hypervisor's part of the run's reports.
// With one VM, --stats "hypervisor" is that VM's statistics (as before
// several VMs existed). With several, "hypervisor" holds the totals in the
// same shape ("vm", "vcpus", each vCPU naming its VM), and "vms" each VM's
// own; "scheduler" holds the vCPU scheduler's counters in both cases.
#pragma once
#include <ostream>

#include <nlohmann/json.hpp>

#include "platform/soc.h"

namespace rvh {

// Null without --hyp.
nlohmann::json hypervisor_stats_json(Soc& soc);
// One line per VM (how it stopped) and the scheduler's counters.
void print_vm_summary(Soc& soc, std::ostream& out);

}  // namespace rvh
