# Helpers shared by every folder's CMakeLists.txt.

set(STRATO_WARNINGS -Wall -Wextra -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 misreads Boost.Asio's coroutine frame allocator (aligned_alloc
  # paired with its own operator delete) as a mismatch under -O2 -g.
  list(APPEND STRATO_WARNINGS -Wno-mismatched-new-delete)
elseif(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  # rapidjson's iterators declare operator== in the pre-C++20 style, which
  # clang flags as ambiguous once C++20 adds reversed candidates.
  list(APPEND STRATO_WARNINGS -Wno-ambiguous-reversed-operator)
endif()
if(STRATO_WERROR)
  list(APPEND STRATO_WARNINGS -Werror)
endif()

if(STRATO_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

if(STRATO_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(CTest)
endif()

# strato_library(NAME DEPS dep...)
# A library of every .cc in the current folder except *_test.cc; its public
# headers live in include/strato/<area>/. Each *_test.cc next to it becomes a
# GoogleTest binary registered with CTest as <NAME>.<file stem>.
function(strato_library name)
  cmake_parse_arguments(ARG "" "" "DEPS;TEST_DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  file(GLOB tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  if(tests)
    list(REMOVE_ITEM srcs ${tests})
  endif()
  if(srcs)
    add_library(${name} STATIC ${srcs})
    target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/include PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    target_compile_options(${name} PRIVATE ${STRATO_WARNINGS})
    target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  else()
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${PROJECT_SOURCE_DIR}/include)
    target_link_libraries(${name} INTERFACE ${ARG_DEPS})
  endif()
  if(STRATO_BUILD_TESTS)
    foreach(t ${tests})
      get_filename_component(stem ${t} NAME_WE)
      add_executable(${stem} ${t})
      target_compile_options(${stem} PRIVATE ${STRATO_WARNINGS})
      target_include_directories(${stem} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
      target_link_libraries(${stem} PRIVATE ${name} ${ARG_TEST_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
      add_test(NAME ${name}.${stem} COMMAND ${stem})
      set_tests_properties(${name}.${stem} PROPERTIES LABELS unit ENVIRONMENT
        "STRATO_SOURCE_DIR=${PROJECT_SOURCE_DIR};STRATO_BINARY_DIR=${PROJECT_BINARY_DIR};OMP_WAIT_POLICY=PASSIVE")
    endforeach()
  endif()
endfunction()
