# Every target of ours links rootzone_warnings (PRIVATE), so warnings and sanitizers are set once.
# Not: GCC 12 at -O2 reports it inside libstdc++'s std::string when CLI11 is
# inlined (a known false positive), and -Werror would turn that into a broken build.
add_library(rootzone_warnings INTERFACE)
target_compile_options(rootzone_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wdouble-promotion
  -Wformat=2 -Wimplicit-fallthrough)
if(ROOTZONE_WERROR)
  target_compile_options(rootzone_warnings INTERFACE -Werror)
endif()
if(ROOTZONE_SANITIZE)
  target_compile_options(rootzone_warnings INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(rootzone_warnings INTERFACE -fsanitize=address,undefined)
endif()
