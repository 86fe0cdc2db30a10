// platform/bench_io.h: the I/O cost part of `rvh-vp bench` (issue 15,
// docs/io.md "I/O cost"): a bare-metal virtio-blk driver (g_virtio_blk)
// reading and writing a disk image sequentially in 4 KiB and 64 KiB
// requests, with VIRTIO_F_EVENT_IDX offered and not (hyp.virtio_event_idx).
// Per MiB moved: exits, guest, hypervisor and device (VMM) cycles, queue
// notifications and interrupts, read from the runs' --stats (the guest's
// benchmark regions "io" and "io_wait" and the VM's "virtio" counters).
#pragma once
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rvh {

struct IoBenchSetup {
  std::string exe;                    // this executable
  std::string sw_dir;                 // g_virtio_blk.elf
  std::filesystem::path dir;          // the disk image, the runs' output and stats
  std::vector<std::string> run_args;  // passed to every run (--set, --config, --hyp-costs, ...)
  int timeout_s = 120;                // host seconds per run
};

// Runs the eight cases, prints the table to `out` and returns 0 with
// `result` set to the "io" JSON object; on a failed run prints one line
// (and the run's stderr) to `err` and returns 1.
int bench_io(const IoBenchSetup& setup, std::ostream& out, std::ostream& err, nlohmann::json& result);

}  // namespace rvh
