// platform/gdb_stub.h: the GDB stub (--gdb PORT, -s, -S; docs/debugging.md).
// It binds the RSP library (debug/) to the harts: every hart is a GDB
// thread (with --hyp, the vCPU it runs), and the stub watches every hart
// (cpu/insn_watcher.h) for breakpoints, steps, watchpoints, VM exits and
// Ctrl-C.
//
// Whole-system halt: the stub serves GDB from inside the SystemC process of
// the hart that stopped, without ever returning to the SystemC kernel, so
// no other process runs, simulated time does not advance and no timer
// fires until GDB resumes. A halt changes nothing: a run that stops and
// continues ends with the same instruction count and simulated time as one
// without GDB.
//
// No thread: the socket is polled from the harts (about every 10 ms of host
// time while the simulation runs, also while every hart sleeps) and read
// blocking while halted.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cpu/hart.h"
#include "cpu/triggers.h"
#include "debug/gdb_session.h"
#include "debug/gdb_socket.h"

namespace rvh {

class Soc;

struct GdbStubOptions {
  uint16_t port = 1234;       // 0: an ephemeral port (printed)
  bool wait_for_gdb = false;  // -S: halt before the first instruction until GDB attaches
};

class GdbStub : public InsnWatcher, public gdb::Target {
 public:
  // Listens (throws std::runtime_error naming the port on failure) and
  // installs itself on every hart. Prints "rvh-vp: GDB stub on 127.0.0.1:PORT".
  GdbStub(Soc& soc, const GdbStubOptions& options);
  ~GdbStub() override;
  // The run ended: GDB is told the exit status (W) and the connection closed.
  void run_ended(int exit_code);

  // InsnWatcher
  void at_pc(Hart& hart) override;
  void before_access(Hart& hart, uint64_t vaddr, unsigned size, AccessType type) override;
  void trap_taken(Hart& hart, const Trap& trap, bool interrupt, bool to_hypervisor) override;
  void halt_here(Hart& hart, const DebugHalt& halt) override;

  // gdb::Target
  std::vector<int> threads() override;
  std::string thread_description(int thread) override;
  const std::vector<gdb::RegisterInfo>& registers() override { return registers_; }
  bool read_register(int thread, unsigned regnum, uint64_t& value) override;
  bool write_register(int thread, unsigned regnum, uint64_t value) override;
  bool read_memory(int thread, uint64_t address, size_t length, std::vector<uint8_t>& out) override;
  bool write_memory(int thread, uint64_t address, const std::vector<uint8_t>& data) override;
  gdb::BreakStatus set_breakpoint(gdb::BreakKind type, uint64_t address, unsigned kind, bool insert) override;
  void resume(const std::vector<gdb::ResumeAction>& actions) override;
  std::string monitor(const std::string& command) override;
  void detach() override;
  void kill() override;

 private:
  // A GDB hardware breakpoint or watchpoint: triggers [first, first+count)
  // of hw_ (two for a range that is not a naturally aligned power of two).
  struct HwPoint {
    gdb::BreakKind kind;
    uint64_t address;
    unsigned length;
    unsigned first, count;
  };

  Soc& soc_;
  std::vector<Hart*> harts_;
  gdb::TcpServer server_;
  std::unique_ptr<gdb::Session> session_;
  std::vector<gdb::RegisterInfo> registers_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();

  // Set while GDB is attached and in control (breakpoints apply).
  bool attached_ = false;
  // Stop at the next instruction of any hart, with this signal (5 after
  // an attach or -S, 2 for Ctrl-C).
  std::optional<int> halt_request_;
  int step_thread_ = 0;  // a hart stepping (GDB thread id), 0 = none
  bool step_started_ = false;
  // The last stop was before the instruction at pc with no at_pc to come
  // for it (a stop in at_pc) or after it started (a VM exit): a step then
  // counts that instruction as its one.
  bool current_insn_done_ = false;
  // Per hart: the pc it resumed at, whose breakpoint is not reported again
  // before it moves, and the pc of an instruction that stopped for a
  // watchpoint, whose accesses are not checked again when it re-runs.
  std::vector<uint64_t> resume_pc_, watch_skip_pc_;
  std::set<uint64_t> sw_breakpoints_;
  static constexpr unsigned kHwTriggers = 16;
  TriggerSet hw_{kHwTriggers};
  std::vector<HwPoint> hw_points_;
  // monitor stop-on-exit: stop at the next VM exit (of this scause, or any).
  bool stop_on_exit_ = false;
  std::optional<uint64_t> stop_on_exit_cause_;
  std::optional<bool> stop_on_exit_interrupt_;
  Hart::DebugAddressing addressing_ = Hart::DebugAddressing::kVirtual;
  unsigned poll_countdown_ = 1;
  std::chrono::steady_clock::time_point last_poll_{};

  Hart& hart_of(int thread) { return *harts_.at(static_cast<size_t>(thread - 1)); }
  int thread_of(const Hart& hart) const;
  void build_registers();
  // Accepts a client, reads what it sent while running (Ctrl-C).
  void poll(bool force);
  void start_session();
  // Stops the simulation on `hart` and serves GDB until it resumes,
  // detaches or kills.
  void serve(Hart& hart, gdb::StopEvent event);
  bool send(const std::string& bytes);
  void client_gone();
  void drop_all_points();
  std::optional<unsigned> free_triggers(unsigned count) const;
  std::string stop_on_exit_command(const std::string& args);
};

}  // namespace rvh
