// platform/gdb_stub.cpp: the GDB stub's binding to the harts (see
// platform/gdb_stub.h for how it halts the whole simulation).
#include "platform/gdb_stub.h"

#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "cpu/csr_names.h"
#include "debug/gdb_riscv_registers.h"
#include "hyp/exit_trace.h"
#include "platform/hex_string.h"
#include "platform/run_report.h"
#include "platform/soc.h"
#include "platform/console.h"
#include "platform/stop_signals.h"

namespace rvh {
namespace {
using Clock = std::chrono::steady_clock;

gdb::StopEvent stop_event(int thread, int signal) {
  gdb::StopEvent e;
  e.thread = thread;
  e.signal = signal;
  return e;
}
// How often the harts look at the socket while the simulation runs.
constexpr auto kPollInterval = std::chrono::milliseconds(10);
constexpr unsigned kInsnsBetweenClockChecks = 4096;
constexpr uint64_t kPrivVBit = 1ull << 8;  // in the priv register, above GDB's privilege byte

const char* mode_name(const Hart& h) {
  static const char* const names[] = {"U", "S", "?", "M", "VU", "VS"};
  return names[h.mode()];
}

}  // namespace

GdbStub::GdbStub(Soc& soc, const GdbStubOptions& options) : soc_(soc) {
  for (auto& h : soc.harts()) harts_.push_back(h.get());
  resume_pc_.assign(harts_.size(), ~0ull);
  watch_skip_pc_.assign(harts_.size(), ~0ull);
  std::string error;
  if (!server_.listen(options.port, error)) throw std::runtime_error("--gdb: cannot listen on " + error);
  build_registers();
  std::fprintf(stderr, "rvh-vp: GDB stub on 127.0.0.1:%u%s\n", server_.port(),
               options.wait_for_gdb ? ", waiting for GDB to attach (-S)" : "");
  if (options.wait_for_gdb) halt_request_ = 5;
  for (Hart* h : harts_) {
    h->add_watcher(this);
    h->on_sleep_poll = [this](Hart& hart) {
      poll(false);
      if (!halt_request_ || !attached_) return;
      current_insn_done_ = false;  // asleep after its WFI: a step runs the next instruction
      serve(hart, stop_event(thread_of(hart), *halt_request_));
    };
  }
}

GdbStub::~GdbStub() {
  for (Hart* h : harts_) {
    h->remove_watcher(this);
    h->on_sleep_poll = nullptr;
  }
}

int GdbStub::thread_of(const Hart& hart) const {
  for (size_t i = 0; i < harts_.size(); ++i)
    if (harts_[i] == &hart) return static_cast<int>(i + 1);
  return 1;
}

// GDB's RISC-V description: x0-x31 and pc, f0-f31 and fflags/frm/fcsr, every
// CSR this hart has that the spec names, and priv.
void GdbStub::build_registers() {
  registers_ = gdb::riscv_cpu_registers();
  for (auto& r : gdb::riscv_fpu_registers()) registers_.push_back(r);
  Hart& h = *harts_.front();
  for (unsigned num = 0; num < 4096; ++num) {
    if (num >= 1 && num <= 3) continue;  // fflags, frm, fcsr: in the fpu feature
    const char* name = csr_name(num);
    uint64_t value = 0;
    if (name && h.debug_csr(num, value, false)) registers_.push_back(gdb::riscv_csr_register(name, num));
  }
  registers_.push_back(gdb::riscv_priv_register());
}

// ---- running: polling, stops ----

void GdbStub::poll(bool force) {
  const auto now = Clock::now();
  if (!force && now - last_poll_ < kPollInterval) return;
  last_poll_ = now;
  if (!server_.connected()) {
    if (server_.accept(0)) start_session();
    return;
  }
  if (!session_ || !session_->running()) return;
  char buf[512];
  const long n = server_.read(buf, sizeof buf, 0);
  if (n < 0) {
    client_gone();
    return;
  }
  if (n > 0) {
    send(session_->feed(buf, static_cast<size_t>(n)));
    if (session_->interrupt_requested()) halt_request_ = 2;
  }
}

// A new client: it expects a stopped target, so the simulation halts at
// the next instruction (or now, on a hart that sleeps).
void GdbStub::start_session() {
  session_ = std::make_unique<gdb::Session>(*this);
  attached_ = true;
  std::fprintf(stderr, "rvh-vp: GDB attached from %s\n", server_.client_name().c_str());
  if (!halt_request_) halt_request_ = 5;
}

void GdbStub::at_pc(Hart& hart) {
  if (--poll_countdown_ == 0) {
    poll_countdown_ = kInsnsBetweenClockChecks;
    poll(false);
  }
  if (!attached_ && !halt_request_) return;
  const int thread = thread_of(hart);
  const size_t i = static_cast<size_t>(thread - 1);
  if (watch_skip_pc_[i] != ~0ull && watch_skip_pc_[i] != hart.pc) watch_skip_pc_[i] = ~0ull;
  const bool resumed_here = resume_pc_[i] == hart.pc;
  resume_pc_[i] = ~0ull;
  gdb::StopEvent event = stop_event(thread, 5);
  if (halt_request_) {
    event.signal = *halt_request_;
  } else if (step_thread_ == thread && step_started_) {
    // One instruction (or a trap into its handler) since the step began.
  } else {
    if (step_thread_ == thread) step_started_ = true;
    if (resumed_here) return;
    if (sw_breakpoints_.count(hart.pc)) {
      event.kind = gdb::StopEvent::kSwBreak;
    } else if (hw_.any_exec() && hw_.match_exec(hart.pc, hart.mode())) {
      event.kind = gdb::StopEvent::kHwBreak;
    } else {
      return;
    }
  }
  // The instruction at pc runs as soon as this returns, with no other
  // at_pc: for a step, it is the one instruction.
  current_insn_done_ = true;
  serve(hart, event);
}

void GdbStub::before_access(Hart& hart, uint64_t vaddr, unsigned size, AccessType type) {
  if (!attached_ || !hw_.any_data()) return;
  if (watch_skip_pc_[static_cast<size_t>(thread_of(hart) - 1)] == hart.pc) return;
  if (hw_.match_data(vaddr, size, type, hart.mode())) throw DebugHalt{this, vaddr, type, size};
}

void GdbStub::halt_here(Hart& hart, const DebugHalt& halt) {
  const int thread = thread_of(hart);
  watch_skip_pc_[static_cast<size_t>(thread - 1)] = hart.pc;  // it runs again on resume: not this stop again
  current_insn_done_ = false;  // the instruction runs again from its start
  gdb::StopEvent event = stop_event(thread, 5);
  // The watchpoint hit, and the address within it that GDB looks for.
  const auto hit = hw_.match_data(halt.address, halt.size, halt.type, hart.mode());
  for (const HwPoint& p : hw_points_) {
    if (!hit || *hit < p.first || *hit >= p.first + p.count) continue;
    event.kind = p.kind == gdb::BreakKind::kWrite  ? gdb::StopEvent::kWatch
                 : p.kind == gdb::BreakKind::kRead ? gdb::StopEvent::kRwatch
                                                   : gdb::StopEvent::kAwatch;
    event.data_address = std::max(halt.address, p.address);
  }
  serve(hart, event);
}

void GdbStub::trap_taken(Hart& hart, const Trap& trap, bool interrupt, bool to_hypervisor) {
  if (!attached_ || !stop_on_exit_ || !to_hypervisor) return;
  if (stop_on_exit_interrupt_ && *stop_on_exit_interrupt_ != interrupt) return;
  if (stop_on_exit_cause_ && *stop_on_exit_cause_ != trap.cause) return;
  stop_on_exit_ = false;  // once: "the next VM exit"
  current_insn_done_ = true;  // the exiting instruction is past: a step ends at the next one
  std::ostringstream text;
  text << "VM exit on hart " << thread_of(hart) - 1 << ": "
       << (interrupt ? "interrupt " : hyp::exception_cause_name(trap.cause)) << (interrupt ? std::to_string(trap.cause) : "")
       << " (scause " << hex_string(trap.cause | (interrupt ? 1ull << 63 : 0)) << ", stval " << hex_string(trap.tval);
  if (trap.tval2) text << ", htval " << hex_string(trap.tval2);
  text << ") at pc " << hex_string(hart.pc) << " in " << mode_name(hart) << "-mode\n";
  gdb::StopEvent event = stop_event(thread_of(hart), 5);
  event.console_text = text.str();
  serve(hart, event);
}

void GdbStub::serve(Hart& hart, gdb::StopEvent event) {
  halt_request_.reset();
  step_thread_ = 0;
  if (!server_.connected()) {
    // -S: wait here, before the first instruction, for GDB to attach.
    while (!server_.accept(-1)) {
    }
    start_session();
    halt_request_.reset();
  }
  event.thread = thread_of(hart);
  send(session_->stop(event));
  char buf[4096];
  while (session_ && session_->halted()) {
    const long n = server_.read(buf, sizeof buf, 200);
    if (n < 0) {
      client_gone();
      return;
    }
    if (n == 0) {
      if (const int signo = StopOnSignal::pending_signal()) {
        // Ctrl-C or SIGTERM to rvh-vp itself: let the run end (it does at
        // its next update phase, with its summary and reports).
        std::fprintf(stderr, "rvh-vp: %s while GDB holds the simulation: leaving GDB, ending the run\n",
                     signal_name(signo).c_str());
        client_gone();
        return;
      }
      if (Console::quit_requested()) {  // the console's escape key: likewise
        std::fprintf(stderr, "rvh-vp: console quit while GDB holds the simulation: leaving GDB, ending the run\n");
        client_gone();
        return;
      }
      continue;
    }
    send(session_->feed(buf, static_cast<size_t>(n)));
  }
  if (!session_) return;
  if (session_->running() && session_->interrupt_requested()) halt_request_ = 2;  // 0x03 right after the resume
  if (session_->detached()) {
    std::fprintf(stderr, "rvh-vp: GDB detached; the simulation runs on\n");
    session_.reset();
    server_.close_client();
  } else if (session_->killed()) {
    session_.reset();
    server_.close_client();
  }
}

bool GdbStub::send(const std::string& bytes) {
  if (bytes.empty()) return true;
  if (server_.write_all(bytes)) return true;
  client_gone();
  return false;
}

void GdbStub::client_gone() {
  std::fprintf(stderr, "rvh-vp: GDB disconnected; breakpoints removed, the simulation runs on\n");
  drop_all_points();
  attached_ = false;
  halt_request_.reset();
  session_.reset();
  server_.close_client();
}

void GdbStub::drop_all_points() {
  sw_breakpoints_.clear();
  for (unsigned i = 0; i < kHwTriggers; ++i) hw_.set(i, trig::kDisabled, 0);
  hw_points_.clear();
  step_thread_ = 0;
  stop_on_exit_ = false;
}

void GdbStub::run_ended(int exit_code) {
  if (session_ && session_->running()) send(session_->exited(exit_code & 0xff));
  session_.reset();
  server_.close();
}

// ---- gdb::Target ----

std::vector<int> GdbStub::threads() {
  std::vector<int> ids;
  for (size_t i = 0; i < harts_.size(); ++i) ids.push_back(static_cast<int>(i + 1));
  return ids;
}

std::string GdbStub::thread_description(int thread) {
  const Hart& h = hart_of(thread);
  std::string d = "hart " + std::to_string(thread - 1);
  if (hyp::Scheduler* sched = soc_.scheduler()) {
    if (const hyp::Vcpu* v = sched->current(static_cast<unsigned>(thread - 1)))
      d = (v->vm().name.empty() ? "" : v->vm().name + " ") + "vCPU " + std::to_string(v->id()) + " on " + d;
    else
      d += " (no vCPU on it)";
  }
  d += std::string(" (") + mode_name(h) + (h.halted() ? ", stopped" : h.asleep() ? ", asleep" : "") + ")";
  return d;
}

bool GdbStub::read_register(int thread, unsigned regnum, uint64_t& value) {
  Hart& h = hart_of(thread);
  if (regnum < 32) {
    value = h.x[regnum];
  } else if (regnum == gdb::kRegPc) {
    value = h.pc;
  } else if (regnum < gdb::kRegFirstCsr) {
    value = h.f[regnum - gdb::kRegFirstFpr];
  } else if (regnum == gdb::kRegPriv) {
    value = h.priv | (h.virt ? kPrivVBit : 0);
  } else if (regnum < gdb::kRegPriv) {
    return h.debug_csr(regnum - gdb::kRegFirstCsr, value, false);
  } else {
    return false;
  }
  return true;
}

bool GdbStub::write_register(int thread, unsigned regnum, uint64_t value) {
  Hart& h = hart_of(thread);
  if (regnum < 32) {
    if (regnum) h.x[regnum] = value;
  } else if (regnum == gdb::kRegPc) {
    h.pc = value;
  } else if (regnum < gdb::kRegFirstCsr) {
    h.f[regnum - gdb::kRegFirstFpr] = value;
  } else if (regnum == gdb::kRegPriv) {
    const uint64_t p = value & 0xff;
    const bool v = value & kPrivVBit;
    if (p == 2 || p > 3 || (v && p == kPrivM) || (value & ~(kPrivVBit | 0xff))) return false;
    h.set_mode(static_cast<Priv>(p), v);
  } else if (regnum < gdb::kRegPriv) {
    return h.debug_csr(regnum - gdb::kRegFirstCsr, value, true);
  } else {
    return false;
  }
  return true;
}

bool GdbStub::read_memory(int thread, uint64_t address, size_t length, std::vector<uint8_t>& out) {
  Hart& h = hart_of(thread);
  out.clear();
  while (out.size() < length) {
    const uint64_t at = address + out.size();
    const size_t chunk = std::min<size_t>(length - out.size(), 0x1000 - (at & 0xfff));
    std::vector<uint8_t> part(chunk);
    if (!h.debug_memory(at, part.data(), chunk, false, addressing_)) break;
    out.insert(out.end(), part.begin(), part.end());
  }
  return !out.empty() || length == 0;
}

bool GdbStub::write_memory(int thread, uint64_t address, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> copy = data;
  return hart_of(thread).debug_memory(address, copy.data(), copy.size(), true, addressing_);
}

std::optional<unsigned> GdbStub::free_triggers(unsigned count) const {
  for (unsigned first = 0; first + count <= kHwTriggers; ++first) {
    bool free = true;
    for (const HwPoint& p : hw_points_)
      if (first < p.first + p.count && p.first < first + count) free = false;
    if (free) return first;
  }
  return std::nullopt;
}

// Hardware breakpoints and watchpoints are mcontrol6 triggers of the stub's
// own TriggerSet (the hart's four stay software's): an exact address, a
// naturally aligned power-of-two range (napot), or a chain of >= and <.
gdb::BreakStatus GdbStub::set_breakpoint(gdb::BreakKind type, uint64_t address, unsigned kind, bool insert) {
  if (type == gdb::BreakKind::kSoftware) {
    if (insert)
      sw_breakpoints_.insert(address);
    else
      sw_breakpoints_.erase(address);
    return gdb::BreakStatus::kDone;
  }
  const unsigned length = type == gdb::BreakKind::kHardware ? 1 : std::max(1u, kind);
  if (!insert) {
    for (auto it = hw_points_.begin(); it != hw_points_.end(); ++it) {
      if (it->kind != type || it->address != address || it->length != length) continue;
      for (unsigned i = it->first; i < it->first + it->count; ++i) hw_.set(i, trig::kDisabled, 0);
      hw_points_.erase(it);
      return gdb::BreakStatus::kDone;
    }
    return gdb::BreakStatus::kFailed;
  }
  const bool exec = type == gdb::BreakKind::kHardware;
  const bool load = type == gdb::BreakKind::kRead || type == gdb::BreakKind::kAccess;
  const bool store = type == gdb::BreakKind::kWrite || type == gdb::BreakKind::kAccess;
  const bool pow2 = (length & (length - 1)) == 0;
  const bool napot = length > 1 && pow2 && (address & (length - 1)) == 0;
  const unsigned count = length == 1 || napot ? 1 : 2;
  if (address + length < address) return gdb::BreakStatus::kFailed;
  const std::optional<unsigned> first = free_triggers(count);
  if (!first) return gdb::BreakStatus::kFailed;
  if (length == 1) {
    hw_.set(*first, TriggerSet::make_tdata1(exec, load, store, TriggerMatch::kEqual), address);
  } else if (napot) {
    hw_.set(*first, TriggerSet::make_tdata1(exec, load, store, TriggerMatch::kNapot), address | (length / 2 - 1));
  } else {
    hw_.set(*first, TriggerSet::make_tdata1(exec, load, store, TriggerMatch::kGe) | trig::kChain, address);
    hw_.set(*first + 1, TriggerSet::make_tdata1(exec, load, store, TriggerMatch::kLt), address + length);
  }
  hw_points_.push_back(HwPoint{type, address, length, *first, count});
  return gdb::BreakStatus::kDone;
}

void GdbStub::resume(const std::vector<gdb::ResumeAction>& actions) {
  // The simulation is one system: every hart runs when GDB resumes any
  // (all-stop); a step action makes its hart stop after one instruction.
  step_thread_ = 0;
  for (const gdb::ResumeAction& a : actions)
    if (a.kind == gdb::ResumeAction::kStep) step_thread_ = a.thread;
  step_started_ = current_insn_done_;
  current_insn_done_ = false;
  for (size_t i = 0; i < harts_.size(); ++i) resume_pc_[i] = harts_[i]->pc;
  halt_request_.reset();
}

void GdbStub::detach() {
  drop_all_points();
  attached_ = false;
}

void GdbStub::kill() {
  drop_all_points();
  attached_ = false;
  std::fprintf(stderr, "rvh-vp: GDB killed the simulation\n");
  soc_.finish(137, "gdb-kill");
  for (Hart* h : harts_) h->halt();
}

// ---- monitor commands ----

std::string GdbStub::monitor(const std::string& command) {
  std::istringstream in(command);
  std::string word, args;
  in >> word;
  std::getline(in >> std::ws, args);
  if (word == "help" || word.empty())
    return "rvh-vp monitor commands:\n"
           "  stats                  run statistics so far (the run summary)\n"
           "  exits                  the hosted hypervisor's exit statistics so far (--hyp)\n"
           "  stop-on-exit [CAUSE]   stop at the next VM exit, of any cause or of CAUSE: an\n"
           "                         exception code (e.g. 10 ecall from VS, 21 load guest-page\n"
           "                         fault, 22 virtual instruction), or 'interrupt'; 'off' cancels\n"
           "  phys | gphys | virt    memory addresses are physical | guest-physical (G-stage\n"
           "                         only) | as the hart translates them now (the default)\n";
  if (word == "stats") {
    std::ostringstream out;
    const double host = std::chrono::duration<double>(Clock::now() - start_).count();
    print_run_summary(make_run_report(soc_, host), out);
    return out.str();
  }
  if (word == "exits") {
    if (!soc_.vm()) return "no hosted hypervisor in this run (--hyp)\n";
    std::ostringstream out;
    for (auto& vm : soc_.vms()) vm->print_stats(out);
    return out.str();
  }
  if (word == "stop-on-exit") return stop_on_exit_command(args);
  if (word == "phys") {
    addressing_ = Hart::DebugAddressing::kPhysical;
    return "memory addresses are physical now\n";
  }
  if (word == "gphys") {
    addressing_ = Hart::DebugAddressing::kGuestPhysical;
    return "memory addresses are guest-physical now (hgatp's G-stage)\n";
  }
  if (word == "virt") {
    addressing_ = Hart::DebugAddressing::kVirtual;
    return "memory addresses are translated as the hart translates them now\n";
  }
  return "unknown monitor command '" + word + "'; try 'monitor help'\n";
}

std::string GdbStub::stop_on_exit_command(const std::string& args) {
  if (!soc_.vm()) return "no hosted hypervisor in this run: there are no VM exits (--hyp)\n";
  if (args == "off") {
    stop_on_exit_ = false;
    return "stop-on-exit cancelled\n";
  }
  stop_on_exit_cause_.reset();
  stop_on_exit_interrupt_.reset();
  if (args == "interrupt") {
    stop_on_exit_interrupt_ = true;
  } else if (!args.empty()) {
    char* end = nullptr;
    const unsigned long cause = std::strtoul(args.c_str(), &end, 0);
    if (*end != '\0' || cause >= 64) return "stop-on-exit: '" + args + "' is not an exception code (0-63), 'interrupt' or 'off'\n";
    stop_on_exit_cause_ = cause;
    stop_on_exit_interrupt_ = false;
  }
  stop_on_exit_ = true;
  return "the simulation stops at the next VM exit" +
         (stop_on_exit_cause_ ? std::string(" with cause ") + std::to_string(*stop_on_exit_cause_) + " (" +
                                    hyp::exception_cause_name(*stop_on_exit_cause_) + ")"
          : stop_on_exit_interrupt_ ? std::string(" for an interrupt")
                                    : std::string()) +
         "\n";
}

}  // namespace rvh
