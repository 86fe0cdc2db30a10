// platform/timeline.h: the --timeline writer: a Chrome trace-event JSON file
// (opens in ui.perfetto.dev and chrome://tracing; docs/reports.md).
//
// Tracks: process "harts" with one thread per hart, showing the mode the
// hart is in (M, S or HS, U, VS, VU) and WFI sleep; with --hyp, one process
// per VM ("vm (hosted hypervisor)" with one VM, "vm0 (hosted hypervisor)",
// "vm1 ..." with several) with one thread per vCPU ("vcpu0", or "vm1 vcpu0"
// with several VMs), showing guest intervals, every exit as a slice named
// by its cause (args: cycles, hypervisor cycles, the charges, scause, stval,
// gpa, htinst), the periods the vCPU waits for a hart (the scheduler's run
// queue), is blocked in WFI or stopped (SBI HSM, or its VM stopped). The
// vCPU states follow the scheduler (hyp::Scheduler::on_run_state): a vCPU
// is on no hart in particular. Without --hyp only the hart tracks are written.
//
// Timestamps are the hart's local simulated time (SystemC time plus how far
// the hart runs ahead in its quantum), in microseconds. Events caused by
// another SystemC process (a hypervisor timer) are stamped with SystemC time;
// on each track a slice never starts before the previous one ended (such a
// slice is moved later), so slices on one track are ordered and never overlap.
//
// The file is written as the run goes. After `max_events` slices no more are
// written (a long Linux run cannot fill the disk); the file says so in
// "otherData" and with an instant event, and finish() says so on stderr.
#pragma once
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cpu/hart.h"
#include "hyp/exit_trace.h"
#include "platform/file_io.h"

namespace rvh {

namespace hyp {
class Scheduler;
class Vcpu;
class Vm;
}  // namespace hyp

class Timeline : public HartObserver {
 public:
  static constexpr uint64_t kDefaultMaxEvents = 1'000'000;

  // Starts writing `out` (opened before the run, platform/file_io.h; throws
  // OutputError naming it) and attaches itself to the harts and, with --hyp
  // (`vms` not empty, `scheduler` not null), to every vCPU of every VM and
  // to the scheduler's run-state changes.
  Timeline(OutputFile out, uint64_t max_events, const std::vector<Hart*>& harts, const std::vector<hyp::Vm*>& vms,
           hyp::Scheduler* scheduler);
  ~Timeline() override;
  Timeline(const Timeline&) = delete;
  Timeline& operator=(const Timeline&) = delete;

  // Closes the open slices at the end of the run and completes the file;
  // prints a line on stderr if events were dropped. Throws on a write error.
  void finish();

  uint64_t events_written() const { return written_; }
  uint64_t events_dropped() const { return dropped_; }

  // HartObserver
  void mode_changed(Hart& hart) override;
  void sleep_changed(Hart& hart, bool asleep) override;

 private:
  // hyp::RunState, with kStopped split: HSM stopped (also before its first
  // start) or its VM stopped.
  enum class VcpuState { kRunning, kQueued, kBlocked, kStopped, kVmStopped };
  // Cycles charged for putting a vCPU on a hart (hyp/scheduler.h).
  struct SwitchCharges {
    uint64_t vcpu_switch = 0, vm_switch = 0, gstage_flush = 0;
  };
  static SwitchCharges switch_charges(const hyp::Vcpu& v);
  struct Track {
    int pid = 0;
    unsigned tid = 0;
    uint64_t last_end_ps = 0;  // slices on this track start no earlier
  };
  struct HartTrack {
    Track track;
    Hart* hart = nullptr;
    const char* label = nullptr;  // what the open slice shows
    uint64_t since_ps = 0;
    bool asleep = false;  // as this track shows it (sleep_changed)
  };
  struct VcpuTrack {
    Track track;
    hyp::Vcpu* vcpu = nullptr;
    std::string name;  // "vcpu0", "vm1 vcpu0"
    VcpuState state = VcpuState::kStopped;
    uint64_t since_ps = 0;
    // Put on a hart that has not woken yet (as its track shows): it runs
    // from the hart's wake-up.
    bool running_at_wake = false;
    // While running: the hart it runs on, and the switch costs charged to
    // it so far (the scheduler charges them right after putting it there).
    Hart* on_hart = nullptr;
    SwitchCharges charged_at_run;
    // Another vCPU was put on its hart at left_hart_ps; its own next state
    // (waiting, blocked, stopped) starts there.
    bool left_hart = false;
    uint64_t left_hart_ps = 0;
  };
  // Each vCPU's exits come to the Timeline through one of these (an exit
  // event names the vCPU only within its VM).
  class ExitTap : public hyp::ExitRecorder {
   public:
    ExitTap(Timeline& t, size_t track) : timeline_(t), track_(track) {}
    void exit_taken(const hyp::ExitEvent& e) override { timeline_.exit_taken(track_, e); }

   private:
    Timeline& timeline_;
    size_t track_;
  };

  OutputFile out_;
  std::FILE* file_ = nullptr;  // out_'s stream while writing
  uint64_t max_events_;
  uint64_t written_ = 0, dropped_ = 0;
  uint64_t truncated_at_ps_ = 0;
  bool first_event_ = true, finished_ = false, hyp_ = false;
  std::vector<HartTrack> harts_;
  std::vector<VcpuTrack> vcpus_;
  std::vector<std::unique_ptr<ExitTap>> taps_;
  std::map<const hyp::Vcpu*, size_t> track_of_;
  std::vector<std::string> vm_process_names_;  // pid kVmPid + i
  hyp::Scheduler* scheduler_ = nullptr;
  std::function<void(hyp::Vcpu&)> previous_on_run_state_;

  const char* mode_label(const Hart& h) const;
  // Now on the calling process's hart (its local time), else SystemC time.
  uint64_t now_ps() const;
  static VcpuState state_of(const hyp::Vcpu& v);
  void run_state_changed(hyp::Vcpu& vcpu);
  void exit_taken(size_t track, const hyp::ExitEvent& e);
  HartTrack& hart_track(const Hart& h);
  void write_raw(const std::string& event_json);
  void write_metadata();
  // A complete ("X") slice from start to end (clamped to the track's order);
  // `args` is a JSON object text or empty.
  void slice(Track& t, const std::string& name, const char* category, uint64_t start_ps, uint64_t end_ps,
             const std::string& args, bool always);
  void close_hart_slice(HartTrack& h, uint64_t now_ps);
  void close_vcpu_state(VcpuTrack& v, uint64_t now_ps);
  // The switch slice of a vCPU just put on a hart, before its guest slice.
  void switch_slice(VcpuTrack& v);
};

}  // namespace rvh
