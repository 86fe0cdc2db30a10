// platform/provenance.cpp: see provenance.h.
#include "platform/provenance.h"

#include <cstdio>
#include <fstream>
#include <memory>

#include <boost/version.hpp>
#include <openssl/evp.h>
#include <systemc>
#include <tlm>

#include "rvh_build_info.h"

namespace rvh {
namespace {

std::string sha256_of_file(const std::string& path, uint64_t& bytes, std::string& error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    error = "cannot read";
    return {};
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    error = "no SHA-256 in libcrypto";
    return {};
  }
  char buf[1 << 16];
  bytes = 0;
  while (f) {
    f.read(buf, sizeof buf);
    const std::streamsize n = f.gcount();
    if (n <= 0) break;
    EVP_DigestUpdate(ctx.get(), buf, static_cast<size_t>(n));
    bytes += static_cast<uint64_t>(n);
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  std::string hex;
  char two[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(two, sizeof two, "%02x", md[i]);
    hex += two;
  }
  return hex;
}

}  // namespace

nlohmann::json software_versions() {
  nlohmann::json v;
  v["rvh_vp"] = RVH_VERSION;
  v["source_revision"] = RVH_SOURCE_REVISION;
  v["systemc"] = sc_core::sc_release();
  v["tlm"] = TLM_VERSION;
#if defined(__clang__)
  v["compiler"] = std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  v["compiler"] = std::string("gcc ") + __VERSION__;
#endif
  v["boost"] = std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000) + "." +
               std::to_string(BOOST_VERSION % 100);
  v["nlohmann_json"] = std::to_string(NLOHMANN_JSON_VERSION_MAJOR) + "." + std::to_string(NLOHMANN_JSON_VERSION_MINOR) +
                       "." + std::to_string(NLOHMANN_JSON_VERSION_PATCH);
  return v;
}

nlohmann::json describe_inputs(const std::vector<std::string>& paths) {
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& p : paths) {
    if (p.empty()) continue;
    uint64_t bytes = 0;
    std::string error;
    const std::string digest = sha256_of_file(p, bytes, error);
    nlohmann::json e = {{"path", p}};
    if (error.empty()) {
      e["bytes"] = bytes;
      e["sha256"] = digest;
    } else {
      e["error"] = error;
    }
    out.push_back(e);
  }
  return out;
}

nlohmann::json command_line_json(int argc, char** argv) {
  nlohmann::json a = nlohmann::json::array();
  for (int i = 0; i < argc; ++i) a.push_back(argv[i]);
  return a;
}


}  // namespace rvh
