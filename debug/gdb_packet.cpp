// debug/gdb_packet.cpp: RSP framing, escapes, hex helpers and the parser.
#include "debug/gdb_packet.h"

namespace rvh::gdb {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
// Junk bytes kept for the message that reports them.
constexpr size_t kJunkSample = 16;

bool needs_escape(char c) { return c == '#' || c == '$' || c == '}' || c == '*'; }

}  // namespace

uint8_t checksum(std::string_view data) {
  unsigned sum = 0;
  for (char c : data) sum += static_cast<uint8_t>(c);
  return static_cast<uint8_t>(sum);
}

std::string escape_binary(std::string_view data) {
  std::string out;
  out.reserve(data.size());
  for (char c : data) {
    if (needs_escape(c)) {
      out += '}';
      out += static_cast<char>(c ^ 0x20);
    } else {
      out += c;
    }
  }
  return out;
}

bool unescape_binary(std::string_view data, std::string& out) {
  out.clear();
  out.reserve(data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    if (data[i] != '}') {
      out += data[i];
      continue;
    }
    if (++i == data.size()) return false;
    out += static_cast<char>(data[i] ^ 0x20);
  }
  return true;
}

std::string frame_packet(std::string_view payload) {
  const std::string body = escape_binary(payload);
  const uint8_t sum = checksum(body);
  std::string out;
  out.reserve(body.size() + 4);
  out += '$';
  out += body;
  out += '#';
  out += kHexDigits[sum >> 4];
  out += kHexDigits[sum & 0xf];
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string to_hex(std::string_view bytes) {
  std::string out;
  out.reserve(2 * bytes.size());
  for (char c : bytes) {
    const auto b = static_cast<uint8_t>(c);
    out += kHexDigits[b >> 4];
    out += kHexDigits[b & 0xf];
  }
  return out;
}

std::string to_hex(const std::vector<uint8_t>& bytes) {
  return to_hex(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

bool from_hex(std::string_view hex, std::string& out) {
  out.clear();
  if (hex.size() % 2 != 0) return false;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi << 4 | lo);
  }
  return true;
}

bool from_hex(std::string_view hex, std::vector<uint8_t>& out) {
  std::string bytes;
  if (!from_hex(hex, bytes)) return false;
  out.assign(bytes.begin(), bytes.end());
  return true;
}

bool parse_hex(std::string_view text, uint64_t& value) {
  if (text.empty() || text.size() > 16) return false;
  uint64_t v = 0;
  for (char c : text) {
    const int d = hex_digit(c);
    if (d < 0) return false;
    v = v << 4 | static_cast<uint64_t>(d);
  }
  value = v;
  return true;
}

std::string hex_number(uint64_t value) {
  std::string out;
  do {
    out.insert(out.begin(), kHexDigits[value & 0xf]);
    value >>= 4;
  } while (value != 0);
  return out;
}

std::string hex_le(uint64_t value, unsigned bytes) {
  std::string out;
  out.reserve(2 * bytes);
  for (unsigned i = 0; i < bytes; ++i) {
    const auto b = static_cast<uint8_t>(i < 8 ? value >> (8 * i) : 0);
    out += kHexDigits[b >> 4];
    out += kHexDigits[b & 0xf];
  }
  return out;
}

bool parse_hex_le(std::string_view hex, unsigned bytes, uint64_t& value) {
  if (bytes > 8 || hex.size() != 2 * size_t{bytes}) return false;
  std::string raw;
  if (!from_hex(hex, raw)) return false;
  uint64_t v = 0;
  for (unsigned i = 0; i < bytes; ++i) v |= uint64_t{static_cast<uint8_t>(raw[i])} << (8 * i);
  value = v;
  return true;
}

PacketParser::PacketParser(size_t max_payload) : max_payload_(max_payload) {}

void PacketParser::junk(char c) {
  ++junk_count_;
  if (junk_sample_.size() < kJunkSample) junk_sample_ += c;
}

void PacketParser::flush_junk(std::vector<PacketEvent>& events) {
  if (junk_count_ == 0) return;
  events.push_back({PacketEvent::kJunk, std::move(junk_sample_), junk_count_});
  junk_sample_.clear();
  junk_count_ = 0;
}

void PacketParser::feed(const char* data, size_t size, std::vector<PacketEvent>& events) {
  for (size_t i = 0; i < size; ++i) {
    const char c = data[i];
    switch (state_) {
      case State::kIdle:
        if (c == '$') {
          flush_junk(events);
          payload_.clear();
          state_ = State::kPayload;
        } else if (c == '+' || c == '-' || c == kInterruptByte) {
          flush_junk(events);
          events.push_back({c == '+'   ? PacketEvent::kAck
                            : c == '-' ? PacketEvent::kNack
                                       : PacketEvent::kInterrupt,
                            {}, 0});
        } else {
          junk(c);
        }
        break;
      case State::kPayload:
        if (c == '#') {
          state_ = State::kChecksum1;
        } else if (c == '$') {
          // An unfinished packet: junk; the '$' starts the next one.
          junk_count_ += payload_.size() + 1;
          if (junk_sample_.empty()) junk_sample_ = "$" + payload_.substr(0, kJunkSample - 1);
          flush_junk(events);
          payload_.clear();
        } else if (payload_.size() >= max_payload_) {
          skipped_ = payload_.size() + 1;
          payload_.clear();
          payload_.shrink_to_fit();
          state_ = State::kSkip;
        } else {
          payload_ += c;
        }
        break;
      case State::kChecksum1:
        checksum_hi_ = c;
        state_ = State::kChecksum2;
        break;
      case State::kChecksum2: {
        const int hi = hex_digit(checksum_hi_), lo = hex_digit(c);
        const bool good = hi >= 0 && lo >= 0 && (hi << 4 | lo) == checksum(payload_);
        events.push_back({good ? PacketEvent::kPacket : PacketEvent::kBadChecksum,
                          std::move(payload_), 0});
        payload_.clear();
        state_ = State::kIdle;
        break;
      }
      case State::kSkip:
        if (c == '#') {
          state_ = State::kSkipChecksum1;
        } else if (c == '$') {
          events.push_back({PacketEvent::kOversized, {}, skipped_});
          payload_.clear();
          state_ = State::kPayload;
        } else {
          ++skipped_;
        }
        break;
      case State::kSkipChecksum1:
        state_ = State::kSkipChecksum2;
        break;
      case State::kSkipChecksum2:
        events.push_back({PacketEvent::kOversized, {}, skipped_});
        state_ = State::kIdle;
        break;
    }
  }
  flush_junk(events);
}

}  // namespace rvh::gdb
