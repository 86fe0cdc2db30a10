// tests/tools/png_check.cpp: checks that a screenshot shows plots:
//
//   png_check IMAGE.png [X,Y,W,H ...]
//
// - the image is not blank: at least 1% of its pixels differ from its most
//   common colour (the page background);
// - each region X,Y,W,H (pixels; the part inside the image) holds plotted
//   marks: at least max(50, 0.2% of its area) saturated pixels (max - min
//   channel > 48). Bars are drawn in saturated colours; text, axes and the
//   background are grey, so a chart with no bars fails.
// Prints the figures; exits 0 if all hold, 1 otherwise, 2 on bad usage or
// an unreadable image.
#include <png.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace {

struct Region {
  long x, y, w, h;
};

bool parse_region(const char* s, Region& r) {
  return std::sscanf(s, "%ld,%ld,%ld,%ld", &r.x, &r.y, &r.w, &r.h) == 4 && r.w > 0 && r.h > 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: png_check IMAGE.png [X,Y,W,H ...]\n");
    return 2;
  }
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, argv[1])) {
    std::fprintf(stderr, "png_check: %s: %s\n", argv[1], image.message);
    return 2;
  }
  image.format = PNG_FORMAT_RGB;
  std::vector<png_byte> pixels(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr)) {
    std::fprintf(stderr, "png_check: %s: %s\n", argv[1], image.message);
    return 2;
  }
  const long width = image.width, height = image.height;
  auto at = [&](long x, long y) { return &pixels[static_cast<size_t>((y * width + x) * 3)]; };

  std::map<uint32_t, uint64_t> colours;
  for (long y = 0; y < height; ++y)
    for (long x = 0; x < width; ++x) {
      const png_byte* p = at(x, y);
      ++colours[(uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2]];
    }
  uint64_t background = 0;
  for (const auto& [c, n] : colours) background = std::max(background, n);
  const uint64_t total = static_cast<uint64_t>(width) * static_cast<uint64_t>(height);
  const double ink = total ? 1.0 - static_cast<double>(background) / static_cast<double>(total) : 0;
  std::printf("png_check: %ldx%ld, %zu colours, %.2f%% of pixels not background\n", width, height, colours.size(),
              100 * ink);
  int failures = 0;
  if (ink < 0.01) {
    std::printf("png_check: FAIL: the image is blank\n");
    ++failures;
  }

  for (int i = 2; i < argc; ++i) {
    Region r;
    if (!parse_region(argv[i], r)) {
      std::fprintf(stderr, "png_check: bad region '%s'; use X,Y,W,H\n", argv[i]);
      return 2;
    }
    const long x0 = std::max(0L, r.x), y0 = std::max(0L, r.y);
    const long x1 = std::min(width, r.x + r.w), y1 = std::min(height, r.y + r.h);
    if (x1 <= x0 || y1 <= y0) {
      std::printf("png_check: FAIL: region %s is outside the image\n", argv[i]);
      ++failures;
      continue;
    }
    uint64_t saturated = 0;
    for (long y = y0; y < y1; ++y)
      for (long x = x0; x < x1; ++x) {
        const png_byte* p = at(x, y);
        const int hi = std::max({p[0], p[1], p[2]}), lo = std::min({p[0], p[1], p[2]});
        if (hi - lo > 48) ++saturated;
      }
    const uint64_t area = static_cast<uint64_t>((x1 - x0) * (y1 - y0));
    const uint64_t needed = std::max<uint64_t>(50, area / 500);
    const bool ok = saturated >= needed;
    std::printf("png_check: region %s: %llu marked pixels (need %llu)%s\n", argv[i],
                static_cast<unsigned long long>(saturated), static_cast<unsigned long long>(needed),
                ok ? "" : "  FAIL: no plot drawn");
    if (!ok) ++failures;
  }
  return failures ? 1 : 0;
}
