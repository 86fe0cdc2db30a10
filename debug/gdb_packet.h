// debug/gdb_packet.h: the framing of the GDB Remote Serial Protocol (GDB
// manual, appendix "Remote Protocol", sections "Overview" and "Packets"):
// `$payload#cs` with a modulo-256 checksum, the acks '+'/'-', the interrupt
// byte 0x03, the '}' escape of binary data, hex helpers, and a streaming
// parser that takes the bytes of a connection in any chunks.
//
// May include: the C++ standard library only.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rvh::gdb {

// The largest payload (bytes between '$' and '#', as received) the parser
// accepts; advertised to GDB as PacketSize in the qSupported reply. A longer
// packet is dropped (PacketEvent::kOversized) without being stored.
constexpr size_t kMaxPacketSize = 0x4000;

// The byte GDB sends for Ctrl-C, outside any packet.
constexpr char kInterruptByte = '\x03';

// Sum of the bytes modulo 256: the checksum of a packet whose payload, as
// sent, is `data`.
uint8_t checksum(std::string_view data);

// '#', '$', '}' and '*' become '}' followed by the byte XOR 0x20 ("Binary
// Data"); everything else is kept.
std::string escape_binary(std::string_view data);
// The inverse of escape_binary. False for a '}' that ends the data.
bool unescape_binary(std::string_view data, std::string& out);

// "$" + escape_binary(payload) + "#" + two lowercase hex digits. Escaping
// every payload is safe: GDB undoes the escape in every packet it receives.
std::string frame_packet(std::string_view payload);

// Value of a hex digit (either case), or -1.
int hex_digit(char c);
// Two lowercase hex digits per byte.
std::string to_hex(std::string_view bytes);
std::string to_hex(const std::vector<uint8_t>& bytes);
// Bytes from pairs of hex digits; false for an odd count or a non-hex digit.
bool from_hex(std::string_view hex, std::vector<uint8_t>& out);
bool from_hex(std::string_view hex, std::string& out);
// 1 to 16 hex digits, nothing else (no sign, no prefix).
bool parse_hex(std::string_view text, uint64_t& value);
// Lowercase hex without leading zeros ("0" for zero).
std::string hex_number(uint64_t value);
// The low `bytes` bytes of value, least significant first, as hex: a
// register in g/p packets (RISC-V is little-endian).
std::string hex_le(uint64_t value, unsigned bytes);
// The inverse of hex_le: exactly 2 * bytes hex digits, bytes <= 8.
bool parse_hex_le(std::string_view hex, unsigned bytes, uint64_t& value);

// One thing the parser found in the byte stream.
struct PacketEvent {
  enum Kind {
    kPacket,       // a packet with a good checksum; payload as received (escapes kept)
    kBadChecksum,  // a complete packet whose checksum does not match (or is not hex)
    kOversized,    // a packet longer than the limit: dropped, `size` = its payload length
    kInterrupt,    // 0x03 outside a packet
    kAck,          // '+'
    kNack,         // '-'
    kJunk,         // `size` bytes that belong to no packet (payload: the first few)
  };
  Kind kind;
  std::string payload;
  size_t size = 0;
};

// Splits a byte stream into PacketEvents. Keeps at most max_payload bytes of
// an unfinished packet, whatever it is fed. A '$' inside a packet starts a
// new packet (the unfinished one is reported as junk): GDB never sends an
// unescaped '$' inside a packet.
class PacketParser {
 public:
  explicit PacketParser(size_t max_payload = kMaxPacketSize);
  // Appends to `events` what the bytes complete, in order.
  void feed(const char* data, size_t size, std::vector<PacketEvent>& events);
  // True between packets (nothing buffered).
  bool idle() const { return state_ == State::kIdle; }

 private:
  enum class State { kIdle, kPayload, kChecksum1, kChecksum2, kSkip, kSkipChecksum1, kSkipChecksum2 };
  void junk(char c);
  void flush_junk(std::vector<PacketEvent>& events);

  size_t max_payload_;
  State state_ = State::kIdle;
  std::string payload_;
  size_t skipped_ = 0;
  char checksum_hi_ = 0;
  size_t junk_count_ = 0;
  std::string junk_sample_;
};

}  // namespace rvh::gdb
