// debug/gdb_target_xml.cpp: target.xml from a register list.
#include "debug/gdb_target_xml.h"

namespace rvh::gdb {

namespace {

// GDB's fpu feature types f0-f31 as this union (64bit-fpu.xml), so that
// `p $ft0` shows both the single and the double view.
constexpr char kRiscvDoubleUnion[] =
    "    <union id=\"riscv_double\">\n"
    "      <field name=\"float\" type=\"ieee_single\"/>\n"
    "      <field name=\"double\" type=\"ieee_double\"/>\n"
    "    </union>\n";

}  // namespace

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string target_description_xml(const std::vector<RegisterInfo>& registers,
                                    const std::string& architecture, const std::string& osabi) {
  std::vector<std::string> features;
  for (const RegisterInfo& r : registers) {
    bool seen = false;
    for (const std::string& f : features) seen = seen || f == r.feature;
    if (!seen) features.push_back(r.feature);
  }

  std::string xml =
      "<?xml version=\"1.0\"?>\n"
      "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
      "<target version=\"1.0\">\n"
      "  <architecture>" + xml_escape(architecture) + "</architecture>\n";
  if (!osabi.empty()) xml += "  <osabi>" + xml_escape(osabi) + "</osabi>\n";
  for (const std::string& feature : features) {
    xml += "  <feature name=\"" + xml_escape(feature) + "\">\n";
    bool union_needed = false;
    for (const RegisterInfo& r : registers)
      union_needed = union_needed || (r.feature == feature && r.type == "riscv_double");
    if (union_needed) xml += kRiscvDoubleUnion;
    for (const RegisterInfo& r : registers) {
      if (r.feature != feature) continue;
      xml += "    <reg name=\"" + xml_escape(r.name) + "\" bitsize=\"" + std::to_string(r.bitsize) +
             "\" regnum=\"" + std::to_string(r.regnum) + "\"";
      if (!r.type.empty()) xml += " type=\"" + xml_escape(r.type) + "\"";
      if (!r.group.empty()) xml += " group=\"" + xml_escape(r.group) + "\"";
      xml += "/>\n";
    }
    xml += "  </feature>\n";
  }
  xml += "</target>\n";
  return xml;
}

}  // namespace rvh::gdb
