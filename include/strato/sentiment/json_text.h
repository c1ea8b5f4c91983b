// Small JSON writers for sentiment outputs (explanations, prediction lines),
// shared by the CLI and the backend so both print the same bytes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "strato/sentiment/model.h"

namespace strato::sentiment {

// `s` as a JSON string literal (valid UTF-8 assumed; controls escaped).
std::string JsonQuote(std::string_view s);
// Shortest decimal form that reads back to the same double.
std::string JsonNumber(double v);
// [{"word":"...","weight":...}, ...]
std::string ExplanationJson(const std::vector<WordWeight>& words);

}  // namespace strato::sentiment
