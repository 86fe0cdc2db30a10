// platform/timeline.h: the --timeline writer: a Chrome trace-event JSON file
// (opens in ui.perfetto.dev and chrome://tracing; docs/reports.md).
//
// Tracks: process "harts" with one thread per hart, showing the mode the
// hart is in (M, S or HS, U, VS, VU) and WFI sleep; with --hyp, process
// "vm" with one thread per vCPU, showing guest intervals, every exit as a
// slice named by its cause (args: cycles, hypervisor cycles, the charges,
// scause, stval, gpa, htinst) and the periods the vCPU is blocked in WFI or
// stopped (SBI HSM). Without --hyp only the hart tracks are written.
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
#include <string>
#include <vector>

#include "cpu/hart.h"
#include "hyp/exit_trace.h"
#include "platform/file_io.h"

namespace rvh {

namespace hyp {
class Vm;
}

class Timeline : public HartObserver, public hyp::ExitRecorder {
 public:
  static constexpr uint64_t kDefaultMaxEvents = 1'000'000;

  // Starts writing `out` (opened before the run, platform/file_io.h; throws
  // OutputError naming it) and attaches itself to the harts and, if `vm` is
  // not null, to its vCPUs.
  Timeline(OutputFile out, uint64_t max_events, const std::vector<Hart*>& harts, hyp::Vm* vm);
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
  // hyp::ExitRecorder
  void exit_taken(const hyp::ExitEvent& e) override;

 private:
  enum class VcpuState { kNone, kRunning, kBlocked, kStopped };
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
  };
  struct VcpuTrack {
    Track track;
    VcpuState state = VcpuState::kNone;
    uint64_t since_ps = 0;
  };

  OutputFile out_;
  std::FILE* file_ = nullptr;  // out_'s stream while writing
  uint64_t max_events_;
  uint64_t written_ = 0, dropped_ = 0;
  uint64_t truncated_at_ps_ = 0;
  bool first_event_ = true, finished_ = false, hyp_ = false;
  std::vector<HartTrack> harts_;
  std::vector<VcpuTrack> vcpus_;
  hyp::Vm* vm_ = nullptr;

  const char* mode_label(const Hart& h) const;
  HartTrack& hart_track(const Hart& h);
  void write_raw(const std::string& event_json);
  void write_metadata();
  // A complete ("X") slice from start to end (clamped to the track's order);
  // `args` is a JSON object text or empty.
  void slice(Track& t, const std::string& name, const char* category, uint64_t start_ps, uint64_t end_ps,
             const std::string& args, bool always);
  void close_hart_slice(HartTrack& h, uint64_t now_ps);
  void close_vcpu_state(VcpuTrack& v, uint64_t now_ps);
};

}  // namespace rvh
