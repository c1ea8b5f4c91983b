// The console's files, compiled in from src/frontends/http/console/ by
// CMake (see this folder's CMakeLists.txt, which generates their definition).
#pragma once

#include <string_view>

namespace strato::http {

std::string_view ConsoleHtml();
std::string_view ConsoleCss();
std::string_view ConsoleJs();

}  // namespace strato::http
