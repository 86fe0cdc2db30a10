// hyp/exit_trace.cpp: per-exit accounting of a vCPU: the exit's name, its
// cost into the per-cause histogram, and the event for a recorder (see
// exit_trace.h).
#include "hyp/exit_trace.h"

#include <algorithm>

#include "hyp/vcpu.h"
#include "hyp/vm.h"

namespace rvh::hyp {

const char* exception_cause_name(uint64_t cause) {
  switch (cause) {
    case 0:
      return "misaligned fetch";
    case 1:
      return "inst access fault";
    case 2:
      return "illegal insn";
    case 3:
      return "breakpoint";
    case 4:
      return "misaligned load";
    case 5:
      return "load access fault";
    case 6:
      return "misaligned store";
    case 7:
      return "store access fault";
    case 8:
      return "ecall from U";
    case 9:
      return "ecall from HS";
    case 10:
      return "ecall from VS";
    case 11:
      return "ecall from M";
    case 12:
      return "inst page fault";
    case 13:
      return "load page fault";
    case 15:
      return "store page fault";
    case 20:
      return "inst guest-page fault";
    case 21:
      return "load guest-page fault";
    case 22:
      return "virtual insn";
    case 23:
      return "store guest-page fault";
    default:
      return "exception";
  }
}

void Vcpu::begin_exit(bool trap) {
  exit_ = CurrentExit{};
  exit_.active = true;
  exit_.start_cycles = hart().cycles;
  exit_.start_hyp_cycles = stats_.hyp_cycles;
  if (recorder_) {
    exit_.event.vcpu = id_;
    exit_.event.start = hart().observation_time();
    exit_.event.trap = trap;
    const auto& c = hart().csr;
    exit_.event.scause = c.scause;
    exit_.event.stval = c.stval;
    exit_.event.htval = c.htval;
    exit_.event.htinst = c.htinst;
  }
}

void Vcpu::name_exit(std::string name) {
  if (exit_.active && exit_.name.empty()) exit_.name = std::move(name);
}

void Vcpu::end_exit() {
  if (!exit_.active) return;
  exit_.active = false;
  if (exit_.name.empty()) exit_.name = "exit scause " + std::to_string(hart().csr.scause);
  const uint64_t cycles = hart().cycles - exit_.start_cycles;
  stats_.exit_costs[exit_.name].add(cycles);
  if (!recorder_) return;
  ExitEvent& e = exit_.event;
  e.name = std::move(exit_.name);
  e.cycles = cycles;
  e.hyp_cycles = stats_.hyp_cycles - exit_.start_hyp_cycles;
  // The hart's clock period in whole picoseconds, as the hart counts time.
  const uint64_t period_ps = std::max<uint64_t>(1, 1'000'000'000'000ull / hart().config().clock_hz);
  e.duration = sc_core::sc_time(static_cast<double>(cycles * period_ps), sc_core::SC_PS);
  recorder_->exit_taken(e);
}

}  // namespace rvh::hyp
