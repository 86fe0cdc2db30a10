// hyp/virtio_blk.h: the virtio block device (virtio spec v1.2 §5.2) over a
// host disk image (hyp/disk_image.h), device id 2, one request queue.
//
// Features: SEG_MAX (126 segments), BLK_SIZE (512), FLUSH (the image is a
// write-back cache: writes reach the file at a FLUSH request and at
// shutdown), and RO for a read-only disk.
//
// A request (§5.2.6) is a 16-byte header in device-readable buffers (le32
// type, le32 reserved, le64 sector), the data, and a status byte at the end
// of the device-writable part. IN (0), OUT (1), FLUSH (4) and GET_ID (8) are
// served; other types get UNSUPP. A range beyond the capacity, data that is
// not whole sectors, a write to a read-only disk or a host I/O error gets
// IOERR with nothing written. A chain whose layout is wrong (a short
// header, no status byte, data in the wrong direction for its type) is a
// hostile guest: the device stops (hooks().device_failed).
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "hyp/costs.h"
#include "hyp/disk_image.h"
#include "hyp/virtio_request_device.h"

namespace rvh::hyp {

class VirtioBlk : public virtio::RequestDevice {
 public:
  static constexpr uint32_t kSegMax = 126;
  static constexpr unsigned kIdBytes = 20;  // VIRTIO_BLK_ID_BYTES
  // Device features (§5.2.3).
  static constexpr uint64_t kFeatureSegMax = 1ull << 2, kFeatureRo = 1ull << 5, kFeatureBlkSize = 1ull << 6,
                            kFeatureFlush = 1ull << 9;
  // Request types and status values (§5.2.6).
  enum Type : uint32_t { kIn = 0, kOut = 1, kFlush = 4, kGetId = 8 };
  enum Status : uint8_t { kOk = 0, kIoErr = 1, kUnsupp = 2 };

  // `name` names the device's SystemC thread; the service time comes from
  // costs.virtio_request and costs.virtio_per_kib.
  VirtioBlk(const std::string& name, std::unique_ptr<DiskImage> image, const HypCosts& costs);

  uint32_t device_id() const override { return 2; }
  const char* kind() const override { return "blk"; }
  uint64_t features() const override;
  void read_config(uint32_t offset, uint8_t* data, unsigned len) override;
  // Writes the unflushed writes to the image; throws std::runtime_error
  // ("disk PATH: write failed: ...") on a host error.
  void shutdown() override;
  nlohmann::json stats_json() const override;

  DiskImage& image() { return *image_; }
  // The GET_ID answer: "rvh-vp:" and the image's file name, cut to 20
  // bytes, NUL-padded when shorter.
  std::string id() const;

 protected:
  bool begin(const virtio::Chain& chain, uint64_t& bytes) override;
  uint32_t complete(const virtio::Chain& chain) override;

 private:
  std::unique_ptr<DiskImage> image_;
  struct Request {
    uint32_t type = 0;
    uint64_t sector = 0;
    uint64_t data_bytes = 0;  // IN/OUT data, GET_ID answer bytes
  } request_;                 // the one in service
  bool host_error_reported_ = false;

  struct Stats {
    uint64_t in = 0, out = 0, flush = 0, get_id = 0, unsupported = 0;
    uint64_t bytes_read = 0, bytes_written = 0, flushes = 0;
    uint64_t ioerr = 0, unsupp = 0;
  } stats_;

  Status read_sectors(const virtio::Chain& chain);
  Status write_sectors(const virtio::Chain& chain);
  Status flush_image();
  bool range_ok() const;
  void host_error(const std::exception& e);
};

}  // namespace rvh::hyp
