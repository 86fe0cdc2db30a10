// tests/unit/shared_block_cache_test.cpp: two harts sharing one block cache
// (Hart::share_block_cache, cpu/hart.h). The cache here is small, so that it
// is full all the time and each hart keeps wanting to start it over, while
// the other is inside a block, waiting for SystemC in a device access. It
// must not start over then: that hart goes on in the block (interpreted, or
// translated code returning from a handler) when the wait ends.
#include "tests/unit/hart_test_util.h"

#include <tlm_utils/simple_target_socket.h>

namespace rvh::test {
namespace {
using namespace enc;

constexpr uint64_t kDeviceBase = 0x10000000;
constexpr uint32_t kDeviceValue = 5;  // what every read of the device gives
constexpr uint64_t kCode1 = kCode + 0x8000;  // hart 1's program

// A register that reads kDeviceValue and grants no DMI, so that every load
// from it is a device access the hart syncs after (cpu/mmu.cpp).
struct Device : sc_core::sc_module {
  tlm_utils::simple_target_socket<Device> socket{"socket"};
  uint64_t reads = 0;
  explicit Device(sc_core::sc_module_name n) : sc_core::sc_module(n) {
    socket.register_b_transport(this, &Device::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
    if (t.is_read()) {
      std::memset(t.get_data_ptr(), 0, t.get_data_length());
      std::memcpy(t.get_data_ptr(), &kDeviceValue, std::min<unsigned>(4, t.get_data_length()));
      ++reads;
    }
    delay += sc_core::sc_time(10, sc_core::SC_NS);
    t.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

struct HartPorts {
  sc_core::sc_signal<bool> msip, mtip, meip, seip;
  void bind(Hart& h) {
    h.irq_msip.bind(msip);
    h.irq_mtip.bind(mtip);
    h.irq_meip.bind(meip);
    h.irq_seip.bind(seip);
  }
};

struct TwoHarts {
  Bus bus{"bus", sc_core::SC_ZERO_TIME};
  Memory ram{"ram", kRamSize};
  Device device{"device"};
  HartPorts ports[2];
  Hart hart0, hart1;

  static HartConfig config(unsigned id, uint64_t pc) {
    HartConfig c;
    c.hart_id = id;
    c.reset_pc = pc;
    c.jit_threshold = 1;                  // translated after its first run
    c.block_arena_bytes = 4096;           // a few dozen blocks
    return c;
  }
  TwoHarts() : hart0("hart0", config(0, kCode)), hart1("hart1", config(1, kCode1)) {
    bus.map("ram", kRamBase, kRamSize);
    bus.init_socket.bind(ram.socket);
    bus.map("device", kDeviceBase, 0x1000);
    bus.init_socket.bind(device.socket);
    for (Hart* h : {&hart0, &hart1}) {
      h->bus.bind(bus.targ_socket);
      h->read_mtime = [](const sc_core::sc_time&) { return uint64_t{0}; };
    }
    ports[0].bind(hart0);
    ports[1].bind(hart1);
    hart1.share_block_cache(hart0);
  }
  uint8_t* host(uint64_t pa) { return ram.host_pointer(pa - kRamBase); }
  void load(const Prog& p) {
    for (size_t k = 0; k < p.words.size(); ++k) std::memcpy(host(p.base + 4 * k), &p.words[k], 4);
  }
  bool parked(const Hart& h) {
    uint32_t w;
    std::memcpy(&w, host(h.pc), 4);
    return w == j_self();
  }
};

// `outer` times: for each of `blocks` blocks, a load from the device and a
// small loop (a block of its own, run `inner` times, so translated code
// runs it after its first run) that adds the loaded value and the block's
// number to t0. Ends on `j .`.
Prog device_loops(uint64_t base, unsigned blocks, unsigned inner, unsigned outer) {
  Prog p(base);
  p << lui(a1, kDeviceBase >> 12) << addi(s1, zero, static_cast<int32_t>(outer)) << addi(t0, zero, 0);
  const uint64_t loop = p.here();
  for (unsigned k = 0; k < blocks; ++k) {
    p << addi(a2, zero, static_cast<int32_t>(inner));
    const uint64_t body = p.here();
    p << lw(t1, a1, 0) << add(t0, t0, t1) << addi(t0, t0, static_cast<int32_t>(k)) << addi(a2, a2, -1);
    p << bne(a2, zero, static_cast<int32_t>(body - p.here()));
  }
  p << addi(s1, s1, -1);
  p << bne(s1, zero, static_cast<int32_t>(loop - p.here()));
  p.halt();
  return p;
}

// `outer` times: `blocks` blocks that each add their number plus one to
// t0 and end with a jump to the next (so many blocks, built in one
// quantum, with no device access: the cache is full again and again while
// the other hart waits). Ends on `j .`.
Prog straight_blocks(uint64_t base, unsigned blocks, unsigned outer) {
  Prog p(base);
  p << addi(s1, zero, static_cast<int32_t>(outer)) << addi(t0, zero, 0);
  const uint64_t loop = p.here();
  for (unsigned k = 0; k < blocks; ++k) p << addi(t0, t0, static_cast<int32_t>(k)) << addi(t0, t0, 1) << jal(zero, 4);
  p << addi(s1, s1, -1);
  p << bne(s1, zero, static_cast<int32_t>(loop - p.here()));
  p.halt();
  return p;
}

uint64_t expected_sum(unsigned blocks, unsigned inner, unsigned outer) {
  uint64_t per_round = 0;
  for (unsigned k = 0; k < blocks; ++k) per_round += inner * (kDeviceValue + k);
  return outer * per_round;
}

TEST(SharedBlockCache, StartsOverOnlyWhenNoHartIsInsideABlock) {
  static TwoHarts* const harts = new TwoHarts();  // never destroyed: SystemC owns the modules
  TwoHarts& b = *harts;
  EXPECT_EQ(HartTestAccess::block_cache(b.hart0), HartTestAccess::block_cache(b.hart1));
  // Hart 0 waits in a device access inside a block (interpreted or
  // translated) while hart 1 builds blocks, and wants to start over, for a
  // whole quantum.
  constexpr unsigned kBlocks = 40, kInner = 3, kOuter = 30, kStraight = 150, kStraightOuter = 40;
  b.load(device_loops(kCode, kBlocks, kInner, kOuter));
  b.load(straight_blocks(kCode1, kStraight, kStraightOuter));
  for (unsigned us = 0; us < 20000 && !(b.parked(b.hart0) && b.parked(b.hart1)); us += 10)
    sc_core::sc_start(10, sc_core::SC_US);
  ASSERT_TRUE(b.parked(b.hart0) && b.parked(b.hart1));
  EXPECT_EQ(b.hart0.x[t0], expected_sum(kBlocks, kInner, kOuter));
  EXPECT_EQ(b.hart1.x[t0], kStraightOuter * (kStraight * (kStraight + 1) / 2));
  EXPECT_EQ(b.device.reads, uint64_t{kBlocks} * kInner * kOuter);
  EXPECT_GT(HartTestAccess::jit_code_bytes(b.hart0), 0u) << "nothing was translated";
}

}  // namespace
}  // namespace rvh::test
