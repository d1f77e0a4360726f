# Read by cpack before it packages (CPACK_PROJECT_CONFIG_FILE): the Debian
# packages install the library in the multiarch directory, which
# GNUInstallDirs picks only when the build was configured for /usr.
if(CPACK_GENERATOR STREQUAL "DEB" AND NOT CPACK_PUBRIO_LIBDIR MATCHES "^lib/[^/]+-linux-[^/]+$")
  message(FATAL_ERROR "the Debian packages need the multiarch library "
    "directory, but this build installs into '${CPACK_PUBRIO_LIBDIR}': "
    "configure it with -DCMAKE_INSTALL_PREFIX=/usr")
endif()
# libpubrio-dev ships pubrio-fake-server (and depends on libmicrohttpd for
# it): refuse a build that did not make it.
if(CPACK_GENERATOR STREQUAL "DEB" AND NOT CPACK_PUBRIO_FAKE_SERVER)
  message(FATAL_ERROR "libpubrio-dev ships pubrio-fake-server, which this "
    "build lacks: install libmicrohttpd-dev and configure without "
    "-DPUBRIO_BUILD_FAKE_SERVER=OFF")
endif()
