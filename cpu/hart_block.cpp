// cpu/hart_block.cpp: building the blocks of the block cache (cpu/hart.h
// says what a block is; the lookup is inline in hart.h, the loop that runs
// them in hart.cpp).
//
// A block is checked against the bytes it was decoded from each time it is
// entered, so code that was rewritten runs as rewritten from its next
// entry. Inside a block that is already running, a store to one of its own
// later instructions is seen from the next entry on: the unprivileged spec
// (Zifencei) lets instruction fetches miss stores not yet ordered by a
// FENCE.I, so this is a permitted outcome.
#include "cpu/hart.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <system_error>
#include <vector>

#include "cpu/block_jit.h"
#include "cpu/jit_worker.h"
#include "cpu/insns.h"

namespace rvh {
namespace {
// Instructions after which the next one may not be the next in memory, or
// may run in another mode, translation or interrupt state.
bool ends_block(InsnClass c) {
  return c == InsnClass::kBranch || c == InsnClass::kJump || c == InsnClass::kCsr || c == InsnClass::kSystem;
}
}  // namespace

Hart::BlockCache::BlockCache(size_t arena_bytes)
    : table(kBlockTableSize), arena(arena_bytes), arena_bytes(arena_bytes) {}
Hart::BlockCache::~BlockCache() = default;

bool Hart::refill_fetch_page() {
  const TlbEntry& e = tlb_[static_cast<int>(AccessType::kFetch)][mode()][(pc >> 12) % kTlbSize];
  if (e.tag != (pc >> 12) || e.ctx != ctx_[mode()]) return false;
  fetch_vpage_ = e.tag;
  fetch_addend_ = e.addend;
  return true;
}

// Every block, and every translation, goes: the arena is full, or the
// translator's buffer is. Only when no sharing hart runs one (hart.h).
bool Hart::restart_block_cache() {
  BlockCache& c = *block_cache_;
  if (c.harts_inside_insn) return false;
  c.table.clear();
  c.arena_used = 0;  // the arena is overwritten as blocks are built again
  ++c.epoch;
  if (c.worker)
    c.worker->reset();
  else if (c.jit)
    c.jit->reset();
  c.jit_full = false;
  return true;
}

bool Hart::share_block_cache(const Hart& other) {
  const CpiTable &mine = cfg_.cpi, &theirs = other.cfg_.cpi;
  if (mine.cycles != theirs.cycles || mine.branch_taken_penalty != theirs.branch_taken_penalty) return false;
  cfg_.block_arena_bytes = other.cfg_.block_arena_bytes;
  block_cache_ = other.block_cache_;
  return true;
}

// A block run by the interpreter: at the threshold, it is translated, and
// runs as host code from its next entry on (or, on the helper thread, from
// the entry after its translation is installed).
void Hart::count_block_run(const Block& b, uint64_t first_pc) {
  if (++const_cast<Block&>(b).runs != cfg_.jit_threshold) return;
  BlockCache& c = *block_cache_;
  if (!c.jit) {
    if (!BlockJit::available()) return;
    try {
      c.jit = std::make_unique<BlockJit>(*this);
    } catch (const std::exception& e) {  // no executable memory (a W^X policy, an address-space limit)
      std::fprintf(stderr, "rvh-vp: %s: no executable memory for translated code (%s): the interpreter runs everything\n",
                   name(), e.what());
      cfg_.jit_threshold = 0;
      return;
    }
  }
  if (cfg_.jit_async && !c.worker && JitWorker::worthwhile()) {
    try {
      c.worker = std::make_unique<JitWorker>(*c.jit);
      prefault_next_arena_page();
    } catch (const std::system_error&) {
      cfg_.jit_async = false;  // no thread: translated here
    }
  }
  // Once there is a helper, only it uses the translator.
  if (c.worker) {
    c.worker->request(&b, first_pc, name());
    return;
  }
  const auto fn = c.jit->translate(&b, first_pc, name());
  if (!fn) c.jit_full = true;  // the next block built starts the cache over
  const_cast<Block&>(b).host_code = fn;
  if (fn) const_cast<Block&>(b).chain_entry = reinterpret_cast<const uint8_t*>(fn) + c.jit->chain_offset();
}

// The arena fills in order: the helper faults in the huge page after the
// one being filled, before the simulation gets there.
void Hart::prefault_next_arena_page() {
  BlockCache& c = *block_cache_;
  if (!c.worker) return;
  const size_t next = (c.arena_used / kHugePageBytes + 1) * kHugePageBytes;
  if (next < c.arena_bytes) c.worker->prefault(&c.arena[next], std::min(kHugePageBytes, c.arena_bytes - next));
}

void Hart::install_translations() {
  BlockCache& c = *block_cache_;
  static thread_local std::vector<JitWorker::Done> done;
  c.worker->take_results(done);
  for (const JitWorker::Done& d : done) {
    auto& b = *const_cast<Block*>(static_cast<const Block*>(d.block));
    if (!d.fn) {
      c.jit_full = true;  // the next block built starts the cache over
      continue;
    }
    b.host_code = d.fn;
    b.chain_entry = d.chain_entry;
  }
}

// A translated block's instruction threw something other than a Trap (a
// Trap the loop takes itself): rethrown as if from the interpreter's loop.
void Hart::rethrow_from_host_code() {
  std::exception_ptr e = std::move(jit_exception_);
  jit_exception_ = nullptr;
  std::rethrow_exception(e);
}

unsigned Hart::insn_inside(const Block& prev, uintptr_t host) {
  const DecodedInsn* insns = block_insns(prev);
  const uintptr_t offset = host - prev.host;
  for (unsigned i = 1; i < prev.count; ++i) {
    if (insns[i].offset < offset) continue;
    if (insns[i].offset > offset) break;  // inside an instruction: another decoding of these bytes
    return detail::same_code(block_code(prev), prev.host, prev.bytes) ? i : 0;
  }
  return 0;
}

const Hart::Block* Hart::find_block(uintptr_t host) {
  const BlockSlot& slot = block_cache_->table[block_slot(host)];
  if (slot.host == host && detail::same_code(block_code(*slot.block), host, slot.block->bytes)) return slot.block;
  return build_block(host);
}

// Decodes from pc (host: its bytes) to the end of the block, through the
// decode cache, so that the instructions are exactly those decoded_at_pc()
// would run, and appends the block to the arena and the table. Null (and
// the table unchanged) if the first instruction crosses the page, or if
// the cache is full and cannot start over yet.
const Hart::Block* Hart::build_block(uintptr_t host) {
  const unsigned room = 0x1000 - static_cast<unsigned>(pc & 0xfff);  // bytes left in the page
  const auto* p = reinterpret_cast<const uint8_t*>(host);
  DecodedInsn insns[kBlockMaxInsns];
  unsigned bytes = 0, n = 0;
  while (n < kBlockMaxInsns && bytes + 2 <= room) {
    uint16_t low;
    std::memcpy(&low, p + bytes, 2);
    const unsigned len = (low & 3) == 3 ? 4 : 2;
    if (bytes + len > room) break;
    // The decode cache's key: the 32 bits at the pc where the page has them
    // (a compressed instruction ignores the upper half).
    uint32_t word = low;
    if (bytes + 4 <= room) std::memcpy(&word, p + bytes, 4);
    DecodeCacheEntry& e = dcache_[((pc + bytes) >> 1) & (kDecodeCacheSize - 1)];
    if (e.key != (word | kDecodeKeyValid)) refill_decode_entry(e, word);
    insns[n] = e.insn;
    insns[n++].offset = static_cast<uint16_t>(bytes);
    bytes += len;
    if (ends_block(e.insn.cls)) break;
  }
  if (n == 0) return nullptr;
  const size_t size = sizeof(Block) + code_room(bytes) + n * sizeof(DecodedInsn);
  BlockCache& c = *block_cache_;
  if (c.arena_used + size > c.arena_bytes || c.jit_full) {
    if (!restart_block_cache() || size > c.arena_bytes) return nullptr;
  }
  uint8_t* const at = &c.arena[c.arena_used];
  Block* const b = new (at) Block;
  b->host = host;
  b->bytes = static_cast<uint16_t>(bytes);
  b->count = static_cast<uint16_t>(n);
  std::memcpy(at + sizeof(Block), p, bytes);
  uint8_t* const first = at + sizeof(Block) + code_room(bytes);
  for (unsigned i = 0; i < n; ++i) new (first + i * sizeof(DecodedInsn)) DecodedInsn(insns[i]);
  const size_t before = c.arena_used;
  c.arena_used += size;
  if (before / kHugePageBytes != c.arena_used / kHugePageBytes) prefault_next_arena_page();
  c.table[block_slot(host)] = BlockSlot{host, b};
  return b;
}

}  // namespace rvh
