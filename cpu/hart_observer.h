// cpu/hart_observer.h: what reports (the --timeline and --vcd writers in
// platform/) watch in a hart: privilege/V changes, changes of the interrupt
// state, and WFI sleep. With no observer installed (the default) a hart pays
// one untaken branch per mode change, interrupt re-evaluation and sleep;
// nothing per instruction.
//
// Callbacks run on whichever SystemC process caused the change (usually the
// hart's own thread, sometimes a hypervisor timer or another hart's exit);
// Hart::observation_time() gives the simulated time to stamp them with.
#pragma once

namespace rvh {

class Hart;

class HartObserver {
 public:
  virtual ~HartObserver() = default;
  // priv or V changed; hart.priv / hart.virt hold the new mode.
  virtual void mode_changed(Hart& hart) { (void)hart; }
  // The pending/enabled interrupt state was re-evaluated (mip, hvip, mie,
  // Sstc compares); hart.effective_mip() may have changed.
  virtual void interrupts_changed(Hart& hart) { (void)hart; }
  // The hart starts (asleep = true) or stops sleeping in WFI, or being
  // parked (Hart::parked(): a stopped vCPU).
  virtual void sleep_changed(Hart& hart, bool asleep) { (void)hart, (void)asleep; }
};

}  // namespace rvh
