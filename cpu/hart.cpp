// cpu/hart.cpp: the hart's SystemC process: fetch/decode-cache/execute loop,
// temporal decoupling (sync with SystemC once per quantum, on WFI and after
// device accesses), interrupt sampling, and the checked loop that calls the
// instruction watchers (cpu/insn_watcher.h).
#include "cpu/hart.h"

#include <algorithm>

#include "cpu/block_jit.h"
#include "cpu/jit_worker.h"

namespace rvh {

const char* CpiTable::name(InsnClass c) {
  static const char* const names[] = {"alu", "mul", "div", "load", "store", "branch", "jump", "csr", "system",
                                      "atomic", "fpu_add", "fpu_mul", "fpu_fma", "fpu_div", "fpu_sqrt",
                                      "fpu_misc", "fence"};
  return names[static_cast<size_t>(c)];
}

Hart::Hart(sc_core::sc_module_name name, const HartConfig& cfg)
    : sc_core::sc_module(name), bus("bus"), vmid_epoch_(csr::kHgatpVmidMask + 1), cfg_(cfg),
      dcache_(kDecodeCacheSize), block_cache_(std::make_shared<BlockCache>(cfg.block_arena_bytes)) {
  bus.register_invalidate_direct_mem_ptr(this, &Hart::invalidate_direct_mem_ptr);
  period_ps_ = 1'000'000'000'000ull / cfg.clock_hz;
  if (period_ps_ == 0) period_ps_ = 1;
  quantum_cycles_ = static_cast<uint64_t>(cfg.quantum.to_seconds() * 1e12) / period_ps_;
  if (quantum_cycles_ == 0) quantum_cycles_ = 1;
  if (cfg.max_insns) insn_limit_ = cfg.max_insns;
  pc = cfg.reset_pc;
  csr.mhartid = cfg.hart_id;
  csr.mstatus = (2ull << 32) | (2ull << 34);  // UXL = SXL = 64
  csr.mideleg = csr::kVsInterrupts;           // read-only one with H
  set_priv(kPrivM);
  SC_THREAD(run_thread);
}

Hart::~Hart() = default;

sc_core::sc_time Hart::local_time() const {
  return sc_core::sc_time_stamp() +
         sc_core::sc_time(static_cast<double>((cycles - sync_cycles_) * period_ps_), sc_core::SC_PS);
}

uint64_t Hart::mtime_now() {
  const sc_core::sc_time t = local_time();
  if (read_mtime) return read_mtime(t);
  return static_cast<uint64_t>(t.to_seconds() * static_cast<double>(cfg_.timebase_hz));
}

namespace {
// The instant mtime reaches `value`: the platform's inverse of read_mtime,
// or that of the default (mtime counts at timebase_hz from time zero).
sc_core::sc_time instant_of_mtime(const Hart& h, uint64_t value) {
  if (h.mtime_instant) return h.mtime_instant(value);
  const uint64_t tb = h.config().timebase_hz;
  // Compared in seconds first: more time than an sc_time holds is never.
  if (static_cast<double>(value) / static_cast<double>(tb) >= sc_core::sc_max_time().to_seconds() / 2)
    return sc_core::sc_max_time();
  const unsigned __int128 ps = (static_cast<unsigned __int128>(value) * 1'000'000'000'000ull + tb - 1) / tb;
  return sc_core::sc_time(static_cast<double>(ps), sc_core::SC_PS);
}
}  // namespace

sc_core::sc_time Hart::instant_of_time(uint64_t time_value) const {
  return instant_of_mtime(*this, time_value - (virt ? csr.htimedelta : 0));  // time = mtime + htimedelta (V=1)
}

void Hart::sleep_until_time(uint64_t time_value) {
  const uint64_t offset = virt ? csr.htimedelta : 0;
  if (mtime_now() + offset >= time_value) return;  // reached: the guest's loop ends
  if (effective_mip() & csr.mie) return;           // WFI would not sleep either
  sleep_mtime_ = time_value - offset;
  run_stop_.wfi_pending = true;
}

// Sstc: STIP follows time >= stimecmp (menvcfg.STCE), and VSTIP follows
// time + htimedelta >= vstimecmp (henvcfg.STCE), H spec "hip".
void Hart::update_stimecmp() {
  const bool stce = csr.menvcfg & csr::kMenvcfgSTCE;
  const bool vstce = csr.henvcfg & csr::kMenvcfgSTCE;
  if (stce || vstce) {
    const uint64_t now = mtime_now();
    stimecmp_stip_ = stce && now >= csr.stimecmp ? csr::kMipSTIP : 0;
    vstimecmp_vstip_ = vstce && now + csr.htimedelta >= csr.vstimecmp ? csr::kMipVSTIP : 0;
  } else {
    stimecmp_stip_ = vstimecmp_vstip_ = 0;
  }
  update_irq();
}

void Hart::sample_irq_lines() {
  uint64_t lines = 0;
  if (irq_msip.get_interface() && irq_msip.read()) lines |= csr::kMipMSIP;
  if (irq_mtip.get_interface() && irq_mtip.read()) lines |= csr::kMipMTIP;
  if (irq_meip.get_interface() && irq_meip.read()) lines |= csr::kMipMEIP;
  if (irq_seip.get_interface() && irq_seip.read()) lines |= csr::kMipSEIP;
  mip_lines_ = lines;
}

void Hart::sync_with_systemc() {
  flush_instret_by_priv();  // the run may stop (sc_stop) during this wait
  const uint64_t ahead = cycles - sync_cycles_;
  const uint64_t synced = cycles;
  run_stop_.synced_in_block = true;
  sc_core::wait(sc_core::sc_time(static_cast<double>(ahead * period_ps_), sc_core::SC_PS));
  // Cycles charged to this hart by another process during the wait (the
  // hosted hypervisor handling a timer event for it) are work still ahead.
  sync_cycles_ = synced;
  // Another hart may have run and stored to our reserved address.
  reservation = ~0ull;
  sample_irq_lines();
  update_stimecmp();
}

void Hart::refill_decode_entry(DecodeCacheEntry& e, uint32_t word) {
  e.insn = decode_instruction(word);  // a 16-bit instruction ignores the upper half
  e.insn.cycles = cfg_.cpi.of(e.insn.cls);
  e.key = word | kDecodeKeyValid;
}

void Hart::flush_instret_by_priv() {
  stats.instret_by_priv[mode()] += instret - priv_instret_base_;
  priv_instret_base_ = instret;
}

// xRET changes priv before it retires but counts in the mode it ran in:
// count it for that mode now; run_insns' ++instret then catches up with
// the base (nothing flushes in between).
void Hart::count_retiring_in(ModeIndex ran_in) {
  ++stats.instret_by_priv[ran_in];
  ++priv_instret_base_;
}

// --max-insns counts every instruction the hart started, including those
// that trapped (a guest stuck in a trap loop retires nothing).
void Hart::check_insn_limit() {
  if (instret + stats.traps >= insn_limit_ && !halted_) {
    halted_ = true;
    if (on_insn_limit) on_insn_limit(*this);
  }
}

inline void Hart::execute_one(const DecodedInsn& d) {
  npc = pc + d.len;
  d.exec(*this, d);
  if (__builtin_expect(run_stop_.trap_deferred, 0)) {  // thrown after all, here (not the hot loop)
    run_stop_.trap_deferred = false;
    throw fault_;
  }
  pc = npc;
  cycles += d.cycles;
  // Keeps the two counters separate stores: combined into one 16-byte
  // access, the load would wait on a handler's 8-byte store to `cycles`
  // (a failed store-to-load forward, a third of the loop's time).
  asm("" ::: "memory");
  ++instret;
}

// The hot loop: no virtual call, lookup or allocation per instruction, one
// block lookup per straight line of code. Every check the loop makes
// (interrupts, the quantum's cycles and instructions, WFI) happens between
// any two instructions, inside a block too, so a run retires the same
// instructions at the same cycles as one instruction at a time would. A
// Trap thrown by an instruction leaves pc at it and does not count it as
// retired.
void Hart::run_insns(uint64_t cycle_limit, uint64_t insn_stop) {
  const DecodedInsn* d = nullptr;  // the instruction running, for a trap
  // The block that ran last, for chaining (or the last run's, if it left
  // that block before its end).
  const Block* prev = resume_epoch_ == block_cache_->epoch ? resume_block_ : nullptr;
  resume_block_ = nullptr;
  bool host_code_trapped = false;  // a Trap in jit_trap_, from translated code or deferred
  try {
    while (cycles < cycle_limit && instret < insn_stop) {
      if (__builtin_expect(run_stop_.irq_ready, 0)) {
        // Code an interrupt's handler resumes (a hosted hypervisor's exit
        // putting a vCPU on the hart) may have an interrupt pending and
        // enabled: it is taken before that code's first instruction.
        for (int n = 0; n < 4 && run_stop_.irq_ready; ++n) {
          take_interrupt_if_any();
          if (halted_) return;  // an exit handler stopped the hart
        }
      }
      d = nullptr;
      run_stop_.synced_in_block = false;
      unsigned skip = 0;
      const Block* b = block_at_pc(prev, skip);
      prev = b;
      if (__builtin_expect(b == nullptr, 0)) {
        d = &decoded_at_pc();
        execute_one(*d);
      } else if (b->host_code && skip == 0 && b->count <= insn_stop - instret && !run_stop_.any()) {
        // Translated (cpu/block_jit.h): as the loop below would run it.
        d = b->host_code(this, pc, cycle_limit, insn_stop);
        if (__builtin_expect(d != nullptr, 0)) {
          if (jit_exception_) rethrow_from_host_code();
          host_code_trapped = true;  // taken below, as the catch would (one throw less)
          prev = nullptr;
          break;
        }
        prev = jit_last_block_;
      } else {
        // As execute_one() for each instruction, but with each pc computed
        // from the block's start rather than carried from one instruction
        // to the next through memory (pc, then npc). The quantum's
        // instruction stop is folded into the block's end.
        d = block_insns(*b) + skip;
        const uint64_t first_pc = pc - d->offset;
        const DecodedInsn* const end = d + std::min<uint64_t>(b->count - skip, insn_stop - instret);
        for (;;) {
          pc = first_pc + d->offset;
          npc = pc + d->len;
          d->exec(*this, *d);
          cycles += d->cycles;
          asm("" ::: "memory");  // the counters as two stores (see execute_one())
          ++instret;
          ++d;
          if (d == end || __builtin_expect(run_stop_.any(), 0) || cycles >= cycle_limit)
            break;
        }
        if (__builtin_expect(run_stop_.trap_deferred, 0)) {
          // The last one left a trap (Hart::load_deferring): it did not
          // retire, and pc is still at it. Taken below.
          --d;
          cycles -= d->cycles;
          --instret;
          run_stop_.trap_deferred = false;
          jit_trap_ = fault_;
          host_code_trapped = true;
          prev = nullptr;
          break;
        }
        pc = npc;
        if (d != block_insns(*b) + b->count) resume_host_ = b->host + d->offset;  // left before its end
        if (skip == 0) {
          if (b->runs < cfg_.jit_threshold)
            count_block_run(*b, first_pc);
          else if (block_cache_->worker && block_cache_->worker->has_results())
            install_translations();
        }
      }
      // A watcher installed by this block (a debug trigger enabled by a CSR
      // write) watches from the next instruction on.
      if (__builtin_expect(run_stop_.wfi_pending | watched_, 0)) break;
    }
    resume_block_ = prev;
    resume_epoch_ = block_cache_->epoch;
  } catch (const Trap& t) {
    trapped_insn_bits_ = d ? d->raw : 0;
    take_trap(t, false);
    return;
  }
  if (host_code_trapped) {
    const Trap t = jit_trap_;
    trapped_insn_bits_ = d->raw;
    take_trap(t, false);
  }
}

// The checked loop: one instruction at a time through the decode cache,
// with the watchers called around it. Its instructions cost what they cost
// in blocks (an instruction fetched from a page's last halfword too:
// fetch_bits_slow), so figures do not change.
void Hart::run_insns_watched(uint64_t cycle_limit, uint64_t insn_stop) {
  const DecodedInsn* d = nullptr;
  // A copy: a watcher may install or remove watchers (itself) in a hook;
  // the loop then ends (watchers_version_ moved) and runs with the new set.
  const std::vector<InsnWatcher*> watchers = watchers_;
  const uint64_t version = watchers_version_;
  try {
    while (cycles < cycle_limit && instret < insn_stop) {
      if (__builtin_expect(run_stop_.irq_ready, 0)) {
        for (int n = 0; n < 4 && run_stop_.irq_ready; ++n) {  // as in run_insns
          take_interrupt_if_any();
          if (halted_) return;
        }
      }
      d = nullptr;
      for (InsnWatcher* w : watchers) w->at_pc(*this);
      if (halted_ || version != watchers_version_) return;  // stopped, or the watchers changed
      d = &decoded_at_pc();
      for (InsnWatcher* w : watchers) w->before_insn(*this, *d);
      execute_one(*d);
      for (InsnWatcher* w : watchers) w->after_insn(*this, *d);
      if (run_stop_.wfi_pending || version != watchers_version_) return;
    }
  } catch (const Trap& t) {
    trapped_insn_bits_ = d ? d->raw : 0;
    take_trap(t, false);
  } catch (const DebugHalt& h) {
    h.by->halt_here(*this, h);
  }
}

void Hart::add_watcher(InsnWatcher* w) {
  if (std::find(watchers_.begin(), watchers_.end(), w) != watchers_.end()) return;
  watchers_.push_back(w);
  ++watchers_version_;
  watched_ = true;
  run_stop_.synced_in_block = true;  // leave the block loop after this instruction
  refresh_ld_ctx();
}

void Hart::remove_watcher(InsnWatcher* w) {
  watchers_.erase(std::remove(watchers_.begin(), watchers_.end(), w), watchers_.end());
  ++watchers_version_;
  watched_ = !watchers_.empty();
  refresh_ld_ctx();
}

void Hart::run_until_sync() {
  // A quantum ends when its simulated time is used up or after
  // quantum_insns instructions, whichever comes first.
  const uint64_t limit = sync_cycles_ + quantum_cycles_;
  const uint64_t insn_stop = cfg_.quantum_insns ? std::min(insn_limit_, instret + cfg_.quantum_insns) : insn_limit_;
  while (cycles < limit && instret < insn_stop && !run_stop_.wfi_pending && !halted_) {
    try {
      if (watched_)
        run_insns_watched(limit, insn_stop);
      else
        run_insns(limit, insn_stop);
    } catch (const Trap& t) {
      take_trap(t, false);
    }
  }
  flush_instret_by_priv();
}

void Hart::wait_for_interrupt() {
  run_stop_.wfi_pending = false;
  ++stats.wfi_sleeps;
  sync_with_systemc();
  const sc_core::sc_time start = sc_core::sc_time_stamp();
  // sleep_until_time: also wake at the instant `time` reaches its value.
  const sc_core::sc_time deadline =
      sleep_mtime_ ? instant_of_mtime(*this, *sleep_mtime_) : sc_core::sc_max_time();
  if (wake_events_.size() == 0) {  // first sleep: the ports are bound by now
    if (irq_msip.get_interface()) wake_events_ |= irq_msip.value_changed_event();
    if (irq_mtip.get_interface()) wake_events_ |= irq_mtip.value_changed_event();
    if (irq_meip.get_interface()) wake_events_ |= irq_meip.value_changed_event();
    if (irq_seip.get_interface()) wake_events_ |= irq_seip.value_changed_event();
    wake_events_ |= wake_event_;
  }
  asleep_ = true;
  const uint64_t cycles_at_sleep = cycles;
  for (HartObserver* o : observers) o->sleep_changed(*this, true);
  while (parked_ ||
         ((effective_mip() & csr.mie) == 0 && !wake_requested_ && sc_core::sc_time_stamp() < deadline)) {
    // Sleep until a line changes, or until stimecmp is reached (Sstc), or
    // the sleep_until_time deadline, or at most 1 ms of simulated time (mip
    // may be written by nothing else).
    sc_core::sc_time timeout(1, sc_core::SC_MS);
    if (!parked_ && deadline - sc_core::sc_time_stamp() < timeout) timeout = deadline - sc_core::sc_time_stamp();
    auto wake_at = [&](uint64_t now, uint64_t compare) {
      if (compare <= now) return;
      // Compared in seconds first: a compare value far ahead (up to 2^64
      // ticks) is more time than an sc_time can hold.
      const double seconds = static_cast<double>(compare - now) / static_cast<double>(cfg_.timebase_hz);
      if (seconds < timeout.to_seconds()) timeout = sc_core::sc_time(seconds, sc_core::SC_SEC);
    };
    if ((csr.menvcfg & csr::kMenvcfgSTCE) && (csr.mie & csr::kMipSTIP)) wake_at(mtime_now(), csr.stimecmp);
    if ((csr.henvcfg & csr::kMenvcfgSTCE) && (csr.mie & csr::kMipVSTIP))
      wake_at(mtime_now() + csr.htimedelta, csr.vstimecmp);
    if (on_wait) on_wait(*this);
    if (on_sleep_poll) on_sleep_poll(*this);
    sc_core::wait(timeout, wake_events_);
    sample_irq_lines();
    update_stimecmp();
    if (halted_) {
      asleep_ = false;
      sleep_mtime_.reset();
      return;
    }
  }
  asleep_ = false;
  sleep_mtime_.reset();
  wake_requested_ = false;
  // The cycle counter keeps counting while the hart sleeps. Cycles charged
  // to the hart while it slept (the hosted hypervisor's wake-up work) come
  // after the wake-up instant: the hart starts that far ahead.
  const uint64_t charged_while_asleep = cycles - cycles_at_sleep;
  cycles += ps_to_cycles(sc_core::sc_time_stamp() - start);
  sync_cycles_ = cycles - charged_while_asleep;
  for (HartObserver* o : observers) o->sleep_changed(*this, false);
}

HartWaitInfo Hart::wait_info() const {
  HartWaitInfo w;
  if (halted_) {
    w.state = HartWaitInfo::State::kHalted;
    return w;
  }
  // Running, or unparked and about to run (a park() after the unpark()
  // keeps it parked: the sleep loop waits while parked_).
  if (!asleep_ || (wake_requested_ && !parked_)) return w;
  w.state = parked_ ? HartWaitInfo::State::kParked : HartWaitInfo::State::kWfi;
  w.wake_mask = csr.mie;
  w.pending = effective_mip();
  // "Never" is all ones (Linux disarms with it); a compare already reached
  // shows as pending instead.
  auto earliest = [&](uint64_t mtime) {
    if (!w.timer_mtime || mtime < *w.timer_mtime) w.timer_mtime = mtime;
  };
  if ((csr.menvcfg & csr::kMenvcfgSTCE) && (csr.mie & csr::kMipSTIP) && csr.stimecmp != ~0ull)
    earliest(csr.stimecmp);
  if ((csr.henvcfg & csr::kMenvcfgSTCE) && (csr.mie & csr::kMipVSTIP) && csr.vstimecmp != ~0ull)
    earliest(csr.vstimecmp - csr.htimedelta);  // guest time = mtime + htimedelta
  if (sleep_mtime_) earliest(*sleep_mtime_);  // sleep_until_time wakes the hart itself
  return w;
}

sc_core::sc_time Hart::observation_time() const {
  const sc_core::sc_process_handle current = sc_core::sc_get_current_process_handle();
  if (current.valid() && current.get_parent_object() == this) return local_time();
  return sc_core::sc_time_stamp();
}

void Hart::notify_wake() {
  update_irq();
  wake_event_.notify(sc_core::SC_ZERO_TIME);
}

void Hart::unpark() {
  parked_ = false;
  run_stop_.wfi_pending = false;  // a park() asked of a sleeping hart must not put it back to sleep
  wake_requested_ = true;
  notify_wake();
}

void Hart::halt() {
  halted_ = true;
  run_stop_.wfi_pending = false;
  sleep_mtime_.reset();
  insn_limit_ = 0;  // leave the run loop at once
}

void Hart::enter_guest() {
  const bool next_virt = csr.hstatus & csr::kHstatusSPV;
  const Priv next = (csr.mstatus & csr::kMstatusSPP) ? kPrivS : kPrivU;
  csr.hstatus &= ~csr::kHstatusSPV;
  uint64_t s = csr.mstatus & ~(csr::kMstatusSIE | csr::kMstatusSPP);
  if (s & csr::kMstatusSPIE) s |= csr::kMstatusSIE;
  csr.mstatus = s | csr::kMstatusSPIE;
  pc = csr.sepc;
  set_mode(next, next_virt);
}

void Hart::run_thread() {
  sample_irq_lines();
  update_irq();
  for (;;) {
    if (halted_) {
      sc_core::wait(park_event_);  // park forever
    }
    run_until_sync();
    check_insn_limit();
    if (run_stop_.wfi_pending)
      wait_for_interrupt();
    else
      sync_with_systemc();
  }
}

}  // namespace rvh
