// virtio_blk_test.cpp -- hyp::VirtioBlk behind a real virtio-mmio transport
// over buffer-backed guest RAM, driven like a guest driver (virtio spec v1.2
// §5.2): identification, features and configuration space; IN, OUT, FLUSH
// and GET_ID requests on a temporary image file; IOERR out of range and on a
// read-only disk, UNSUPP; write-back (the file changes at FLUSH and at
// shutdown); the service time in simulated time; and malformed requests
// stopping the device with one report.
#include "hyp/virtio_blk.h"

#include <memory>
#include <string>
#include <vector>

#include "tests/unit/disk_test_util.h"
#include "tests/unit/gtest_sc_main.h"
#include "tests/unit/virtio_device_bench.h"

namespace rvh::hyp {
namespace {

using sc_core::SC_NS;
using sc_core::sc_time;
using test::file_bytes;
using test::image_byte;
using test::make_image;
using test::read_file;
using test::TempDir;
using virtio::test::DeviceBench;
using virtio::test::kStatusNeedsReset;
using virtio::test::Seg;

constexpr uint64_t kSectors = 64;

class VirtioBlkTest : public ::testing::Test {
 protected:
  // A bench over `name` (kSectors sectors of image_byte()), handshake done.
  void attach(bool read_only = false, bool event_idx = false, const std::string& name = "disk.img") {
    path = dir.file(name);
    if (!std::filesystem::exists(path)) make_image(dir, name, kSectors * 512);
    auto dev = std::make_unique<VirtioBlk>("virtio_blk", std::make_unique<DiskImage>(path, read_only), HypCosts{});
    blk = dev.get();
    bench = std::make_unique<DeviceBench>(std::move(dev), event_idx);
    bench->handshake();
  }

  // A request: header (type, sector) readable, then `segs`, then a status
  // byte of its own (0xff until the device writes it). Returns the status
  // byte's address.
  uint64_t submit(uint32_t type, uint64_t sector, std::vector<Seg> segs = {}) {
    const uint64_t header = bench->alloc(16);
    bench->ram.put(header, type, 4);
    bench->ram.put(header + 8, sector, 8);
    const uint64_t status = bench->alloc(1, 0xff);
    segs.insert(segs.begin(), Seg{header, 16, false});
    segs.push_back(Seg{status, 1, true});
    bench->submit(segs);
    return status;
  }
  uint8_t status_at(uint64_t gpa) { return static_cast<uint8_t>(bench->ram.get(gpa, 1)); }
  nlohmann::json stats() { return bench->transport().stats_json(); }

  TempDir dir;
  std::string path;
  VirtioBlk* blk = nullptr;
  std::unique_ptr<DeviceBench> bench;
};

TEST_F(VirtioBlkTest, IdentifiesAsABlockDeviceWithItsFeaturesAndConfiguration) {
  attach();
  EXPECT_EQ(bench->reg(0x000), 0x74726976u);  // "virt"
  EXPECT_EQ(bench->reg(0x008), 2u);
  const uint64_t f = bench->offered_features();
  EXPECT_EQ(f & 0xffffff, VirtioBlk::kFeatureSegMax | VirtioBlk::kFeatureBlkSize | VirtioBlk::kFeatureFlush);
  EXPECT_EQ(bench->config(0, 8), kSectors);  // capacity
  EXPECT_EQ(bench->config(12, 4), 126u);     // seg_max
  EXPECT_EQ(bench->config(20, 4), 512u);     // blk_size
  EXPECT_EQ(bench->config(8, 4), 0u);        // size_max: not offered
  uint8_t byte = 0xaa;
  bench->transport().read(0x100 + 20, &byte, 1);
  EXPECT_EQ(byte, 0x00);
  bench->transport().read(0x100 + 21, &byte, 1);
  EXPECT_EQ(byte, 0x02);
}

TEST_F(VirtioBlkTest, ReadOnlyDiskOffersRo) {
  attach(true);
  EXPECT_TRUE(bench->offered_features() & VirtioBlk::kFeatureRo);
}

TEST_F(VirtioBlkTest, ReadsSectorsIntoScatteredBuffers) {
  attach();
  const uint64_t a = bench->alloc(512), b = bench->alloc(1024);
  const uint64_t status = submit(VirtioBlk::kIn, 5, {{a, 512, true}, {b, 1024, true}});
  bench->notify();
  DeviceBench::run();
  EXPECT_EQ(status_at(status), VirtioBlk::kOk);
  const std::vector<uint8_t> first = bench->bytes(a, 512), rest = bench->bytes(b, 1024);
  for (unsigned i = 0; i < 512; ++i) ASSERT_EQ(first[i], image_byte(5 * 512 + i)) << i;
  for (unsigned i = 0; i < 1024; ++i) ASSERT_EQ(rest[i], image_byte(6 * 512 + i)) << i;
  EXPECT_EQ(bench->drv.used_idx(), 1);
  EXPECT_EQ(bench->drv.used_id(0), 0u);
  EXPECT_EQ(bench->drv.used_len(0), 1536u + 1);
  EXPECT_EQ(stats()["bytes_read"], 1536);
  EXPECT_EQ(stats()["requests"]["in"], 1);
}

TEST_F(VirtioBlkTest, WriteReachesTheFileAtFlushOnly) {
  attach();
  const std::vector<uint8_t> before = read_file(path);
  const uint64_t data = bench->alloc(1024, 0x3c);
  const uint64_t st_out = submit(VirtioBlk::kOut, 10, {{data, 1024, false}});
  bench->notify();
  DeviceBench::run();
  EXPECT_EQ(status_at(st_out), VirtioBlk::kOk);
  EXPECT_EQ(bench->drv.used_len(0), 1u);
  EXPECT_EQ(read_file(path), before);  // write-back: not yet in the file

  // A read sees the write.
  const uint64_t back = bench->alloc(512);
  const uint64_t st_in = submit(VirtioBlk::kIn, 11, {{back, 512, true}});
  bench->notify();
  DeviceBench::run();
  EXPECT_EQ(status_at(st_in), VirtioBlk::kOk);
  EXPECT_EQ(bench->bytes(back, 512), std::vector<uint8_t>(512, 0x3c));

  const uint64_t st_flush = submit(VirtioBlk::kFlush, 0);
  bench->notify();
  DeviceBench::run();
  EXPECT_EQ(status_at(st_flush), VirtioBlk::kOk);
  EXPECT_EQ(file_bytes(path, 10 * 512, 1024), std::vector<uint8_t>(1024, 0x3c));
  EXPECT_EQ(file_bytes(path, 0, 10 * 512), std::vector<uint8_t>(before.begin(), before.begin() + 10 * 512));
  EXPECT_EQ(read_file(path).size(), before.size());
  EXPECT_EQ(stats()["bytes_written"], 1024);
  EXPECT_EQ(stats()["flushes"], 1);
  EXPECT_EQ(stats()["requests"]["flush"], 1);
}

TEST_F(VirtioBlkTest, ShutdownWritesWhatTheGuestDidNotFlush) {
  attach();
  const uint64_t data = bench->alloc(512, 0x77);
  submit(VirtioBlk::kOut, kSectors - 1, {{data, 512, false}});
  bench->notify();
  DeviceBench::run();
  EXPECT_NE(file_bytes(path, (kSectors - 1) * 512, 512), std::vector<uint8_t>(512, 0x77));
  bench->transport().shutdown();
  EXPECT_EQ(file_bytes(path, (kSectors - 1) * 512, 512), std::vector<uint8_t>(512, 0x77));
}

TEST_F(VirtioBlkTest, OutOfRangeIsAnIoErrorWithNothingDone) {
  attach();
  const uint64_t a = bench->alloc(1024, 0xcd);
  const uint64_t past_end = submit(VirtioBlk::kIn, kSectors - 1, {{a, 1024, true}});  // one sector too far
  const uint64_t b = bench->alloc(512, 0xcd);
  const uint64_t wraps = submit(VirtioBlk::kOut, ~0ull, {{b, 512, false}});  // sector + 1 overflows
  const uint64_t c = bench->alloc(100, 0xcd);
  const uint64_t partial = submit(VirtioBlk::kIn, 0, {{c, 100, true}});  // not whole sectors
  bench->notify();
  DeviceBench::run();
  EXPECT_EQ(status_at(past_end), VirtioBlk::kIoErr);
  EXPECT_EQ(status_at(wraps), VirtioBlk::kIoErr);
  EXPECT_EQ(status_at(partial), VirtioBlk::kIoErr);
  EXPECT_EQ(bench->bytes(a, 1024), std::vector<uint8_t>(1024, 0xcd));
  EXPECT_EQ(bench->drv.used_idx(), 3);
  EXPECT_EQ(bench->drv.used_len(0), 1u);
  EXPECT_EQ(blk->image().dirty_sectors(), 0u);
  EXPECT_EQ(stats()["errors"]["ioerr"], 3);
  EXPECT_FALSE(stats()["device_failed"].get<bool>());
}

TEST_F(VirtioBlkTest, ReadOnlyDiskRefusesWritesWithIoErr) {
  attach(true);
  const std::vector<uint8_t> before = read_file(path);
  const uint64_t data = bench->alloc(512, 0x11);
  const uint64_t st_out = submit(VirtioBlk::kOut, 0, {{data, 512, false}});
  const uint64_t st_flush = submit(VirtioBlk::kFlush, 0);
  const uint64_t back = bench->alloc(512);
  const uint64_t st_in = submit(VirtioBlk::kIn, 0, {{back, 512, true}});
  bench->notify();
  DeviceBench::run();
  EXPECT_EQ(status_at(st_out), VirtioBlk::kIoErr);  // §5.2.6.2
  EXPECT_EQ(status_at(st_flush), VirtioBlk::kOk);
  EXPECT_EQ(status_at(st_in), VirtioBlk::kOk);
  EXPECT_EQ(bench->bytes(back, 512), std::vector<uint8_t>(before.begin(), before.begin() + 512));
  bench->transport().shutdown();
  bench.reset();
  EXPECT_EQ(read_file(path), before);
}

TEST_F(VirtioBlkTest, UnknownTypeIsUnsupported) {
  attach();
  const uint64_t discard = submit(11, 0, {{bench->alloc(16), 16, false}});  // VIRTIO_BLK_T_DISCARD: not offered
  const uint64_t other = submit(0x1234, 0);
  bench->notify();
  DeviceBench::run();
  EXPECT_EQ(status_at(discard), VirtioBlk::kUnsupp);
  EXPECT_EQ(status_at(other), VirtioBlk::kUnsupp);
  EXPECT_EQ(stats()["errors"]["unsupp"], 2);
  EXPECT_EQ(stats()["requests"]["unsupported"], 2);
}

TEST_F(VirtioBlkTest, GetIdNamesTheImage) {
  attach(false, false, "a-rather-long-image-name.img");
  const uint64_t id = bench->alloc(20, 0xff);
  const uint64_t status = submit(VirtioBlk::kGetId, 0, {{id, 20, true}});
  bench->notify();
  DeviceBench::run();
  EXPECT_EQ(status_at(status), VirtioBlk::kOk);
  const std::vector<uint8_t> got = bench->bytes(id, 20);
  EXPECT_EQ(std::string(got.begin(), got.end()), "rvh-vp:a-rather-long");  // 20 bytes, no NUL
}

TEST_F(VirtioBlkTest, GetIdOfAShortNameIsNulPadded) {
  attach(false, false, "d.img");
  const uint64_t id = bench->alloc(20, 0xff);
  submit(VirtioBlk::kGetId, 0, {{id, 20, true}});
  bench->notify();
  DeviceBench::run();
  std::string expected = "rvh-vp:d.img";
  expected.resize(20, '\0');
  const std::vector<uint8_t> got = bench->bytes(id, 20);
  EXPECT_EQ(std::string(got.begin(), got.end()), expected);
}

TEST_F(VirtioBlkTest, HeaderAndStatusMayShareBuffersWithData) {
  // §2.7.4.4: no framing assumptions; here the header is split in two and
  // the data and the status are one buffer.
  attach();
  const uint64_t header = bench->alloc(16);
  bench->ram.put(header, VirtioBlk::kIn, 4);
  bench->ram.put(header + 8, 2, 8);
  const uint64_t data_status = bench->alloc(513, 0xff);
  bench->submit({{header, 10, false}, {header + 10, 6, false}, {data_status, 513, true}});
  bench->notify();
  DeviceBench::run();
  const std::vector<uint8_t> got = bench->bytes(data_status, 513);
  for (unsigned i = 0; i < 512; ++i) ASSERT_EQ(got[i], image_byte(2 * 512 + i)) << i;
  EXPECT_EQ(got[512], VirtioBlk::kOk);
}

TEST_F(VirtioBlkTest, ServiceTimeIsSimulatedTimeFromTheNotification) {
  attach();
  const uint64_t a = bench->alloc(1536);
  const uint64_t status = submit(VirtioBlk::kIn, 0, {{a, 1536, true}});
  // 5000 cycles per request + ceil(1536 / 1024) * 250 per KiB, at 1 GHz.
  const uint64_t service_ns = HypCosts{}.virtio_request + 2 * HypCosts{}.virtio_per_kib;
  bench->notify(sc_time(100, SC_NS));  // the hart is 100 ns ahead of SystemC time
  DeviceBench::run(sc_time(100 + service_ns - 1, SC_NS));
  EXPECT_EQ(status_at(status), 0xff);
  EXPECT_EQ(bench->drv.used_idx(), 0);
  EXPECT_TRUE(bench->irq.empty());
  DeviceBench::run(sc_time(2, SC_NS));
  EXPECT_EQ(status_at(status), VirtioBlk::kOk);
  EXPECT_EQ(bench->drv.used_idx(), 1);
  ASSERT_FALSE(bench->irq.empty());
  EXPECT_TRUE(bench->irq.back());           // used-buffer interrupt
  EXPECT_EQ(bench->reg(0x060) & 1, 1u);     // InterruptStatus
  EXPECT_EQ(stats()["device_cycles"], service_ns);
  EXPECT_EQ(stats()["max_chain_bytes"], 16 + 1536 + 1);
}

TEST_F(VirtioBlkTest, RequestsAreServedOneAfterTheOther) {
  attach(false, true);
  std::vector<uint64_t> statuses;
  for (int i = 0; i < 3; ++i) statuses.push_back(submit(VirtioBlk::kIn, i, {{bench->alloc(512), 512, true}}));
  bench->notify();  // one notification for three requests
  const uint64_t service_ns = HypCosts{}.virtio_request + HypCosts{}.virtio_per_kib;
  DeviceBench::run(sc_time(2 * service_ns - 1, SC_NS));
  EXPECT_EQ(bench->drv.used_idx(), 1);
  DeviceBench::run(sc_time(service_ns + 2, SC_NS));
  EXPECT_EQ(bench->drv.used_idx(), 3);
  for (uint64_t s : statuses) EXPECT_EQ(status_at(s), VirtioBlk::kOk);
  EXPECT_EQ(stats()["requests_total"], 3);
  EXPECT_EQ(stats()["requests_without_notification"], 2);
  // With EVENT_IDX the device asked to be notified for the next chain.
  EXPECT_EQ(bench->drv.avail_event(), 3);
}

TEST_F(VirtioBlkTest, ResetForgetsTheRequestInService) {
  attach();
  const uint64_t status = submit(VirtioBlk::kOut, 0, {{bench->alloc(512, 0x99), 512, false}});
  bench->notify();
  DeviceBench::run(sc_time(1000, SC_NS));  // in service
  bench->set_reg(0x070, 0);               // the driver resets the device
  DeviceBench::run();
  EXPECT_EQ(status_at(status), 0xff);
  EXPECT_EQ(bench->drv.used_idx(), 0);
  EXPECT_EQ(blk->image().dirty_sectors(), 0u);

  // And works again after a new handshake.
  bench->handshake();
  const uint64_t again = submit(VirtioBlk::kFlush, 0);
  bench->notify();
  DeviceBench::run();
  EXPECT_EQ(status_at(again), VirtioBlk::kOk);
}

// A malformed request stops the device with one report naming the problem.
class VirtioBlkMalformed : public VirtioBlkTest {
 protected:
  void expect_stopped(const std::string& reason) {
    ::testing::internal::CaptureStderr();
    bench->notify();
    DeviceBench::run();
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(err, "rvh-vp: vm0 virtio-blk: " + reason + "; device stopped\n");
    EXPECT_TRUE(bench->reg(0x070) & kStatusNeedsReset);
    EXPECT_EQ(bench->drv.used_idx(), 0);
    EXPECT_TRUE(stats()["device_failed"].get<bool>());
    // Nothing more is served until a reset.
    const uint64_t st = submit(VirtioBlk::kFlush, 0);
    bench->notify();
    DeviceBench::run();
    EXPECT_EQ(status_at(st), 0xff);
    bench->handshake();
    const uint64_t after_reset = submit(VirtioBlk::kFlush, 0);
    bench->notify();
    DeviceBench::run();
    EXPECT_EQ(status_at(after_reset), VirtioBlk::kOk);
  }
};

TEST_F(VirtioBlkMalformed, ShortHeader) {
  attach();
  const uint64_t header = bench->alloc(8);
  bench->submit({{header, 8, false}, {bench->alloc(1, 0xff), 1, true}});
  expect_stopped("request at descriptor 0: the header needs 16 device-readable bytes, the chain has 8");
}

TEST_F(VirtioBlkMalformed, HeaderInWritableBuffer) {
  attach();
  bench->submit({{bench->alloc(17), 17, true}});
  expect_stopped("request at descriptor 0: the header needs 16 device-readable bytes, the chain has 0");
}

TEST_F(VirtioBlkMalformed, NoStatusByte) {
  attach();
  const uint64_t header = bench->alloc(16);
  bench->ram.put(header, VirtioBlk::kFlush, 4);
  bench->submit({{header, 16, false}});
  expect_stopped("request at descriptor 0: no device-writable buffer for the status byte");
}

TEST_F(VirtioBlkMalformed, ReadWithDeviceReadableData) {
  attach();
  submit(VirtioBlk::kIn, 0, {{bench->alloc(512), 512, false}});
  expect_stopped(
      "request at descriptor 0: IN (read) request with 512 device-readable data bytes: its data must be "
      "device-writable");
}

TEST_F(VirtioBlkMalformed, WriteWithDeviceWritableData) {
  attach();
  const std::vector<uint8_t> before = read_file(path);
  submit(VirtioBlk::kOut, 0, {{bench->alloc(512), 512, true}});
  expect_stopped(
      "request at descriptor 0: OUT (write) request with 512 device-writable data bytes: its data must be "
      "device-readable");
  bench->transport().shutdown();
  EXPECT_EQ(read_file(path), before);
}

TEST_F(VirtioBlkMalformed, GetIdWithDeviceReadableData) {
  attach();
  submit(VirtioBlk::kGetId, 0, {{bench->alloc(20), 20, false}});
  expect_stopped(
      "request at descriptor 0: GET_ID request with 20 device-readable data bytes: the id goes into "
      "device-writable ones");
}

TEST_F(VirtioBlkMalformed, ChainOutsideGuestRam) {
  // The queue's own check (hyp/virtio_queue.cpp) reaches the same report path.
  attach();
  bench->submit({{0x1000, 16, false}, {bench->alloc(1), 1, true}});
  ::testing::internal::CaptureStderr();
  bench->notify();
  DeviceBench::run();
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("rvh-vp: vm0 virtio-blk queue 0"), std::string::npos) << err;
  EXPECT_NE(err.find("; device stopped\n"), std::string::npos) << err;
  EXPECT_TRUE(bench->reg(0x070) & kStatusNeedsReset);
}

}  // namespace
}  // namespace rvh::hyp
