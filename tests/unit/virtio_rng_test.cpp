// virtio_rng_test.cpp -- hyp::VirtioRng behind a real virtio-mmio transport
// (virtio spec v1.2 §5.4): it fills each chain's device-writable buffers
// with a byte stream fixed by its seed, takes the service time to do it, and
// stops on a chain with device-readable buffers.
#include "hyp/virtio_rng.h"

#include <memory>
#include <string>
#include <vector>

#include "tests/unit/gtest_sc_main.h"
#include "tests/unit/virtio_device_bench.h"

namespace rvh::hyp {
namespace {

using sc_core::SC_NS;
using sc_core::sc_time;
using virtio::test::DeviceBench;
using virtio::test::kStatusNeedsReset;

std::unique_ptr<DeviceBench> rng_bench(uint64_t seed) {
  auto bench = std::make_unique<DeviceBench>(std::make_unique<VirtioRng>("virtio_rng", HypCosts{}, seed));
  bench->handshake();
  return bench;
}

// The bytes the device gives to chains of the given buffer sizes (one
// chain per entry, all submitted before one notification).
std::vector<uint8_t> entropy(uint64_t seed, const std::vector<std::vector<uint32_t>>& chains) {
  auto bench = rng_bench(seed);
  std::vector<std::pair<uint64_t, uint32_t>> buffers;
  for (const auto& sizes : chains) {
    std::vector<virtio::test::Seg> segs;
    for (uint32_t len : sizes) {
      segs.push_back({bench->alloc(len), len, true});
      buffers.emplace_back(segs.back().gpa, len);
    }
    bench->submit(segs);
  }
  bench->notify();
  DeviceBench::run();
  EXPECT_EQ(bench->drv.used_idx(), chains.size());
  std::vector<uint8_t> all;
  for (const auto& [gpa, len] : buffers) {
    const std::vector<uint8_t> b = bench->bytes(gpa, len);
    all.insert(all.end(), b.begin(), b.end());
  }
  return all;
}

TEST(VirtioRng, IdentifiesAsAnEntropyDevice) {
  auto bench = rng_bench(1);
  EXPECT_EQ(bench->reg(0x008), 4u);
  EXPECT_EQ(bench->offered_features() & 0xffffff, 0u);
  EXPECT_EQ(bench->config(0, 4), 0u);
}

TEST(VirtioRng, FillsWritableBuffersReproducibly) {
  const std::vector<uint8_t> a = entropy(42, {{64}, {13, 51}});
  ASSERT_EQ(a.size(), 128u);
  EXPECT_EQ(entropy(42, {{64}, {13, 51}}), a);   // same seed, same bytes
  EXPECT_EQ(entropy(42, {{100, 28}}), a);        // one stream, whatever the buffers
  EXPECT_NE(entropy(43, {{64}, {13, 51}}), a);   // the seed matters
  unsigned zeros = 0;
  for (uint8_t b : a) zeros += b == 0;
  EXPECT_LT(zeros, 8u);  // the buffers were zero before
}

TEST(VirtioRng, UsedLengthAndServiceTime) {
  auto bench = rng_bench(7);
  bench->submit({{bench->alloc(2048), 2048, true}});
  const uint64_t service_ns = HypCosts{}.virtio_request + 2 * HypCosts{}.virtio_per_kib;
  bench->notify();
  DeviceBench::run(sc_time(service_ns - 1, SC_NS));
  EXPECT_EQ(bench->drv.used_idx(), 0);
  DeviceBench::run(sc_time(2, SC_NS));
  EXPECT_EQ(bench->drv.used_idx(), 1);
  EXPECT_EQ(bench->drv.used_len(0), 2048u);
  const nlohmann::json stats = bench->transport().stats_json();
  EXPECT_EQ(stats["device"], "rng");
  EXPECT_EQ(stats["bytes"], 2048);
  EXPECT_EQ(stats["device_cycles"], service_ns);
}

TEST(VirtioRng, ReadableBufferStopsTheDevice) {
  auto bench = rng_bench(7);
  const uint64_t out = bench->alloc(16, 0xab);
  bench->submit({{bench->alloc(4), 4, false}, {out, 16, true}});
  ::testing::internal::CaptureStderr();
  bench->notify();
  DeviceBench::run();
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "rvh-vp: vm0 virtio-rng: request at descriptor 0: 4 device-readable bytes; an entropy request has "
            "device-writable buffers only; device stopped\n");
  EXPECT_TRUE(bench->reg(0x070) & kStatusNeedsReset);
  EXPECT_EQ(bench->drv.used_idx(), 0);
  EXPECT_EQ(bench->bytes(out, 16), std::vector<uint8_t>(16, 0xab));
}

}  // namespace
}  // namespace rvh::hyp
