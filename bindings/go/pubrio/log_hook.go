package pubrio

/*
#include <pubrio/pubrio.h>
#include <stdint.h>

extern void goPubrioLog(pubrio_log_level level, char *message, void *userdata);

// The C library hands a const char *; cgo exports take a char *.
static void pri_go_log(pubrio_log_level level, const char *message,
                       void *userdata) {
  goPubrioLog(level, (char *)message, userdata);
}

// userdata is a cgo.Handle, a number: no Go pointer is kept by C.
static pubrio_status pri_go_set_log(pubrio_client *client, int max_level,
                                    uintptr_t handle, pubrio_error *err) {
  return pubrio_client_set_log(client, (pubrio_log_level)max_level, pri_go_log,
                               (void *)handle, err);
}
*/
import "C"

import "runtime/cgo"

// setLog hooks logger into the C client; the handle is deleted by Close,
// after the C client is freed.
func setLog(ptr *C.pubrio_client, logger Logger, maxLevel LogLevel, e *C.pubrio_error) (cgo.Handle, C.pubrio_status) {
	h := cgo.NewHandle(logger)
	status := C.pri_go_set_log(ptr, C.int(maxLevel), C.uintptr_t(h), e)
	if status != C.PUBRIO_OK {
		h.Delete()
		return 0, status
	}
	return h, status
}
