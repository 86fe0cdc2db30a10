// Unit tests for the virtio-mmio transport (hyp/virtio_mmio.cpp, virtio
// spec v1.2 §4.2.2) with a fake device: identification registers, the
// feature handshake (FEATURES_OK refused without VERSION_1 or with bits we
// did not offer), queue setup, notifications reaching the device only after
// DRIVER_OK, the interrupt status, its acknowledgement and the line, reset,
// and a failed device (DEVICE_NEEDS_RESET, one report, no more
// notifications).
#include "tests/unit/gtest_sc_main.h"

#include <memory>
#include <string>
#include <vector>

#include "hyp/virtio_mmio.h"
#include "tests/unit/virtio_test_util.h"

namespace rvh::hyp::virtio {
namespace {

constexpr uint64_t kRam = 0x80000000;
constexpr uint64_t kDeviceFeature = 1ull << 9;  // a device-specific bit (virtio-blk FLUSH)
constexpr uint32_t kAcknowledge = 1, kDriver = 2, kDriverOk = 4, kFeaturesOk = 8, kNeedsReset = 0x40;

// A device with two queues that, on a notification, pops every chain and
// returns it with `written` bytes, or reports a malformed one.
class FakeDevice : public Device {
 public:
  uint32_t device_id() const override { return 2; }
  const char* kind() const override { return "blk"; }
  uint64_t features() const override { return kDeviceFeature; }
  unsigned num_queues() const override { return 2; }
  void read_config(uint32_t offset, uint8_t* data, unsigned len) override {
    for (unsigned i = 0; i < len; ++i) data[i] = offset + i < config.size() ? config[offset + i] : 0;
  }
  void driver_ready(uint64_t accepted) override { ready_features.push_back(accepted); }
  void queue_notify(unsigned index, const sc_core::sc_time&) override {
    notified.push_back(index);
    SplitQueue& q = hooks().queue(index);
    Chain c;
    std::string error;
    bool pushed = false;
    for (;;) {
      const SplitQueue::Pop r = q.pop(hooks().memory(), c, error);
      if (r == SplitQueue::Pop::kEmpty) break;
      if (r == SplitQueue::Pop::kMalformed) {
        hooks().device_failed(error);
        return;
      }
      ASSERT_TRUE(q.push_used(hooks().memory(), c.head, written, error)) << error;
      pushed = true;
    }
    if (pushed) hooks().used_buffers(index);
  }
  void reset() override { ++resets; }
  nlohmann::json stats_json() const override { return {{"requests", 7}, {"device", "ignored"}}; }

  std::vector<uint8_t> config = {0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11};
  std::vector<uint64_t> ready_features;
  std::vector<unsigned> notified;
  unsigned resets = 0;
  uint32_t written = 1;
};

class MmioTransportTest : public ::testing::Test {
 protected:
  explicit MmioTransportTest(bool event_idx = true)
      : ram(kRam, 1 << 20),
        drv{ram, 8, kRam, kRam + 0x1000, kRam + 0x2000},
        transport("vm0 virtio-blk", std::unique_ptr<Device>(dev = new FakeDevice), ram,
                  [this](bool level) { irq.push_back(level); }, event_idx, 100000000) {}

  uint32_t rd(uint64_t offset, unsigned len = 4) {
    uint8_t b[8] = {};
    transport.read(offset, b, len);
    uint32_t v = 0;
    for (unsigned i = 0; i < 4; ++i) v |= uint32_t{b[i]} << (8 * i);
    return v;
  }
  void wr(uint64_t offset, uint32_t v, unsigned len = 4) {
    uint8_t b[8] = {};
    for (unsigned i = 0; i < 4; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
    transport.write(offset, b, len, sc_core::SC_ZERO_TIME);
  }
  uint64_t device_features() {
    wr(0x014, 0);
    const uint64_t lo = rd(0x010);
    wr(0x014, 1);
    return lo | uint64_t{rd(0x010)} << 32;
  }
  void driver_features(uint64_t f) {
    wr(0x024, 0);
    wr(0x020, static_cast<uint32_t>(f));
    wr(0x024, 1);
    wr(0x020, static_cast<uint32_t>(f >> 32));
  }
  // §3.1.1 up to FEATURES_OK; returns the status read back.
  uint32_t negotiate(uint64_t f) {
    wr(0x070, kAcknowledge);
    wr(0x070, kAcknowledge | kDriver);
    driver_features(f);
    wr(0x070, kAcknowledge | kDriver | kFeaturesOk);
    return rd(0x070);
  }
  // Queue `index` with the test driver's layout.
  void setup_queue(unsigned index) {
    wr(0x030, index);
    wr(0x038, drv.size);
    wr(0x080, static_cast<uint32_t>(drv.desc));
    wr(0x084, static_cast<uint32_t>(drv.desc >> 32));
    wr(0x090, static_cast<uint32_t>(drv.avail));
    wr(0x094, 0);
    wr(0x0a0, static_cast<uint32_t>(drv.used));
    wr(0x0a4, 0);
    wr(0x044, 1);
  }
  void bring_up(uint64_t f = kFeatureVersion1) {
    ASSERT_EQ(negotiate(f) & kFeaturesOk, kFeaturesOk);
    setup_queue(0);
    wr(0x070, kAcknowledge | kDriver | kFeaturesOk | kDriverOk);
  }

  test::TestRam ram;
  test::TestDriver drv;
  FakeDevice* dev = nullptr;
  std::vector<bool> irq;  // every set_irq call
  MmioTransport transport;
};

class MmioTransportNoEventIdxTest : public MmioTransportTest {
 protected:
  MmioTransportNoEventIdxTest() : MmioTransportTest(false) {}
};

TEST_F(MmioTransportTest, IdentificationRegisters) {
  EXPECT_EQ(rd(0x000), 0x74726976u);  // "virt"
  EXPECT_EQ(rd(0x004), 2u);
  EXPECT_EQ(rd(0x008), 2u);
  EXPECT_EQ(rd(0x00c), 0x56525648u);
  EXPECT_EQ(rd(0x0fc), 0u);  // ConfigGeneration
  EXPECT_EQ(rd(0x070), 0u);
  wr(0x030, 1);
  EXPECT_EQ(rd(0x034), 1024u);  // QueueNumMax
  wr(0x030, 2);
  EXPECT_EQ(rd(0x034), 0u);  // no queue 2
  EXPECT_EQ(transport.name(), "vm0 virtio-blk");
  EXPECT_EQ(transport.queue(1).name, "vm0 virtio-blk queue 1");
  EXPECT_TRUE(MmioTransport::is_notify(0x050));
  EXPECT_FALSE(MmioTransport::is_notify(0x054));
}

TEST_F(MmioTransportTest, BadAccessesReadZeroAndAreIgnored) {
  EXPECT_EQ(rd(0x000, 2), 0u);  // register with a 16-bit access
  EXPECT_EQ(rd(0x002), 0u);     // misaligned
  EXPECT_EQ(rd(0x0c0), 0u);     // unknown
  EXPECT_EQ(rd(0xffc), 0u);
  wr(0x000, 0x1234);  // read-only
  EXPECT_EQ(rd(0x000), 0x74726976u);
  wr(0x070, kAcknowledge, 2);
  EXPECT_EQ(rd(0x070), 0u);
}

TEST_F(MmioTransportTest, ConfigurationSpace) {
  EXPECT_EQ(rd(0x100), 0x55667788u);
  EXPECT_EQ(rd(0x104), 0x11223344u);
  EXPECT_EQ(rd(0x102, 2), 0x5566u);
  EXPECT_EQ(rd(0x107, 1), 0x11u);
  EXPECT_EQ(rd(0x101, 2), 0u);  // misaligned
  EXPECT_EQ(rd(0x200), 0u);     // beyond the device's fields
  wr(0x100, 0);                 // read-only
  EXPECT_EQ(rd(0x100), 0x55667788u);
}

TEST_F(MmioTransportTest, FeatureHandshake) {
  const uint64_t offered = device_features();
  EXPECT_EQ(offered, kDeviceFeature | kFeatureVersion1 | kFeatureIndirectDesc | kFeatureEventIdx);
  wr(0x014, 2);
  EXPECT_EQ(rd(0x010), 0u);

  const uint64_t accepted = kFeatureVersion1 | kFeatureEventIdx | kFeatureIndirectDesc;
  EXPECT_EQ(negotiate(accepted), kAcknowledge | kDriver | kFeaturesOk);
  driver_features(kFeatureVersion1);  // too late: ignored once FEATURES_OK is set
  setup_queue(0);
  setup_queue(1);
  EXPECT_TRUE(dev->ready_features.empty());
  wr(0x070, kAcknowledge | kDriver | kFeaturesOk | kDriverOk);
  EXPECT_EQ(rd(0x070), kAcknowledge | kDriver | kFeaturesOk | kDriverOk);
  ASSERT_EQ(dev->ready_features.size(), 1u);
  EXPECT_EQ(dev->ready_features[0], accepted);
  for (unsigned i = 0; i < 2; ++i) {
    EXPECT_TRUE(transport.queue(i).event_idx);
    EXPECT_TRUE(transport.queue(i).indirect);
  }
  EXPECT_EQ(transport.stats_json()["features"], accepted);
}

TEST_F(MmioTransportTest, NegotiatedFeaturesReachTheQueues) {
  bring_up(kFeatureVersion1 | kDeviceFeature);
  EXPECT_FALSE(transport.queue(0).event_idx);
  EXPECT_FALSE(transport.queue(0).indirect);
  EXPECT_EQ(dev->ready_features.at(0), kFeatureVersion1 | kDeviceFeature);
}

TEST_F(MmioTransportTest, FeaturesOkRefusedWithoutVersion1) {
  EXPECT_EQ(negotiate(kDeviceFeature | kFeatureIndirectDesc), kAcknowledge | kDriver);
  // DRIVER_OK without FEATURES_OK does not start the device either.
  wr(0x070, kAcknowledge | kDriver | kDriverOk);
  EXPECT_EQ(rd(0x070) & kDriverOk, 0u);
  EXPECT_TRUE(dev->ready_features.empty());
}

TEST_F(MmioTransportTest, FeaturesOkRefusedForFeaturesNotOffered) {
  EXPECT_EQ(negotiate(kFeatureVersion1 | (1ull << 5)), kAcknowledge | kDriver);
}

TEST_F(MmioTransportNoEventIdxTest, EventIdxNotOfferedAndNotAccepted) {
  EXPECT_EQ(device_features(), kDeviceFeature | kFeatureVersion1 | kFeatureIndirectDesc);
  EXPECT_EQ(negotiate(kFeatureVersion1 | kFeatureEventIdx), kAcknowledge | kDriver);
}

TEST_F(MmioTransportTest, QueueSetup) {
  wr(0x030, 1);
  EXPECT_EQ(rd(0x044), 0u);
  wr(0x044, 1);  // no size yet: stays not ready
  EXPECT_EQ(rd(0x044), 0u);
  for (uint32_t bad : {0u, 100u, 2048u, 1u << 16}) wr(0x038, bad);
  EXPECT_EQ(transport.queue(1).size, 0);
  wr(0x038, 256);
  wr(0x038, 100);  // not a power of 2: ignored
  EXPECT_EQ(transport.queue(1).size, 256);
  wr(0x080, 0x80001000);
  wr(0x084, 0x1);
  wr(0x090, 0x80002000);
  wr(0x0a0, 0x80003000);
  wr(0x044, 1);
  EXPECT_EQ(rd(0x044), 1u);
  const SplitQueue& q = transport.queue(1);
  EXPECT_TRUE(q.ready);
  EXPECT_EQ(q.desc_gpa, 0x180001000ull);
  EXPECT_EQ(q.avail_gpa, 0x80002000ull);
  EXPECT_EQ(q.used_gpa, 0x80003000ull);
  // While ready, the size and addresses stay.
  wr(0x038, 8);
  wr(0x080, 0);
  wr(0x0a4, 5);
  EXPECT_EQ(q.size, 256);
  EXPECT_EQ(q.desc_gpa, 0x180001000ull);
  EXPECT_EQ(q.used_gpa, 0x80003000ull);
  EXPECT_FALSE(transport.queue(0).ready);
  // QueueSel of a queue that does not exist: writes go nowhere.
  wr(0x030, 9);
  wr(0x038, 8);
  wr(0x044, 1);
  EXPECT_EQ(rd(0x044), 0u);
}

TEST_F(MmioTransportTest, NotifyReachesTheDeviceOnlyAfterDriverOk) {
  negotiate(kFeatureVersion1);
  setup_queue(0);
  wr(0x050, 0);
  EXPECT_TRUE(dev->notified.empty());
  wr(0x070, kAcknowledge | kDriver | kFeaturesOk | kDriverOk);
  wr(0x050, 0);
  wr(0x050, 1);
  wr(0x050, 7);  // no such queue
  EXPECT_EQ(dev->notified, (std::vector<unsigned>{0, 1}));
  EXPECT_EQ(transport.stats_json()["notifications"], 4);
}

TEST_F(MmioTransportTest, UsedBufferInterruptAndAck) {
  bring_up();
  drv.set_desc(0, kRam + 0x10000, 16, 0);
  drv.make_available(0);
  wr(0x050, 0);
  EXPECT_EQ(drv.used_idx(), 1);
  EXPECT_EQ(rd(0x060), 1u);
  EXPECT_EQ(irq, (std::vector<bool>{true}));
  // A second batch while the line is high: no new edge.
  drv.make_available(0);
  wr(0x050, 0);
  EXPECT_EQ(irq, (std::vector<bool>{true}));
  wr(0x064, 1);
  EXPECT_EQ(rd(0x060), 0u);
  EXPECT_EQ(irq, (std::vector<bool>{true, false}));
  EXPECT_EQ(transport.stats_json()["interrupts"], 2);
}

TEST_F(MmioTransportTest, NoInterruptWhenTheDriverSuppressesIt) {
  bring_up();
  drv.set_avail_flags(1);
  drv.set_desc(0, kRam + 0x10000, 16, 0);
  drv.make_available(0);
  wr(0x050, 0);
  EXPECT_EQ(drv.used_idx(), 1);
  EXPECT_EQ(rd(0x060), 0u);
  EXPECT_TRUE(irq.empty());
}

TEST_F(MmioTransportTest, EventIdxSuppressesInterrupts) {
  bring_up(kFeatureVersion1 | kFeatureEventIdx);
  ASSERT_TRUE(transport.queue(0).event_idx);
  drv.set_desc(0, kRam + 0x10000, 16, 0);
  drv.set_used_event(1);  // interrupt when entry 1 is used
  drv.make_available(0);
  wr(0x050, 0);
  EXPECT_EQ(rd(0x060), 0u);
  drv.make_available(0);
  wr(0x050, 0);
  EXPECT_EQ(rd(0x060), 1u);
  EXPECT_EQ(irq, (std::vector<bool>{true}));
}

TEST_F(MmioTransportTest, ResetByWritingStatusZero) {
  bring_up();
  drv.set_desc(0, kRam + 0x10000, 16, 0);
  drv.make_available(0);
  wr(0x050, 0);
  ASSERT_EQ(rd(0x060), 1u);
  wr(0x070, 0);
  EXPECT_EQ(dev->resets, 1u);
  EXPECT_EQ(rd(0x070), 0u);
  EXPECT_EQ(rd(0x060), 0u);
  EXPECT_EQ(irq, (std::vector<bool>{true, false}));
  const SplitQueue& q = transport.queue(0);
  EXPECT_FALSE(q.ready);
  EXPECT_EQ(q.size, 0);
  EXPECT_EQ(q.last_avail(), 0);
  EXPECT_EQ(q.name, "vm0 virtio-blk queue 0");
  EXPECT_EQ(transport.stats_json()["features"], 0);
  // Notifications wait for the next DRIVER_OK.
  wr(0x050, 0);
  EXPECT_EQ(dev->notified.size(), 1u);
}

TEST_F(MmioTransportTest, DeviceFailedStopsTheDevice) {
  bring_up();
  drv.set_desc(0, 0x90000000, 4096, 0);
  drv.make_available(0);
  ::testing::internal::CaptureStderr();
  wr(0x050, 0);
  transport.device_failed("something else");  // once only
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "rvh-vp: vm0 virtio-blk queue 0: descriptor 0: buffer 0x90000000+4096 is outside "
            "guest RAM; device stopped\n");
  EXPECT_TRUE(transport.failed());
  EXPECT_EQ(rd(0x070), kAcknowledge | kDriver | kFeaturesOk | kDriverOk | kNeedsReset);
  EXPECT_EQ(rd(0x060), 2u);  // configuration change
  EXPECT_EQ(irq, (std::vector<bool>{true}));
  // The driver's status writes keep DEVICE_NEEDS_RESET; notifications stop.
  wr(0x070, kAcknowledge | kDriver | kFeaturesOk | kDriverOk);
  EXPECT_EQ(rd(0x070) & kNeedsReset, kNeedsReset);
  wr(0x050, 0);
  EXPECT_EQ(dev->notified.size(), 1u);
  EXPECT_EQ(transport.stats_json()["device_failed"], true);

  // Reset brings it back.
  wr(0x064, 2);
  wr(0x070, 0);
  EXPECT_FALSE(transport.failed());
  EXPECT_EQ(rd(0x070), 0u);
  drv.set_desc(0, kRam + 0x10000, 16, 0);
  drv.set_avail_idx(0);
  drv.make_available(0);
  bring_up();
  wr(0x050, 0);
  EXPECT_EQ(dev->notified.size(), 2u);
  EXPECT_EQ(drv.used_idx(), 1);
}

TEST_F(MmioTransportTest, DeviceFailedNamesTheTransportWhenTheReasonDoesNot) {
  ::testing::internal::CaptureStderr();
  transport.device_failed("disk image write failed");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "rvh-vp: vm0 virtio-blk: disk image write failed; device stopped\n");
}

TEST_F(MmioTransportTest, StatsAndTime) {
  const nlohmann::json j = transport.stats_json();
  EXPECT_EQ(j["device"], "blk");  // the transport's, not the device's "ignored"
  EXPECT_EQ(j["requests"], 7);
  EXPECT_EQ(j["notifications"], 0);
  EXPECT_EQ(j["interrupts"], 0);
  EXPECT_EQ(j["device_failed"], false);
  EXPECT_EQ(transport.cycles_to_ns(5000), 50000u);  // 100 MHz
}

}  // namespace
}  // namespace rvh::hyp::virtio
