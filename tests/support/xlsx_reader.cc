#include "support/xlsx_reader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <regex>

namespace aliquot::test_support {
namespace {

std::uint32_t little_endian(std::string_view bytes, std::size_t at, int size) {
  std::uint32_t value = 0;
  for (int i = size - 1; i >= 0; --i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
  }
  return value;
}

std::string inflate_raw(std::string_view compressed, std::size_t size) {
  std::string out(size, '\0');
  z_stream stream{};
  if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) return "";
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = inflate(&stream, Z_FINISH);
  inflateEnd(&stream);
  if (status != Z_STREAM_END) ADD_FAILURE() << "a zip entry does not inflate: " << status;
  return out;
}

std::map<std::string, std::string> zip_entries(std::string_view bytes) {
  std::map<std::string, std::string> entries;
  if (bytes.size() < 22) {
    ADD_FAILURE() << "not a zip package: " << bytes.size() << " bytes";
    return entries;
  }
  std::size_t end = bytes.size() - 22;
  while (end > 0 && little_endian(bytes, end, 4) != 0x06054b50) --end;
  if (little_endian(bytes, end, 4) != 0x06054b50) {
    ADD_FAILURE() << "no end of central directory";
    return entries;
  }
  const std::uint32_t count = little_endian(bytes, end + 10, 2);
  std::size_t at = little_endian(bytes, end + 16, 4);
  for (std::uint32_t i = 0; i < count; ++i) {
    if (at + 46 > bytes.size() || little_endian(bytes, at, 4) != 0x02014b50) {
      ADD_FAILURE() << "central directory entry " << i << " is malformed";
      return entries;
    }
    const std::uint32_t method = little_endian(bytes, at + 10, 2);
    const std::uint32_t compressed = little_endian(bytes, at + 20, 4);
    const std::uint32_t size = little_endian(bytes, at + 24, 4);
    const std::uint32_t name_length = little_endian(bytes, at + 28, 2);
    const std::uint32_t extra_length = little_endian(bytes, at + 30, 2);
    const std::uint32_t comment_length = little_endian(bytes, at + 32, 2);
    const std::uint32_t local = little_endian(bytes, at + 42, 4);
    const std::string name(bytes.substr(at + 46, name_length));
    const std::size_t data =
        local + 30 + little_endian(bytes, local + 26, 2) + little_endian(bytes, local + 28, 2);
    const std::string_view content = bytes.substr(data, compressed);
    entries[name] = method == 0 ? std::string(content) : inflate_raw(content, size);
    at += 46 + name_length + extra_length + comment_length;
  }
  return entries;
}

std::string xml_unescape(std::string text) {
  static const std::pair<const char*, const char*> kEntities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
  for (const auto& [entity, character] : kEntities) {
    for (std::size_t at = text.find(entity); at != std::string::npos;
         at = text.find(entity, at + 1)) {
      text.replace(at, std::char_traits<char>::length(entity), character);
    }
  }
  return text;
}

std::string attribute(const std::string& element, const std::string& name) {
  const std::regex pattern(" " + name + "=\"([^\"]*)\"");
  std::smatch match;
  return std::regex_search(element, match, pattern) ? xml_unescape(match[1]) : "";
}

}  // namespace

std::string XlsxWorkbook::value(const std::string& sheet, const std::string& cell) const {
  const auto found_sheet = cells.find(sheet);
  if (found_sheet == cells.end()) return "";
  const auto found = found_sheet->second.find(cell);
  return found == found_sheet->second.end() ? "" : found->second.value;
}

XlsxWorkbook read_xlsx(std::string_view bytes) {
  XlsxWorkbook workbook;
  workbook.entries = zip_entries(bytes);

  std::vector<std::string> strings;
  const std::string& shared = workbook.entries["xl/sharedStrings.xml"];
  const std::regex item("<si>([\\s\\S]*?)</si>");
  const std::regex run("<t[^>]*>([\\s\\S]*?)</t>");
  for (auto it = std::sregex_iterator(shared.begin(), shared.end(), item);
       it != std::sregex_iterator(); ++it) {
    const std::string body = (*it)[1];
    std::string text;
    for (auto part = std::sregex_iterator(body.begin(), body.end(), run);
         part != std::sregex_iterator(); ++part) {
      text += xml_unescape((*part)[1]);
    }
    strings.push_back(text);
  }

  const std::string& book = workbook.entries["xl/workbook.xml"];
  const std::regex sheet_element("<sheet [^>]*/>");
  for (auto it = std::sregex_iterator(book.begin(), book.end(), sheet_element);
       it != std::sregex_iterator(); ++it) {
    workbook.sheet_names.push_back(attribute(it->str(), "name"));
  }

  const std::regex cell_element("<c ([^>]*?)(/>|>([\\s\\S]*?)</c>)");
  const std::regex value_element("<v>([\\s\\S]*?)</v>");
  for (std::size_t i = 0; i < workbook.sheet_names.size(); ++i) {
    const std::string& xml =
        workbook.entries["xl/worksheets/sheet" + std::to_string(i + 1) + ".xml"];
    auto& sheet_cells = workbook.cells[workbook.sheet_names[i]];
    for (auto it = std::sregex_iterator(xml.begin(), xml.end(), cell_element);
         it != std::sregex_iterator(); ++it) {
      const std::string element = "<c " + (*it)[1].str();
      XlsxCell cell;
      const std::string style = attribute(element, "s");
      cell.style = style.empty() ? 0 : std::stoi(style);
      const std::string inner = (*it)[3];
      std::smatch value;
      if (std::regex_search(inner, value, value_element)) {
        cell.value = xml_unescape(value[1]);
        if (attribute(element, "t") == "s") {
          cell.text = true;
          const std::size_t index = std::stoul(cell.value);
          cell.value = index < strings.size() ? strings[index] : "";
        }
      }
      sheet_cells[attribute(element, "r")] = cell;
    }
  }
  return workbook;
}

}  // namespace aliquot::test_support
