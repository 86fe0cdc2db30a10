// cpu/jit_worker.h: the block translator (cpu/block_jit.h) on a helper
// thread, so that translating (about 5 us a block, some 6,000 blocks in a
// Linux boot) runs on another host core while the simulation goes on.
//
// The simulation thread asks for a block at the translation threshold and
// goes on interpreting it; the helper translates it into the code buffer;
// the simulation thread installs the result (Block::host_code and
// chain_entry) the next time it interprets a block that has reached the
// threshold. Only the simulation thread writes blocks; the helper reads a
// block's bytes and instructions, which never change once built, and
// writes only the code buffer. Translated code and the interpreter give the
// same results, cycles and stops, so when a translation lands changes no
// figure of the run.
//
// The helper also makes memory ready ahead of use (prefault()): the next
// 2 MiB page of the block arena, which fills in order, so that the
// simulation does not stop to fault it in and clear it (about 2 ms a huge
// page on a virtual machine, 2.7% of a Linux boot).
//
// Starting the block cache over (the arena or the code buffer full) goes
// through reset(): it waits for the translation under way, drops every
// request and result, and empties the code buffer, before the arena is
// written again.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "cpu/block_jit.h"

namespace rvh {

class JitWorker {
 public:
  struct Done {
    const void* block;  // the Hart::Block asked for
    BlockJit::Fn fn;    // null: the code buffer is full
    const void* chain_entry;  // fn's chain entry (BlockJit::chain_offset)
  };

  // Translates with `jit`, which only the helper uses from now on. Throws
  // std::system_error if no thread can be started.
  explicit JitWorker(BlockJit& jit);
  // Whether this process may run on two host CPUs or more (its affinity
  // mask): on one, a helper thread only takes turns with the simulation,
  // and costs it the switches (about 7% of a Linux boot under `taskset -c 1`).
  static bool worthwhile();
  ~JitWorker();  // waits for the translation under way; drops the rest
  JitWorker(const JitWorker&) = delete;
  JitWorker& operator=(const JitWorker&) = delete;

  // Asks for `block` to be translated (BlockJit::translate's arguments).
  void request(const void* block, uint64_t pc, const char* who);
  // Whether finished translations wait to be taken: one atomic load.
  bool has_results() const { return ready_.load(std::memory_order_acquire); }
  // Asks for [start, start + bytes) of an anonymous mapping to be faulted
  // in (madvise MADV_POPULATE_WRITE, Linux 5.14; nothing on older hosts).
  // Its bytes do not change, so the simulation may use the range meanwhile.
  void prefault(void* start, size_t bytes);
  // Moves the finished translations to `out` (cleared first).
  void take_results(std::vector<Done>& out);
  // Waits for the translation under way, drops every request and
  // unclaimed result, and empties the code buffer (BlockJit::reset).
  void reset();
  // Waits until every request so far is translated (tests, and a run that
  // wants its translations in before it measures something).
  void wait_idle();
  size_t bytes_used();

 private:
  struct Request {
    const void* block;
    uint64_t pc;
    const char* who;
  };
  void helper_main();

  BlockJit& jit_;
  std::mutex jit_mutex_;    // held while translating and while resetting
  std::mutex queue_mutex_;  // guards what follows
  std::condition_variable wake_, idle_;
  std::deque<Request> requests_;
  std::vector<std::pair<void*, size_t>> prefaults_;
  std::vector<Done> done_;
  uint64_t generation_ = 0;  // moves on at each reset(): requests taken before it are dropped
  bool busy_ = false, stopping_ = false;
  std::atomic<bool> ready_{false};  // done_ is not empty
  std::thread helper_;  // last: started once everything above is in place
};

}  // namespace rvh
