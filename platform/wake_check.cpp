// platform/wake_check.cpp: ends a run that can never progress. When every
// hart waits (WFI, a stopped vCPU, or halted) and nothing can make an
// interrupt that one of them waits for pending, the run stops with reason
// "stuck" and exit status kExitStuck, naming each hart's pc and mode (or
// "insn-limit" if --max-insns halted a hart: the other harts waited for it).
//
// A hart in WFI resumes when an interrupt enabled in mie is pending, whatever
// mstatus.MIE/SIE say (priv spec, machine chapter, "Wait for Interrupt").
// Who can make each one pending while no hart runs:
//   MTIP        the CLINT, if mtimecmp is a time the simulation can reach
//   STIP/VSTIP  with Sstc the hart's own stimecmp/vstimecmp, likewise;
//               without it only software (M-mode after MTIP) or the hosted
//               hypervisor's timer (hyp/vcpu_wake.cpp)
//   MEIP/SEIP   the PLIC, for a source enabled in the hart's context above
//               its threshold whose device can still raise it: UART0 only
//               while input can arrive, a library user's device always
//   VS*         the hosted hypervisor (hyp/vcpu_wake.cpp)
//   MSIP/SSIP/VSSIP and a parked vCPU: only software on a running hart.
// Harts notify wake_check_event_ whenever they start or re-check a wait
// (every 1 ms of simulated time while asleep); the check runs a little later
// so that interrupt lines written in the same instant have settled.
#include <cinttypes>
#include <cstdio>

#include "platform/line_writer.h"
#include "platform/soc.h"

namespace rvh {
namespace {

// Later than every delta cycle of the instant the hart asked in.
const sc_core::sc_time kSettle(1, sc_core::SC_NS);

const char* mode_name(const Hart& h) {
  static const char* const kNames[] = {"U", "S", "?", "M", "VU", "VS", "?", "?"};
  return kNames[h.mode() & 7];
}

std::string describe_wait(const HartWaitInfo& w) {
  char buf[96];
  switch (w.state) {
    case HartWaitInfo::State::kWfi:
      std::snprintf(buf, sizeof buf, "in WFI, mie 0x%" PRIx64 ", mip 0x%" PRIx64, w.wake_mask, w.pending);
      return buf;
    case HartWaitInfo::State::kParked: return "stopped (SBI HSM), waiting for hart_start";
    case HartWaitInfo::State::kHalted: return "halted";
    case HartWaitInfo::State::kRunning: break;
  }
  return "running";
}

}  // namespace

void Soc::init_wake_check() {
  user_plic_sources_.assign(memmap::kPlicNumSources + 1, false);
  if (!params_.stop_when_stuck) return;
  for (auto& hart : harts_) hart->on_wait = [this](Hart&) { wake_check_event_.notify(kSettle); };
  SC_METHOD(check_wake_sources);
  sensitive << wake_check_event_;
  dont_initialize();
}

bool Soc::mtime_can_reach(uint64_t value) const {
  if (value == ~0ull) return false;  // "never", as software disarms a timer
  bool ok = false;
  clint_.time_of_mtime(value, sc_core::sc_time_stamp(), ok);
  return ok;
}

bool Soc::plic_context_can_fire(unsigned ctx) const {
  for (unsigned s = 1; s <= memmap::kPlicNumSources; ++s) {
    if (!plic_.would_signal(ctx, s)) continue;
    if (plic_.pending(s)) return true;
    if (s == memmap::kUart0Irq ? uart_.input_may_interrupt() : user_plic_sources_[s]) return true;
  }
  return false;
}

bool Soc::hart_can_wake(unsigned h, const HartWaitInfo& w) const {
  const hyp::Scheduler* sched = scheduler_.get();
  switch (w.state) {
    case HartWaitInfo::State::kRunning: return true;
    case HartWaitInfo::State::kHalted: return false;
    case HartWaitInfo::State::kParked: return sched && sched->hart_can_wake(h, w);
    case HartWaitInfo::State::kWfi: break;
  }
  const uint64_t m = w.wake_mask;
  if (w.pending & m) return true;
  if (w.timer_mtime && mtime_can_reach(*w.timer_mtime)) return true;
  // The lines as they are now: the hart samples them only when it wakes.
  if ((m & csr::kMipMSIP) && msip_[h].read()) return true;
  if ((m & csr::kMipMTIP) && (mtip_[h].read() || mtime_can_reach(clint_.mtimecmp(h)))) return true;
  if ((m & csr::kMipMEIP) && (meip_[h].read() || plic_context_can_fire(2 * h))) return true;
  if ((m & csr::kMipSEIP) && (seip_[h].read() || plic_context_can_fire(2 * h + 1))) return true;
  return sched && sched->hart_can_wake(h, w);
}

void Soc::check_wake_sources() {
  if (finished_) return;
  std::vector<HartWaitInfo> waits;
  bool at_insn_limit = false;
  for (unsigned h = 0; h < harts_.size(); ++h) {
    waits.push_back(harts_[h]->wait_info());
    if (hart_can_wake(h, waits.back())) return;
    // Halted with the run going on: only --max-insns does that (a stopped
    // VM ends the run itself).
    at_insn_limit |= waits.back().state == HartWaitInfo::State::kHalted;
  }
  // --max-insns stopped every hart that could still run: that ended the run,
  // not the harts that wait for them (e.g. secondary harts parked in WFI).
  if (at_insn_limit) {
    finish(0, "insn-limit");
    return;
  }
  report_stuck(waits);
  finish(kExitStuck, "stuck");
}

void Soc::report_stuck(const std::vector<HartWaitInfo>& waits) const {
  LineWriter::flush_all();  // the guest's console first
  std::fflush(stdout);
  std::fprintf(stderr, "rvh-vp: all harts are waiting for an interrupt that cannot arrive\n");
  for (unsigned h = 0; h < harts_.size(); ++h) {
    const Hart& hart = *harts_[h];
    if (scheduler_ && !scheduler_->current(h) && waits[h].state == HartWaitInfo::State::kParked) {
      std::fprintf(stderr, "rvh-vp:   hart%u: idle, no vCPU can run\n", h);
      continue;
    }
    std::fprintf(stderr, "rvh-vp:   hart%u: pc 0x%016" PRIx64 " in %s-mode (V=%d), %s\n", h, hart.pc,
                 mode_name(hart), hart.virt ? 1 : 0, describe_wait(waits[h]).c_str());
  }
  // With the scheduler, vCPUs wait off the harts too.
  for (auto& vm : vms_) {
    if (vm->stop_info().stopped) continue;
    for (unsigned i = 0; i < vm->num_vcpus(); ++i) {
      hyp::Vcpu& v = vm->vcpu(i);
      if (v.loaded()) continue;
      if (v.hsm_state() == hyp::HsmState::kStopped) {
        std::fprintf(stderr, "rvh-vp:   %s vCPU %u: stopped (SBI HSM), waiting for hart_start\n",
                     vm->name.empty() ? "vm" : vm->name.c_str(), i);
        continue;
      }
      if (v.run_state() != hyp::RunState::kBlocked) continue;
      const CsrFile& c = v.csrs();
      std::fprintf(stderr, "rvh-vp:   %s vCPU %u: off the harts at pc 0x%016" PRIx64 ", waiting for an interrupt (vsie 0x%" PRIx64 ", hvip 0x%" PRIx64 ") nothing will raise\n",
                   vm->name.empty() ? "vm" : vm->name.c_str(), i, v.context_pc(),
                   (c.mie & csr::kVsInterrupts) >> 1, c.hvip & csr::kVsInterrupts);
    }
  }
}

}  // namespace rvh
