// platform/vcd_trace.h: the --vcd writer: a VCD file (IEEE 1364; GTKWave
// opens it) written by SystemC's sc_trace, of
//   hartN.msip, .mtip, .meip, .seip   the SoC's interrupt lines into hart N
//   uart0.irq                         the UART's line into the PLIC (source 10)
//   hartN.priv (2 bits: 0 U, 1 S, 3 M), hartN.v (V), hartN.wfi (asleep)
//   hartN.vssip, .vstip, .vseip       pending VS-level interrupts (hip: hvip
//                                     and Sstc's vstimecmp); with --hyp these
//                                     are the virtual interrupts of vCPU N
// (docs/reports.md).
//
// The interrupt lines are real signals: they change at the SystemC time the
// device process drives them. The hart's mode and VS interrupt state are
// mirrored into signals of this module: the hart reports each change
// (cpu/hart_observer.h) stamped with its local time, which runs ahead of
// SystemC time inside a quantum, and this module writes the signal when
// SystemC time reaches that stamp. So a mode change is placed at the cycle
// the hart made it, not at the start of its quantum, and an exit that
// leaves and re-enters the guest inside one quantum is still visible.
// A change caused by another process (a hypervisor timer, the virtual PLIC)
// is stamped with SystemC time, and never before the previous change of the
// same signal. Changes stamped after the end of the run are not written.
//
// SystemC names its VCD file itself (it appends ".vcd" to the name given),
// so it writes into a file of a private temporary directory (mkdtemp in
// $TMPDIR or /tmp), and close() copies those bytes into the output file the
// user named, opened as given like every output (platform/file_io.h), then
// removes the temporary file and directory.
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "cpu/hart.h"
#include "platform/file_io.h"

namespace rvh {

class Soc;

class VcdTrace : public sc_core::sc_module, public HartObserver {
 public:
  SC_HAS_PROCESS(VcdTrace);
  // Traces into a private temporary file, for `out` (opened before the run;
  // throws OutputError if the temporary directory cannot be made). Must be
  // built before sc_start.
  VcdTrace(sc_core::sc_module_name name, OutputFile out, Soc& soc);
  // Without close(): the trace is discarded with its temporary directory.
  ~VcdTrace() override;

  // After the run: completes the trace and writes it to the output file.
  // Throws OutputError naming the file if it cannot be written.
  void close();

  // HartObserver
  void mode_changed(Hart& hart) override;
  void interrupts_changed(Hart& hart) override;
  void sleep_changed(Hart& hart, bool asleep) override;

 private:
  struct Change {
    uint64_t ps;
    uint8_t a, b, c;  // mode group: priv, V, asleep; interrupt group: VSSIP, VSTIP, VSEIP
  };
  struct HartSignals {
    Hart* hart = nullptr;
    std::unique_ptr<sc_core::sc_signal<sc_dt::sc_uint<2>>> priv;
    std::unique_ptr<sc_core::sc_signal<bool>> v, wfi, vssip, vstip, vseip;
    std::deque<Change> mode_changes, irq_changes;
    Change last_mode{}, last_irq{};  // the last state queued
  };

  OutputFile out_;
  std::string temp_dir_;  // private, holds SystemC's file until close()
  sc_core::sc_trace_file* file_ = nullptr;
  std::vector<HartSignals> harts_;
  sc_core::sc_event apply_event_;

  std::string temp_file() const { return temp_dir_ + "/trace.vcd"; }
  void close_systemc_file();
  void remove_temp();
  HartSignals& signals_of(const Hart& h);
  void queue(HartSignals& s, std::deque<Change>& q, Change& last, Change next);
  void apply();  // SC_METHOD: writes the changes whose time has come
};

}  // namespace rvh
