// platform/commit_log_format.cpp: see commit_log_format.h.
#include "platform/commit_log_format.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "cpu/csr_names.h"

namespace rvh {
namespace {

// Spike's log key: number << 4 | kind.
uint64_t key_of(const CommitRecord::RegWrite& w) {
  return static_cast<uint64_t>(w.num) << 4 | static_cast<unsigned>(w.kind);
}

// "0x" and the value in as many hex digits as `bytes` bytes hold.
void append_hex(std::string& out, uint64_t value, unsigned bytes) {
  char buf[24];
  if (bytes < 8) value &= (1ull << (8 * bytes)) - 1;
  std::snprintf(buf, sizeof buf, "0x%0*" PRIx64, static_cast<int>(2 * bytes), value);
  out += buf;
}

void append_core(std::string& out, unsigned hart) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "core%4u: ", hart);
  out += buf;
}

// The names Spike gives the exceptions (its trap_* classes), by cause.
const char* exception_name(uint64_t cause) {
  switch (cause) {
    case 0: return "trap_instruction_address_misaligned";
    case 1: return "trap_instruction_access_fault";
    case 2: return "trap_illegal_instruction";
    case 3: return "trap_breakpoint";
    case 4: return "trap_load_address_misaligned";
    case 5: return "trap_load_access_fault";
    case 6: return "trap_store_address_misaligned";
    case 7: return "trap_store_access_fault";
    case 8: return "trap_user_ecall";
    case 9: return "trap_supervisor_ecall";
    case 10: return "trap_virtual_supervisor_ecall";
    case 11: return "trap_machine_ecall";
    case 12: return "trap_instruction_page_fault";
    case 13: return "trap_load_page_fault";
    case 15: return "trap_store_page_fault";
    case 20: return "trap_instruction_guest_page_fault";
    case 21: return "trap_load_guest_page_fault";
    case 22: return "trap_virtual_instruction";
    case 23: return "trap_store_guest_page_fault";
    default: return nullptr;
  }
}

}  // namespace

void CommitRecord::write(RegKind kind, unsigned num, uint64_t value) {
  for (RegWrite& w : writes)
    if (w.kind == kind && w.num == num) {
      w.value = value;
      return;
    }
  writes.push_back({kind, num, value});
}

void CommitRecord::clear() {
  writes.clear();
  loads.clear();
  stores.clear();
}

std::string format_commit_line(const CommitRecord& r) {
  std::string out;
  out.reserve(96);
  append_core(out, r.hart);
  out += static_cast<char>('0' + r.priv);
  out += ' ';
  append_hex(out, r.pc, 8);
  out += " (";
  append_hex(out, r.bits, r.length);
  out += ')';

  std::vector<CommitRecord::RegWrite> writes = r.writes;
  std::sort(writes.begin(), writes.end(),
            [](const auto& a, const auto& b) { return key_of(a) < key_of(b); });
  char buf[48];
  for (const auto& w : writes) {
    if (w.kind == CommitRecord::RegKind::kCsr) {
      const char* name = csr_name(w.num);
      std::snprintf(buf, sizeof buf, " c%u_%s ", w.num, name ? name : "unknown-csr");
    } else {
      if (w.num == 0 && w.kind == CommitRecord::RegKind::kX) continue;  // x0: Spike's key 0
      std::snprintf(buf, sizeof buf, " %c%-2u ", w.kind == CommitRecord::RegKind::kX ? 'x' : 'f', w.num);
    }
    out += buf;
    append_hex(out, w.value, 8);
  }
  for (const auto& l : r.loads) {
    out += " mem ";
    append_hex(out, l.addr, 8);
  }
  for (const auto& s : r.stores) {
    out += " mem ";
    append_hex(out, s.addr, 8);
    out += ' ';
    append_hex(out, s.value, s.size);
  }
  return out;
}

std::string format_trap_lines(unsigned hart, uint64_t cause, bool interrupt, uint64_t epc, uint64_t tval) {
  std::string out;
  append_core(out, hart);
  out += "exception ";
  const char* name = interrupt ? nullptr : exception_name(cause);
  char buf[32];
  if (name) {
    out += name;
  } else {
    std::snprintf(buf, sizeof buf, "%s #%u", interrupt ? "interrupt" : "trap", static_cast<unsigned>(cause & 0xff));
    out += buf;
  }
  out += ", epc ";
  append_hex(out, epc, 8);
  out += '\n';
  // Spike's traps with a value: all but the ecalls and the interrupts.
  const bool has_tval = !interrupt && name && !(cause >= 8 && cause <= 11);
  if (has_tval) {
    append_core(out, hart);
    out += "          tval ";
    append_hex(out, tval, 8);
    out += '\n';
  }
  return out;
}

}  // namespace rvh
