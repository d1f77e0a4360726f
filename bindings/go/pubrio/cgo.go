package pubrio

// The one place that says how to find the C library: pkg-config's
// libpubrio.pc (installed by CMake and by the libpubrio-dev package).

/*
#cgo pkg-config: libpubrio
#include <pubrio/pubrio.h>
*/
import "C"

// Version is the version of the C library loaded at run time, e.g. "0.2.0".
func Version() string { return C.GoString(C.pubrio_version()) }
