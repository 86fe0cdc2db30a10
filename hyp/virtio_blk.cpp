// hyp/virtio_blk.cpp: virtio-blk requests (virtio spec v1.2 §5.2.6) on a
// disk image (hyp/virtio_blk.h).
#include "hyp/virtio_blk.h"
#include "hyp/little_endian.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace rvh::hyp {
namespace {

constexpr uint64_t kHeaderBytes = 16;  // le32 type, le32 reserved, le64 sector
constexpr uint64_t kSector = DiskImage::kSectorBytes;

// struct virtio_blk_config (§5.2.4), the fields we fill.
constexpr uint32_t kConfigCapacity = 0, kConfigSegMax = 12, kConfigBlkSize = 20;
constexpr uint32_t kConfigBytes = 60;  // up to write_zeroes_may_unmap and its padding


std::string at(const virtio::Chain& chain) { return "request at descriptor " + std::to_string(chain.head); }

}  // namespace

VirtioBlk::VirtioBlk(const std::string& name, std::unique_ptr<DiskImage> image, const HypCosts& costs)
    : RequestDevice(name, costs.virtio_request, costs.virtio_per_kib), image_(std::move(image)) {
  if (!image_) throw std::invalid_argument("VirtioBlk: no disk image");
}

uint64_t VirtioBlk::features() const {
  return kFeatureSegMax | kFeatureBlkSize | kFeatureFlush | (image_->read_only() ? kFeatureRo : 0);
}

void VirtioBlk::read_config(uint32_t offset, uint8_t* data, unsigned len) {
  uint8_t config[kConfigBytes] = {};
  store_le(config + kConfigCapacity, image_->sectors(), 8);  // in 512-byte sectors, whatever blk_size says
  store_le(config + kConfigSegMax, kSegMax, 4);
  store_le(config + kConfigBlkSize, kSector, 4);
  for (unsigned i = 0; i < len; ++i) data[i] = uint64_t{offset} + i < kConfigBytes ? config[offset + i] : 0;
}

std::string VirtioBlk::id() const {
  const std::string& path = image_->path();
  const size_t slash = path.find_last_of('/');
  std::string id = "rvh-vp:" + (slash == std::string::npos ? path : path.substr(slash + 1));
  id.resize(kIdBytes, '\0');
  return id;
}

bool VirtioBlk::begin(const virtio::Chain& chain, uint64_t& bytes) {
  if (chain.readable_bytes < kHeaderBytes) {
    hooks().device_failed(at(chain) + ": the header needs 16 device-readable bytes, the chain has " +
                          std::to_string(chain.readable_bytes));
    return false;
  }
  if (chain.writable_bytes == 0) {
    hooks().device_failed(at(chain) + ": no device-writable buffer for the status byte");
    return false;
  }
  uint8_t header[kHeaderBytes];
  if (!read_chain(chain, 0, header, kHeaderBytes)) {
    hooks().device_failed(at(chain) + ": the header cannot be read from guest memory");
    return false;
  }
  request_ = Request{};
  request_.type = static_cast<uint32_t>(load_le(header, 4));
  request_.sector = load_le(header + 8, 8);
  const uint64_t readable_data = chain.readable_bytes - kHeaderBytes;
  const uint64_t writable_data = chain.writable_bytes - 1;  // the last byte is the status
  auto wrong_direction = [&](const char* what, uint64_t n, const char* must) {
    hooks().device_failed(at(chain) + ": " + what + " request with " + std::to_string(n) + " " + must);
    return false;
  };
  switch (request_.type) {
    case kIn:
      ++stats_.in;
      if (readable_data != 0)
        return wrong_direction("IN (read)", readable_data,
                               "device-readable data bytes: its data must be device-writable");
      request_.data_bytes = writable_data;
      break;
    case kOut:
      ++stats_.out;
      if (writable_data != 0)
        return wrong_direction("OUT (write)", writable_data,
                               "device-writable data bytes: its data must be device-readable");
      request_.data_bytes = readable_data;
      break;
    case kGetId:
      ++stats_.get_id;
      if (readable_data != 0)
        return wrong_direction("GET_ID", readable_data,
                               "device-readable data bytes: the id goes into device-writable ones");
      request_.data_bytes = std::min<uint64_t>(writable_data, kIdBytes);
      break;
    case kFlush:
      ++stats_.flush;  // no data; anything else in the chain is ignored
      break;
    default:
      ++stats_.unsupported;
      break;
  }
  bytes = request_.data_bytes;
  return true;
}

bool VirtioBlk::range_ok() const {
  // §5.2.6: whole sectors, within the capacity (no overflow of sector + n).
  if (request_.data_bytes % kSector != 0) return false;
  const uint64_t n = request_.data_bytes / kSector;
  return request_.sector <= image_->sectors() && n <= image_->sectors() - request_.sector;
}

void VirtioBlk::host_error(const std::exception& e) {
  if (host_error_reported_) return;  // once: a failing host disk would fill the terminal
  host_error_reported_ = true;
  std::fprintf(stderr, "rvh-vp: %s (the guest gets an I/O error)\n", e.what());
}

VirtioBlk::Status VirtioBlk::read_sectors(const virtio::Chain& chain) {
  if (!range_ok()) return kIoErr;
  std::vector<uint8_t> data(request_.data_bytes);
  try {
    image_->read(request_.sector, data.data(), data.size() / kSector);
  } catch (const std::runtime_error& e) {
    host_error(e);
    return kIoErr;
  }
  if (!write_chain(chain, 0, data.data(), data.size())) return kIoErr;
  stats_.bytes_read += data.size();
  return kOk;
}

VirtioBlk::Status VirtioBlk::write_sectors(const virtio::Chain& chain) {
  // §5.2.6.2: a read-only device fails writes with IOERR and changes nothing.
  if (image_->read_only() || !range_ok()) return kIoErr;
  std::vector<uint8_t> data(request_.data_bytes);
  if (!read_chain(chain, kHeaderBytes, data.data(), data.size())) return kIoErr;
  image_->write(request_.sector, data.data(), data.size() / kSector);
  stats_.bytes_written += data.size();
  return kOk;
}

VirtioBlk::Status VirtioBlk::flush_image() {
  try {
    image_->flush();
  } catch (const std::runtime_error& e) {
    host_error(e);
    return kIoErr;
  }
  ++stats_.flushes;
  return kOk;
}

uint32_t VirtioBlk::complete(const virtio::Chain& chain) {
  Status status = kOk;
  uint32_t written = 1;  // the status byte
  switch (request_.type) {
    case kIn:
      status = read_sectors(chain);
      if (status == kOk) written = static_cast<uint32_t>(chain.writable_bytes);
      break;
    case kOut: status = write_sectors(chain); break;
    case kFlush: status = flush_image(); break;
    case kGetId: {
      const std::string answer = id();
      if (!write_chain(chain, 0, answer.data(), request_.data_bytes)) status = kIoErr;
      if (status == kOk) written = static_cast<uint32_t>(chain.writable_bytes);
      break;
    }
    default: status = kUnsupp; break;
  }
  if (status == kIoErr) ++stats_.ioerr;
  if (status == kUnsupp) ++stats_.unsupp;
  const uint8_t byte = status;
  if (!write_chain(chain, chain.writable_bytes - 1, &byte, 1))
    hooks().device_failed(at(chain) + ": the status byte cannot be written to guest memory");
  return written;
}

void VirtioBlk::shutdown() { image_->flush(); }

nlohmann::json VirtioBlk::stats_json() const {
  nlohmann::json j = image_->stats_json();
  j["requests"] = {{"in", stats_.in},
                   {"out", stats_.out},
                   {"flush", stats_.flush},
                   {"get_id", stats_.get_id},
                   {"unsupported", stats_.unsupported}};
  j["bytes_read"] = stats_.bytes_read;
  j["bytes_written"] = stats_.bytes_written;
  j["flushes"] = stats_.flushes;
  j["errors"] = {{"ioerr", stats_.ioerr}, {"unsupp", stats_.unsupp}};
  add_service_stats(j);
  return j;
}

}  // namespace rvh::hyp
