# llama.cpp for the `llamacpp` backend (src/llm). scripts/fetch_llama.sh puts
# the pinned source (node-llama-cpp 3.21.1 = llama.cpp v0.4.0) and the
# matching prebuilt linux-x64 libraries in third_party/llama/.
#
# Default: link the prebuilt libraries against the source's headers.
# -DSTRATO_LLAMA_FROM_SOURCE=ON builds llama.cpp from that source instead
# (about 14 minutes on 2 cores); add -DGGML_CUDA=ON for NVIDIA GPUs.
# Without third_party/llama, STRATO_HAVE_LLAMA is OFF and the backend,
# its tests and benchmarks are left out.
option(STRATO_LLAMA_FROM_SOURCE "Build llama.cpp from third_party/llama/src instead of using the prebuilt libraries" OFF)
set(STRATO_LLAMA_DIR ${PROJECT_SOURCE_DIR}/third_party/llama CACHE PATH "Folder made by scripts/fetch_llama.sh")
set(STRATO_HAVE_LLAMA OFF)

if(STRATO_LLAMA_FROM_SOURCE AND EXISTS ${STRATO_LLAMA_DIR}/src/CMakeLists.txt)
  set(LLAMA_BUILD_TESTS OFF CACHE BOOL "" FORCE)
  set(LLAMA_BUILD_EXAMPLES OFF CACHE BOOL "" FORCE)
  set(LLAMA_BUILD_SERVER OFF CACHE BOOL "" FORCE)
  set(LLAMA_BUILD_TOOLS OFF CACHE BOOL "" FORCE)
  set(LLAMA_CURL OFF CACHE BOOL "" FORCE)
  add_subdirectory(${STRATO_LLAMA_DIR}/src ${CMAKE_BINARY_DIR}/llama.cpp EXCLUDE_FROM_ALL SYSTEM)
  add_library(strato_llama INTERFACE)
  target_link_libraries(strato_llama INTERFACE llama ggml)
  set(STRATO_HAVE_LLAMA ON)
  set(STRATO_LLAMA_LIB_DIR "")
elseif(EXISTS ${STRATO_LLAMA_DIR}/lib/libllama.v0.4.0.so AND EXISTS ${STRATO_LLAMA_DIR}/src/include/llama.h)
  set(STRATO_LLAMA_LIB_DIR ${STRATO_LLAMA_DIR}/lib)
  add_library(strato_llama INTERFACE)
  # SYSTEM: llama.h's own warnings must not fail our -Werror build.
  target_include_directories(strato_llama SYSTEM INTERFACE ${STRATO_LLAMA_DIR}/src/include ${STRATO_LLAMA_DIR}/src/ggml/include)
  target_link_libraries(strato_llama INTERFACE
    ${STRATO_LLAMA_LIB_DIR}/libllama.v0.4.0.so ${STRATO_LLAMA_LIB_DIR}/libggml.v0.4.0.so ${STRATO_LLAMA_LIB_DIR}/libggml-base.so)
  # Binaries find the libraries (and the CPU variants loaded at run time) without LD_LIBRARY_PATH.
  target_link_options(strato_llama INTERFACE "LINKER:-rpath,${STRATO_LLAMA_LIB_DIR}")
  target_compile_definitions(strato_llama INTERFACE STRATO_LLAMA_LIB_DIR="${STRATO_LLAMA_LIB_DIR}")
  set(STRATO_HAVE_LLAMA ON)
else()
  message(STATUS "llama.cpp not found in ${STRATO_LLAMA_DIR} (run scripts/fetch_llama.sh): the llamacpp backend is left out")
endif()
