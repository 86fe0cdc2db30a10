// hyp/exit_trace.h: how a vCPU reports each exit to a recorder (the
// --timeline writer, platform/timeline.h). A Vcpu calls its recorder only if
// one is set (Vcpu::set_exit_recorder), so there is no cost when it is off.
//
// Every exit has a name that says what the hypervisor did for it, set by
// the handler that served it: "sbi time.set_timer", "mmio uart (user)",
// "mmio plic (kernel)", "wfi", "csr emulation", "gstage map",
// "redirect illegal insn", "host interrupt", "unsupported exit", ...
// The same names key the per-exit cost histograms in the statistics.
#pragma once
#include <cstdint>
#include <string>
#include <systemc>
#include <utility>
#include <vector>

namespace rvh::hyp {

struct ExitEvent {
  unsigned vcpu = 0;
  std::string name;
  sc_core::sc_time start;     // the hart's local time when the exit began
  sc_core::sc_time duration;  // `cycles` at the hart's clock
  uint64_t cycles = 0;        // hart cycles the exit took: charged costs + device access time
  uint64_t hyp_cycles = 0;    // of which charged by the cost model (hyp/costs.h)
  // The trap CSRs at the exit; `trap` is false for an exit that a host timer
  // forced (no guest trap: the CSRs are not meaningful).
  bool trap = true;
  uint64_t scause = 0, stval = 0, htval = 0, htinst = 0;
  // Each charge of the exit, in order: class ("world_switch", "sbi", ...) and cycles.
  std::vector<std::pair<std::string, uint64_t>> charges;
};

class ExitRecorder {
 public:
  virtual ~ExitRecorder() = default;
  virtual void exit_taken(const ExitEvent& e) = 0;
};

// Short names of exception causes (priv spec table 3.6, H spec table 8.7),
// as used in "redirect <cause>" exit names: "illegal insn", "load access fault".
const char* exception_cause_name(uint64_t cause);

}  // namespace rvh::hyp
