# Finds the speech engines (Debian: libpocketsphinx-dev pocketsphinx-en-us
# libsndfile1-dev libsoxr-dev flite1-dev libespeak-ng-dev) and defines the
# interface target strato_speech_deps. Sets STRATO_HAVE_SPEECH when all are
# present; without them strato builds without its speech models.
find_package(PkgConfig QUIET)
set(STRATO_HAVE_SPEECH OFF)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(STRATO_PS QUIET IMPORTED_TARGET pocketsphinx)
  pkg_check_modules(STRATO_SNDFILE QUIET IMPORTED_TARGET sndfile)
  pkg_check_modules(STRATO_SOXR QUIET IMPORTED_TARGET soxr)
  pkg_check_modules(STRATO_ESPEAK QUIET IMPORTED_TARGET espeak-ng)
endif()
find_path(STRATO_FLITE_INCLUDE flite/flite.h)
set(flite_libs flite_cmu_us_kal flite_cmu_us_kal16 flite_cmu_us_slt flite_cmu_us_awb
  flite_cmu_us_rms flite_usenglish flite_cmulex flite)
set(flite_found ON)
set(flite_paths)
foreach(lib ${flite_libs})
  find_library(STRATO_LIB_${lib} ${lib})
  if(NOT STRATO_LIB_${lib})
    set(flite_found OFF)
  endif()
  list(APPEND flite_paths ${STRATO_LIB_${lib}})
endforeach()
if(STRATO_PS_FOUND AND STRATO_SNDFILE_FOUND AND STRATO_SOXR_FOUND AND STRATO_ESPEAK_FOUND
   AND STRATO_FLITE_INCLUDE AND flite_found)
  set(STRATO_HAVE_SPEECH ON)
  add_library(strato_speech_deps INTERFACE)
  target_link_libraries(strato_speech_deps INTERFACE PkgConfig::STRATO_PS PkgConfig::STRATO_SNDFILE
    PkgConfig::STRATO_SOXR PkgConfig::STRATO_ESPEAK ${flite_paths} m)
  target_include_directories(strato_speech_deps INTERFACE ${STRATO_FLITE_INCLUDE})
  message(STATUS "speech: pocketsphinx, libsndfile, libsoxr, espeak-ng and flite found")
else()
  message(STATUS "speech: engines not found (scripts/setup.sh installs them); building without speech")
endif()
