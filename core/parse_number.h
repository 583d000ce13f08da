#pragma once
// Numbers from text that a user or a file gave (a CSV cell, a tensor name's index, a flag's list):
// the whole text must be the number, or the Error names `what` and the text (escaped). Never an
// exception of another type, whatever the bytes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace plateau {

std::optional<int64_t> try_parse_int64(std::string_view text);
std::optional<double> try_parse_double(std::string_view text);  // also "nan", "inf"

int64_t parse_int64(std::string_view text, const std::string& what);
double parse_double(std::string_view text, const std::string& what);

}  // namespace plateau
